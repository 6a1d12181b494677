package example;

import dev.guardedagents.AgentRun;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.stereotype.Service;

@Service
public class Greeter {

	private final ChatClient chat;

	private final Mailer mailer;

	public Greeter(ChatClient.Builder chat, Mailer mailer) {
		this.chat = chat.build();
		this.mailer = mailer;
	}

	@AgentRun(name = "greet")
	public String greet(String name) {
		String text = this.chat.prompt().user("Greet " + name).call().content();
		return this.mailer.send(name, text);
	}

}
