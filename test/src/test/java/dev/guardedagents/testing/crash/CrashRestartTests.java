package dev.guardedagents.testing.crash;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.testing.GuardedAgentsTest;
import dev.guardedagents.testing.ScriptedChatModel;
import dev.guardedagents.testing.TestRuns;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Crash and restart in one JVM, as a user's test does it: the run dies at a crash point,
 * the restart resumes it from the journal, and the test counts what ran.
 */
@GuardedAgentsTest
class CrashRestartTests {

	@Autowired
	Support support;

	@Autowired
	ScriptedChatModel model;

	@Autowired
	TestRuns runs;

	@BeforeEach
	void reset() {
		this.model.reset();
		Tickets.opened.set(0);
		Tickets.mailed.set(0);
		Tickets.noted.set(0);
	}

	@Test
	void aRunThatCrashesAfterItsModelCallCallsTheModelOnceAndOpensTheTicketOnce() {
		this.model.answer("We refund you");
		this.runs.crashAfter("chat");

		String runId = this.runs.start(() -> this.support.answer("ticket-1"));
		assertThat(this.runs.restart()).containsExactly(runId);

		this.runs.assertThat(runId)
			.succeeded()
			.hasResult("\"mailed: We refund you\"")
			.hasSteps("open", "chat", "mail")
			.hasModelCalls(1)
			.step("open")
			.ranOnce();
		assertThat(this.model.requests()).as("model calls").hasSize(1);
		assertThat(Tickets.opened).as("tickets opened").hasValue(1);
		assertThat(Tickets.mailed).as("mails sent").hasValue(1);
	}

	@Test
	void aBodyThatRanButWasNotRecordedRunsAgainUnlessItsIdempotencyKeyAnswers() {
		this.model.answer("Closed");
		this.runs.crashDuring("mail");
		String first = this.runs.start(() -> this.support.answer("ticket-2"));
		this.runs.restart();
		this.runs.assertThat(first).succeeded().step("mail").ranOnce();
		assertThat(Tickets.mailed).as("the mail step has a key: its second execution is answered by it").hasValue(1);
		assertThat(Tickets.opened).hasValue(1);
		assertThat(this.model.requests()).hasSize(1);
	}

	@Test
	void aSideEffectOutsideAStepIsRepeatedByTheRestartAndTheAssertionCatchesIt() {
		this.model.answer("Noted");
		this.runs.crashAfter("chat");
		String runId = this.runs.start(() -> this.support.answerWithNote("ticket-3"));
		this.runs.restart();

		this.runs.assertThat(runId).succeeded().hasSteps("open", "chat");
		// the note is written by a method that is not a step: the resumed run writes it
		// again, which is what an assertion that it ran once catches
		assertThat(Tickets.noted).hasValue(2);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(Tickets.noted).hasValue(1));
	}

	@Test
	void aCrashBeforeAStepRunsItOnceAfterTheRestart() {
		this.model.answer("Hello");
		this.runs.crashAt(2);
		String runId = this.runs.start(() -> this.support.answer("ticket-4"));
		this.runs.restart();
		this.runs.assertThat(runId).succeeded().hasModelCalls(1).step("mail").ranOnce();
		assertThat(this.model.requests()).hasSize(1);
		assertThat(Tickets.opened).hasValue(1);
	}

	@Test
	void aStreamedModelCallIsReplayedAfterTheRestartAsOneChunkWithoutCallingTheModel() {
		this.model.answer("We refund you today");
		this.runs.crashAfter("chat");

		String runId = this.runs.start(() -> this.support.answerStreamed("ticket-5"));
		this.runs.restart();

		this.runs.assertThat(runId)
			.succeeded()
			.hasResult("\"mailed: 1 chunks: We refund you today\"")
			.hasSteps("open", "chat", "mail")
			.hasModelCalls(1);
		assertThat(this.model.requests()).as("model calls").hasSize(1);
		assertThat(Tickets.opened).hasValue(1);
	}

	@Test
	void aStreamedModelCallReachesThePlanWordByWord() {
		this.model.answer("We refund you today");

		String runId = this.runs.start(() -> this.support.answerStreamed("ticket-6"));

		this.runs.assertThat(this.runs.await(runId).id())
			.succeeded()
			.hasResult("\"mailed: 4 chunks: We refund you today\"")
			.hasModelCalls(1);
	}

	@Test
	void aRestartWithoutACrashSaysSo() {
		this.runs.crashBefore("never-called");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(this.runs::restart)
			.withMessageContaining("No run crashed");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SupportApplication {

		@Bean
		Tickets tickets() {
			return new Tickets();
		}

		@Bean
		Support support(ChatClient.Builder chat, Tickets tickets) {
			return new Support(chat.build(), tickets);
		}

	}

	public static class Tickets {

		static final AtomicInteger opened = new AtomicInteger();

		static final AtomicInteger mailed = new AtomicInteger();

		static final AtomicInteger noted = new AtomicInteger();

		@GuardedTool(name = "open")
		public String open(String ticket) {
			opened.incrementAndGet();
			return ticket + " opened";
		}

		@GuardedTool(name = "mail", idempotencyKey = "#ticket")
		public String mail(String ticket, String text) {
			mailed.incrementAndGet();
			return "mailed: " + text;
		}

		public void note(String ticket) {
			noted.incrementAndGet();
		}

	}

	public static class Support {

		private final ChatClient chat;

		private final Tickets tickets;

		public Support(ChatClient chat, Tickets tickets) {
			this.chat = chat;
			this.tickets = tickets;
		}

		@AgentRun(name = "support")
		public String answer(String ticket) {
			this.tickets.open(ticket);
			String text = this.chat.prompt().user("Answer " + ticket).call().content();
			return this.tickets.mail(ticket, text);
		}

		@AgentRun(name = "support-streamed")
		public String answerStreamed(String ticket) {
			this.tickets.open(ticket);
			List<String> chunks = this.chat.prompt().user("Answer " + ticket).stream().content().collectList().block();
			return this.tickets.mail(ticket, chunks.size() + " chunks: " + String.join("", chunks));
		}

		@AgentRun(name = "support-with-note")
		public String answerWithNote(String ticket) {
			this.tickets.open(ticket);
			this.tickets.note(ticket);
			return this.chat.prompt().user("Answer " + ticket).call().content();
		}

	}

}
