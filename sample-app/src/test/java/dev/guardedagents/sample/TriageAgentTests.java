package dev.guardedagents.sample;

import java.time.Duration;

import dev.guardedagents.testing.GuardedAgentsTest;
import dev.guardedagents.testing.ScriptedChatModel;
import dev.guardedagents.testing.TestRuns;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The triage agent on the {@link GuardedAgentsTest} slice, as a team would test its own
 * agent: no web server, no security, no OpenAI, a scripted model, the journal and the
 * tickets in an in-memory H2 database. The tools read tickets through Spring Data JPA, so
 * the test imports that auto-configuration (Flyway, which creates the tickets table, is
 * part of the slice), and the agent sends the answers it streams to {@link LiveReplies},
 * a plain component the slice leaves out, so the test imports it too.
 */
@GuardedAgentsTest(properties = { "spring.datasource.url=jdbc:h2:mem:triage-slice;DB_CLOSE_DELAY=-1",
		"guarded-agents.pricing.scripted.input-per-million=0.15",
		"guarded-agents.pricing.scripted.output-per-million=0.60" })
@ImportAutoConfiguration({ HibernateJpaAutoConfiguration.class, DataJpaRepositoriesAutoConfiguration.class })
@Import(LiveReplies.class)
class TriageAgentTests {

	@Autowired
	TriageAgent agent;

	@Autowired
	TicketRepository tickets;

	@Autowired
	ScriptedChatModel model;

	@Autowired
	TestRuns runs;

	@BeforeEach
	void reset() {
		this.model.reset();
	}

	@Test
	void aTechnicalTicketIsAnsweredAtOnce() {
		long ticket = ticket("The app crashes with an error on login");
		this.model.answer("technical", 40, 1);

		String runId = this.runs.start(() -> this.agent.triage(ticket));

		this.runs.assertThat(runId)
			.succeeded()
			.hasSteps("load-ticket", "chat", "send-reply")
			.hasModelCalls(1)
			.hasTotalTokens(41)
			.openedReviews(0)
			.step("send-reply")
			.ranOnce();
		assertThat(this.tickets.findById(ticket).orElseThrow().getCategory()).isEqualTo("technical");
		assertThat(this.model.requests().get(0).getContents()).contains("The app crashes with an error on login");
	}

	@Test
	void aBillingReplyWaitsForTheBillingTeam() {
		long ticket = ticket("Please refund the double charge");
		this.model.answer("billing");

		String runId = this.runs.start(() -> this.agent.triage(ticket));
		this.runs.assertThat(runId).isWaiting();
		assertThat(this.tickets.findById(ticket).orElseThrow().getReply()).as("nothing sent before approval").isNull();
		this.runs.approve(runId);

		this.runs.assertThat(runId)
			.succeeded()
			.hasSteps("load-ticket", "chat", "billing-reply", "send-reply")
			.openedReviews(1)
			.step("billing-reply")
			.wasApproved();
		this.runs.assertThat(runId).step("send-reply").ranOnce();
		assertThat(this.tickets.findById(ticket).orElseThrow().getReply()).startsWith("Thanks, your billing ticket");
	}

	@Test
	void aBillingTeamThatNeverAnswersMeansNoReplyAfterFourHours() {
		long ticket = ticket("I was charged twice");
		this.model.answer("billing");
		String runId = this.runs.start(() -> this.agent.triage(ticket));
		this.runs.pendingReview(runId);

		this.runs.advanceTime(Duration.ofHours(4).plusMinutes(1));

		this.runs.assertThat(runId)
			.succeeded()
			.hasSteps("load-ticket", "chat", "billing-reply")
			.step("billing-reply")
			.timedOut();
		assertThat(this.runs.await(runId).result()).contains("not sent");
		assertThat(this.tickets.findById(ticket).orElseThrow().getReply()).isNull();
	}

	@Test
	void aCrashAfterTheModelCallDoesNotAskTheModelAgain() {
		long ticket = ticket("Where is the settings page?");
		this.model.answer("general");
		this.runs.crashAfter("chat");

		String runId = this.runs.start(() -> this.agent.triage(ticket));
		this.runs.restart();

		this.runs.assertThat(runId).succeeded().hasModelCalls(1).step("load-ticket").ranOnce();
		assertThat(this.model.requests()).hasSize(1);
		assertThat(this.tickets.findById(ticket).orElseThrow().getReply()).contains("general");
	}

	private long ticket(String text) {
		return this.tickets.save(new Ticket(text)).getId();
	}

}
