package dev.guardedagents.sample;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The sample support desk.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	/**
	 * The offline model, used unless {@code OPENAI_API_KEY} is set.
	 * @return the model
	 */
	@Bean
	@Primary
	@ConditionalOnExpression("'${OPENAI_API_KEY:}'.isEmpty()")
	OfflineChatModel offlineChatModel() {
		return new OfflineChatModel();
	}

	/**
	 * The chat client of the agent, built from Spring AI's builder, so that its model
	 * calls are journaled steps.
	 * @param builder the auto-configured builder
	 * @return the client
	 */
	@Bean
	ChatClient chatClient(ChatClient.Builder builder) {
		return builder.build();
	}

}
