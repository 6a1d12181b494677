package dev.guardedagents.internal.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.IdempotencyConflictException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewEvent;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.StepView;
import dev.guardedagents.actuate.AgentReviewsEndpoint;
import dev.guardedagents.actuate.AgentRunsEndpoint;
import dev.guardedagents.actuate.AgentRunsEndpoint.RunDetailDescriptor;
import dev.guardedagents.actuate.AgentRunsEndpoint.StepDescriptor;
import dev.guardedagents.internal.redaction.Redaction;
import dev.guardedagents.internal.redaction.Sensitivity;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.internal.store.JdbcRunStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Sensitive} values and the built-in redaction patterns, with the starter's own
 * configuration: a sensitive tool argument is never stored; everything the journal shows
 * (the endpoints, review events) is masked; the application's own calls and the run
 * itself see the real values.
 */
@EngineTest
class RedactionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Autowired
	EngineTestApplication.Vault.Plans plans;

	@Autowired
	AgentRuns runs;

	@Autowired
	Reviews reviews;

	@Autowired
	JdbcRunStore store;

	@Autowired
	Redaction redaction;

	@Autowired
	ReviewAccess access;

	@Autowired
	ConfigurableApplicationContext context;

	private final List<ReviewEvent> events = new CopyOnWriteArrayList<>();

	@BeforeEach
	void reset() {
		EngineTestApplication.reset();
		this.context.addApplicationListener(ApplicationListener.<ReviewEvent>forPayload(this.events::add));
	}

	@Test
	void sensitiveValuesAreMaskedWhereShownAndASensitiveToolArgumentIsNotStored() throws Exception {
		String runId = assertThatExceptionOfType(RunSuspendedException.class)
			.isThrownBy(() -> this.plans.open("acct-7", "hunter2"))
			.actual()
			.getRunId();

		// stored: the tool's sensitive argument masked, its output (needed to replay)
		// kept
		List<StepView> stored = this.runs.steps(runId);
		assertThat(stored.get(0).input()).isEqualTo("[\"acct-7\",\"[sensitive]\"]");
		assertThat(stored.get(0).output()).isEqualTo("\"token-acct-7-hunter2\"");
		assertThat(stored.get(1).errorMessage()).contains("Bearer eyJhbGciOiJIUzI1NiJ9").contains("acct-7@example.com");
		assertThat(this.runs.find(runId).orElseThrow().arguments()).contains("hunter2");
		ReviewView review = this.reviews.list(ReviewQuery.pending().withRunId(runId)).reviews().get(0);
		assertThat(review.summary()).isEqualTo("Release card 4111 1111 1111 1111 to acct-7@example.com");
		assertThat(review.payload()).contains("4111 1111 1111 1111");

		// shown: masked
		RunDetailDescriptor detail = runsEndpoint().run(SecurityContext.NONE, runId, null, null, null, null);
		assertThat(detail.run().arguments()).hasToString("[\"acct-7\",\"[sensitive]\"]");
		StepDescriptor storeSecret = detail.steps().get(0);
		assertThat(storeSecret.input()).hasToString("[\"acct-7\",\"[sensitive]\"]");
		assertThat(storeSecret.output()).hasToString("\"[sensitive]\"");
		StepDescriptor callBank = detail.steps().get(1);
		assertThat(callBank.errorMessage()).isEqualTo("bank refused [redacted:api-key] for [redacted:email]");
		assertThat(callBank.attemptErrors().toString()).doesNotContain("eyJhbGciOiJIUzI1NiJ9")
			.doesNotContain("acct-7@example.com");
		AgentReviewsEndpoint.ReviewDescriptor shownReview = detail.reviews().get(0);
		assertThat(shownReview.summary()).isEqualTo("Release card [redacted:card-number] to [redacted:email]");
		assertThat(shownReview.payload()).hasToString("{\"card\":\"[sensitive]\",\"email\":\"[redacted:email]\"}");
		assertThat(reviewsEndpoint().review(SecurityContext.NONE, review.id()).getBody().review().payload())
			.hasToString("{\"card\":\"[sensitive]\",\"email\":\"[redacted:email]\"}");
		assertThat(this.events).filteredOn((event) -> event.type() == ReviewEvent.Type.REQUESTED)
			.singleElement()
			.satisfies((event) -> {
				assertThat(event.review().summary())
					.isEqualTo("Release card [redacted:card-number] to [redacted:email]");
				assertThat(event.review().payload()).doesNotContain("4111").doesNotContain("acct-7@example.com");
			});

		// the run itself went on with the real values
		this.reviews.decide(review.id(),
				new ReviewDecision(ReviewDecision.Decision.APPROVE, "carol", "ok, mail carol@example.org", Map.of()));
		assertThat(this.runs.handle(runId).orElseThrow().await(TIMEOUT)).isEqualTo("released token-acct-7-hunter2");
		assertThat(EngineTestApplication.calls("vault:")).containsExactly("vault:store:acct-7:hunter2",
				"vault:release:4111 1111 1111 1111:acct-7@example.com");
		RunDetailDescriptor finished = runsEndpoint().run(SecurityContext.NONE, runId, null, null, null, null);
		assertThat(finished.run().result()).hasToString("\"[sensitive]\"");
		assertThat(finished.decisions()).singleElement()
			.satisfies((decision) -> assertThat(decision.comment()).isEqualTo("ok, mail [redacted:email]"));
		assertThat(finished.steps().get(3).input()).as("the approved action's sensitive card")
			.hasToString("[\"[sensitive]\",\"[redacted:email]\"]");
		assertThat(this.runs.steps(runId).get(3).input()).isEqualTo("[\"[sensitive]\",\"acct-7@example.com\"]");
	}

	@Test
	void anIdempotencyKeyIsBoundToTheRealValueOfASensitiveArgument() throws Exception {
		String first = assertThatExceptionOfType(RunSuspendedException.class)
			.isThrownBy(() -> this.plans.open("acct-9", "first-secret"))
			.actual()
			.getRunId();
		assertThat(first).isNotNull();
		IdempotencyConflictException conflict = assertThatExceptionOfType(IdempotencyConflictException.class)
			.isThrownBy(() -> this.plans.open("acct-9", "second-secret"))
			.actual();
		assertThat(conflict.getMessage()).contains("already used with other arguments")
			.contains("[\"acct-9\",\"[sensitive]\"]")
			.doesNotContain("second-secret");
		assertThat(EngineTestApplication.calls("vault:store")).containsExactly("vault:store:acct-9:first-secret");
		assertThat(this.runs.cancel(first)).isTrue();
	}

	@Test
	void aSensitiveArgumentIsJournaledAsTheHashOfItsJsonWhenConfigured() throws Exception {
		Sensitivity sensitivity = Sensitivity
			.of(EngineTestApplication.Vault.class.getMethod("storeSecret", String.class, String.class));
		assertThat(new JsonCodec(new JsonMapper(), true).writeInput(new Object[] { "acct-7", "hunter2" }, sensitivity))
			.isEqualTo("[\"acct-7\",\"sha256:4ddbb67bf993867e13253c146a339ed3b33ea5b895543569278e99d5b3c2b7d5\"]");
		assertThat(new JsonCodec(new JsonMapper(), false).writeInput(new Object[] { "acct-7", "hunter2" }, sensitivity))
			.isEqualTo("[\"acct-7\",\"[sensitive]\"]");
	}

	private AgentRunsEndpoint runsEndpoint() {
		return new AgentRunsEndpoint(this.runs, this.reviews, this.store, new JsonMapper(), Show.ALWAYS, Set.of(),
				this.access, null, Duration.ZERO, this.redaction);
	}

	private AgentReviewsEndpoint reviewsEndpoint() {
		return new AgentReviewsEndpoint(this.reviews, new JsonMapper(), Show.ALWAYS, Set.of(), 65536, this.redaction);
	}

}
