package dev.guardedagents.testing;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.Prompts;
import dev.guardedagents.RenderedPrompt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link GuardedAgentsTest} as a user's test uses it: an agent whose model asks for a
 * tool and whose refund waits for a reviewer, scripted, decided and asserted on; and the
 * messages of assertions that fail.
 */
@GuardedAgentsTest
class GuardedAgentsTestTests {

	@Autowired
	Desk desk;

	@Autowired
	ScriptedChatModel model;

	@Autowired
	TestRuns runs;

	@BeforeEach
	void reset() {
		this.model.reset();
		Desk.refunded.set(0);
	}

	@Test
	void aScriptedToolRoundAndAnApprovedRefund() {
		this.model.callTool("lookupOrder", "{\"id\":\"7\"}").answer("Refund order 7", 100, 20);

		String runId = this.runs.start(() -> this.desk.handle("ticket-7"));
		this.runs.assertThat(runId).isWaiting();
		this.runs.approve(runId);

		this.runs.assertThat(runId)
			.succeeded()
			.hasResult("\"refunded 7\"")
			.hasSteps("chat", "lookupOrder", "chat", "refund", "refund")
			.hasModelCalls(2)
			.hasTotalTokens(15 + 120)
			.step("refund")
			.ranOnce()
			.succeeded()
			.wasApproved();
		assertThat(this.model.requests()).hasSize(2);
		assertThat(this.model.requests().get(1).getInstructions()).as("the question, the tool call, its answer")
			.hasSize(3);
		assertThat(Desk.refunded).hasValue(1);
	}

	@Test
	void aRejectedRefundAndFailingAssertionsSayWhatTheyFound() {
		this.model.callTool("lookupOrder", "{\"id\":\"8\"}").answer("Refund order 8");
		String runId = this.runs.start(() -> this.desk.handle("ticket-8"));
		this.runs.reject(runId, "not eligible");

		this.runs.assertThat(runId).failed().step("refund").wasRejected();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.runs.assertThat(runId).succeeded())
			.withMessageContaining(
					"to be SUCCEEDED but it is FAILED with dev.guardedagents.CheckpointRejectedException")
			.withMessageContaining("[chat, lookupOrder, chat, refund]");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.runs.assertThat(runId).step("refund").wasApproved())
			.withMessageContaining("Expected checkpoint refund to be APPROVED");
		assertThat(Desk.refunded).hasValue(0);
	}

	@Test
	void aCallWithNoAnswerLeftSaysWhatToScript() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.model.call(new Prompt("hello")))
			.withMessageContaining("no answer left for request 1")
			.withMessageContaining("the last: hello");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class DeskApplication {

		@Bean
		Orders orders() {
			return new Orders();
		}

		@Bean
		Refunds refundsDesk() {
			return new Refunds();
		}

		@Bean
		Desk desk(ChatClient.Builder chat, Orders orders, Refunds refunds) {
			return new Desk(chat.build(), orders, refunds);
		}

		@Bean
		Triage triage(ChatClient.Builder chat, Prompts prompts) {
			return new Triage(chat.build(), prompts);
		}

	}

	public static class Orders {

		@Tool(description = "Looks an order up")
		@GuardedTool(name = "lookupOrder")
		public String lookupOrder(String id) {
			return "order " + id + " of ann: 30 EUR";
		}

	}

	public static class Refunds {

		@HumanCheckpoint(name = "refund", timeout = "1h", reviewers = "refund-desk")
		@GuardedTool(name = "refund")
		public String refund(String order) {
			Desk.refunded.incrementAndGet();
			return "refunded " + order;
		}

	}

	public static class Triage {

		private final ChatClient chat;

		private final Prompts prompts;

		public Triage(ChatClient chat, Prompts prompts) {
			this.chat = chat;
			this.prompts = prompts;
		}

		@AgentRun(name = "triage")
		public String classify(String ticket) {
			RenderedPrompt prompt = this.prompts.render("triage", Map.of("ticket", ticket));
			return this.chat.prompt().user(prompt.text()).advisors(prompt).call().content();
		}

	}

	public static class Desk {

		static final AtomicInteger refunded = new AtomicInteger();

		private final ChatClient chat;

		private final Orders orders;

		private final Refunds refunds;

		public Desk(ChatClient chat, Orders orders, Refunds refunds) {
			this.chat = chat;
			this.orders = orders;
			this.refunds = refunds;
		}

		@AgentRun(name = "desk")
		public String handle(String ticket) {
			String answer = this.chat.prompt().user("Handle " + ticket).tools(this.orders).call().content();
			return this.refunds.refund(answer.substring(answer.lastIndexOf(' ') + 1));
		}

	}

}
