package dev.guardedagents.internal.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviewer;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunStatus;
import dev.guardedagents.internal.security.ReviewSecurityApplication.Plans;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * With {@code guarded-agents.reviews.allow-anonymous=true} (local development), an
 * anonymous decision over HTTP is accepted and signed with the reviewer named in the
 * body. Also: with {@code guarded-agents.reviews.when-error=fail-run}, a checkpoint whose
 * condition cannot be evaluated fails the run.
 */
@SpringBootTest(classes = ReviewSecurityApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "guarded-agents.instance-id=anonymous", "guarded-agents.reviews.allow-anonymous=true",
				"guarded-agents.reviews.when-error=fail-run", "guarded-agents.reviews.deadline-check-interval=1h",
				"guarded-agents.budgets.tight.max-tool-calls=1",
				"management.endpoints.web.exposure.include=agentruns,agentreviews", "logging.level.root=warn" })
class AnonymousReviewsTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	AgentRuns runs;

	@Autowired
	Reviews reviews;

	@Autowired
	Plans plans;

	@Test
	void anonymousDecisionIsAcceptedAndSignedWithTheBodyReviewer() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.reply(7, "ann"));
		ReviewView review = await().atMost(WAIT)
			.until(() -> this.reviews
				.list(ReviewQuery.pending().withRunId(handle.runId()).withKind(ReviewKind.CHECKPOINT))
				.reviews(), (list) -> !list.isEmpty())
			.get(0);

		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest
				.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/agentreviews/" + review.id()))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"decision\":\"APPROVE\",\"reviewer\":\"dev@localhost\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(handle.await(WAIT)).isEqualTo("7:1:standard:ann");
		assertThat(this.reviews.decisions(handle.runId())).singleElement().satisfies((decision) -> {
			assertThat(decision.reviewer()).isEqualTo("dev@localhost");
			assertThat(decision.channel()).isEqualTo(Reviewer.Channel.HTTP);
		});
		assertThat(this.reviews.find(review.id()).orElseThrow().reviewer()).isEqualTo("dev@localhost");
	}

	@Test
	void conditionThatCannotBeEvaluatedFailsTheRunWhenConfigured() {
		RunHandle<String> handle = this.runs.start(() -> this.plans.noted(null));
		assertThatException().isThrownBy(() -> handle.await(WAIT))
			.withMessageContaining("@HumanCheckpoint 'noted': its condition when = \"#note.length() > 3\" could not "
					+ "be evaluated");
		assertThat(this.runs.find(handle.runId()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.reviews.list(ReviewQuery.all().withRunId(handle.runId())).reviews()).isEmpty();
	}

}
