package example;

import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.GuardedTool;

import org.springframework.stereotype.Component;

@Component
public class Mailer {

	private final AtomicInteger sent = new AtomicInteger();

	@GuardedTool(name = "send-mail")
	public String send(String to, String text) {
		this.sent.incrementAndGet();
		return "sent to " + to + ": " + text;
	}

	public int sent() {
		return this.sent.get();
	}

}
