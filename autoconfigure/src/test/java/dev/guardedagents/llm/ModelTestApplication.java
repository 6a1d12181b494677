package dev.guardedagents.llm;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.Prompts;
import dev.guardedagents.RenderedPrompt;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * An agent on Spring AI's OpenAI client: plans that ask the model, which may call a plain
 * tool or one behind a human checkpoint. Counters are static: CGLIB proxies do not share
 * the fields of their targets.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ModelTestApplication {

	@Bean
	Weather weather() {
		return new Weather();
	}

	@Bean
	Refunds refunds() {
		return new Refunds();
	}

	@Bean
	Desk desk(ChatClient.Builder chat, Weather weather, Refunds refunds, Prompts prompts) {
		return new Desk(chat.build(), weather, refunds, prompts);
	}

	static class Weather {

		static final AtomicInteger calls = new AtomicInteger();

		@Tool(description = "Current temperature in a city")
		public String currentTemperature(String city) {
			calls.incrementAndGet();
			return "21C in " + city;
		}

	}

	public static class Refunds {

		static final AtomicInteger calls = new AtomicInteger();

		@Tool(description = "Refunds an order")
		@HumanCheckpoint(name = "refund-approval")
		public String refund(String order) {
			calls.incrementAndGet();
			return "refunded " + order;
		}

	}

	static class Desk {

		private final ChatClient chat;

		private final Weather weather;

		private final Refunds refunds;

		private final Prompts prompts;

		Desk(ChatClient chat, Weather weather, Refunds refunds, Prompts prompts) {
			this.chat = chat;
			this.weather = weather;
			this.refunds = refunds;
			this.prompts = prompts;
		}

		@AgentRun(name = "ask")
		public String ask(String question) {
			return this.chat.prompt().user(question).tools(this.weather, this.refunds).call().content();
		}

		@AgentRun(name = "ask-with-prompt")
		public String askWithPrompt(String question) {
			RenderedPrompt prompt = this.prompts.render("support/answer", Map.of("question", question));
			return this.chat.prompt().user(prompt.text()).advisors(prompt).call().content();
		}

	}

}
