package dev.guardedagents.internal.llm;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.BudgetWarningEvent;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.Prompts;
import dev.guardedagents.RenderedPrompt;
import dev.guardedagents.RunContext;
import dev.guardedagents.RunHandle;
import dev.guardedagents.StepKind;
import dev.guardedagents.spi.StepPolicy;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

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
	Budgeted budgeted(ChatClient.Builder chat) {
		return new Budgeted(chat.build());
	}

	@Bean
	Family family(ObjectProvider<AgentRuns> runs, Budgeted budgeted) {
		return new Family(runs, budgeted);
	}

	/**
	 * A parent with a halting budget whose two children ask the model.
	 */
	static class Family {

		private final ObjectProvider<AgentRuns> runs;

		private final Budgeted children;

		Family(ObjectProvider<AgentRuns> runs, Budgeted children) {
			this.runs = runs;
			this.children = children;
		}

		@AgentRun(name = "family-halting", budget = "halt")
		public String halting(String marker) {
			RunHandle<String> first = this.runs.getObject().start(() -> this.children.child(marker + "-a"));
			RunHandle<String> second = this.runs.getObject().start(() -> this.children.child(marker + "-b"));
			return RunContext.await(first) + "|" + RunContext.await(second);
		}

		@AgentRun(name = "family-twice")
		public String twice(String marker) {
			RunHandle<String> child = this.runs.getObject().start(() -> this.children.child(marker));
			return RunContext.await(child) + "|" + RunContext.await(child);
		}

	}

	@Bean
	StepPolicy noDropTable() {
		return new StepPolicy() {

			@Override
			public Verdict check(Check check) {
				return (!check.output() && check.payload().contains("DROP TABLE")) ? Verdict.deny("no SQL in prompts")
						: Verdict.ALLOW;
			}

			@Override
			public boolean checksModelOutputs() {
				return false;
			}

		};
	}

	@Bean
	Streamer streamer(ChatClient.Builder chat, Weather weather, Refunds refunds, AgentRuns runs) {
		return new Streamer(chat.build(), weather, refunds, runs);
	}

	/**
	 * Plans that stream: each chunk the plan receives is kept with the number of model
	 * steps the journal held when it came.
	 */
	static class Streamer {

		static final List<Chunk> received = new CopyOnWriteArrayList<>();

		static volatile String lastRun = "";

		private final ChatClient chat;

		private final Weather weather;

		private final Refunds refunds;

		private final AgentRuns runs;

		Streamer(ChatClient chat, Weather weather, Refunds refunds, AgentRuns runs) {
			this.chat = chat;
			this.weather = weather;
			this.refunds = refunds;
			this.runs = runs;
		}

		@AgentRun(name = "streamed")
		public String streamed(String question) {
			String runId = RunContext.current().runId();
			List<String> chunks = this.chat.prompt()
				.user(question)
				.tools(this.weather)
				.stream()
				.content()
				.doOnNext((text) -> received.add(new Chunk(text, modelSteps(runId))))
				.collectList()
				.block();
			return String.join("", chunks);
		}

		@AgentRun(name = "streamed-with")
		public String streamedWith(String model, String question) {
			String runId = RunContext.current().runId();
			lastRun = runId;
			return String.join("",
					this.chat.prompt()
						.user(question)
						.options(ChatOptions.builder().model(model))
						.stream()
						.content()
						.doOnNext((text) -> received.add(new Chunk(text, modelSteps(runId))))
						.collectList()
						.block());
		}

		static String lastRun() {
			return lastRun;
		}

		@AgentRun(name = "streamed-refund")
		public String refund(String question) {
			try {
				return String.join("",
						this.chat.prompt().user(question).tools(this.refunds).stream().content().collectList().block());
			}
			catch (RuntimeException ex) {
				return "the plan caught " + ex;
			}
		}

		private long modelSteps(String runId) {
			return this.runs.steps(runId).stream().filter((step) -> step.kind() == StepKind.LLM).count();
		}

		record Chunk(String text, long modelStepsRecorded) {
		}

	}

	@Bean
	BudgetWarnings budgetWarnings() {
		return new BudgetWarnings();
	}

	static class BudgetWarnings {

		@EventListener
		void warned(BudgetWarningEvent event) {
			Budgeted.warnings.add(event);
		}

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

	static class Stock {

		static final AtomicInteger calls = new AtomicInteger();

		static volatile boolean down = true;

		@Tool(description = "Items in stock")
		public String lookupStock(String item) {
			calls.incrementAndGet();
			if (down) {
				throw new IllegalStateException("stock service down");
			}
			return "12 " + item + "s";
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

	static class Budgeted {

		static final List<BudgetWarningEvent> warnings = new CopyOnWriteArrayList<>();

		private final ChatClient chat;

		Budgeted(ChatClient chat) {
			this.chat = chat;
		}

		@AgentRun(name = "child")
		public String child(String marker) {
			return this.chat.prompt().user(marker + " question").call().content();
		}

		@AgentRun(name = "halting", budget = "halt")
		public String halting(String marker) {
			return ask(marker, 3);
		}

		@AgentRun(name = "degrading", budget = "degrade")
		public String degrading(String marker) {
			return ask(marker, 3);
		}

		@AgentRun(name = "escalating", budget = "escalate")
		public String escalating(String marker) {
			return ask(marker, 2);
		}

		@AgentRun(name = "unpriced", budget = "halt")
		public String unpriced(String marker) {
			return this.chat.prompt()
				.user(marker + " question")
				.options(ChatOptions.builder().model("mystery-model"))
				.call()
				.content();
		}

		@AgentRun(name = "asked-with")
		public String askWith(String model, String marker, int calls) {
			StringBuilder answers = new StringBuilder();
			for (int i = 1; i <= calls; i++) {
				answers
					.append(this.chat.prompt()
						.user(marker + " question " + i)
						.options(ChatOptions.builder().model(model))
						.call()
						.content())
					.append(' ');
			}
			return answers.toString().trim();
		}

		@AgentRun(name = "reviewed-model")
		public String reviewed(String marker) {
			return this.chat.prompt()
				.user(marker + " question")
				.options(ChatOptions.builder().model("gpt-lab-reviewed"))
				.call()
				.content();
		}

		@AgentRun(name = "reviewed-tool")
		public String stock(String question) {
			return this.chat.prompt().user(question).tools(new Stock()).call().content();
		}

		@AgentRun(name = "policed")
		public String policed(String question) {
			return this.chat.prompt().user(question).call().content();
		}

		private String ask(String marker, int calls) {
			StringBuilder answers = new StringBuilder();
			for (int i = 1; i <= calls; i++) {
				answers.append(this.chat.prompt().user(marker + " question " + i).call().content()).append(' ');
			}
			return answers.toString().trim();
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

		@AgentRun(name = "prompt-then-refund")
		public String promptThenRefund(String question) {
			RenderedPrompt prompt = this.prompts.render("support/answer", Map.of("question", question));
			String order = this.chat.prompt().user(prompt.text()).advisors(prompt).call().content();
			return this.refunds.refund(order);
		}

		@AgentRun(name = "ask-with-prompt")
		public String askWithPrompt(String question) {
			RenderedPrompt prompt = this.prompts.render("support/answer", Map.of("question", question));
			return this.chat.prompt().user(prompt.text()).advisors(prompt).call().content();
		}

	}

}
