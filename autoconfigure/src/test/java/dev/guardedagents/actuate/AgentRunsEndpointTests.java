package dev.guardedagents.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;
import dev.guardedagents.actuate.AgentRunsEndpoint.RunDetailDescriptor;
import dev.guardedagents.actuate.AgentRunsEndpoint.RunDescriptor;
import dev.guardedagents.actuate.AgentRunsEndpoint.RunsDescriptor;
import dev.guardedagents.internal.redaction.Redaction;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.budget.BudgetProfiles;
import dev.guardedagents.internal.guard.GuardSettings;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.review.DefaultReviews;
import dev.guardedagents.internal.run.DefaultAgentRuns;
import dev.guardedagents.internal.run.ReviewEvents;
import dev.guardedagents.internal.run.RunRecovery;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.run.RunSettings;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import dev.guardedagents.internal.store.JdbcIdempotencyStore;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.store.JdbcInstanceStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.NewRun;
import dev.guardedagents.internal.store.NewStep;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.jdbc.DataSourceBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link AgentRunsEndpoint} on a real journal.
 */
class AgentRunsEndpointTests {

	/**
	 * Rules that let anyone decide and act: these tests are about the endpoint's answers.
	 */
	private static final ReviewAccess OPEN = new ReviewAccess(Map.of(), true, false, ReviewAccess::defaultGroups,
			Set.of(), true);

	private JdbcRunStore store;

	private DefaultAgentRuns runs;

	private DefaultReviews reviews;

	private String runId;

	private JdbcInstanceStore instances;

	@BeforeEach
	void journal() {
		DataSource dataSource = DataSourceBuilder.create()
			.url("jdbc:h2:mem:endpoint-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
			.username("sa")
			.build();
		GuardedAgentsSchemaInitializer schema = new GuardedAgentsSchemaInitializer(dataSource, "guarded_agents");
		schema.afterPropertiesSet();
		this.store = new JdbcRunStore(dataSource, schema.getSchema());
		this.instances = new JdbcInstanceStore(dataSource, schema.getSchema());
		JdbcReviewStore reviewStore = new JdbcReviewStore(dataSource, schema.getSchema());
		AgentRunRegistry registry = new AgentRunRegistry();
		ReviewEvents events = new ReviewEvents((event) -> {
		});
		RunEngine engine = new RunEngine(this.store, reviewStore,
				new JdbcIdempotencyStore(dataSource, schema.getSchema()), registry, new JsonMapper(), events,
				new ToolGuards(GuardSettings.DEFAULTS, Map.of(), GuardSettings.MODEL_DEFAULTS, Map.of()), () -> null,
				new RunSettings("endpoint", 1, 1, Duration.ZERO, Duration.ofMinutes(1), Duration.ofSeconds(10),
						Duration.ofSeconds(10), 3, Duration.ofHours(1), Duration.ofSeconds(1), false, false,
						Duration.ZERO, 1_048_576, false, Map.of()),
				Clock.systemUTC(), BudgetProfiles.NONE, List.of(), OPEN);
		this.runs = new DefaultAgentRuns(engine);
		this.reviews = new DefaultReviews(reviewStore, this.store, registry, new JsonMapper(), events,
				new RunRecovery(engine), OPEN, 4000, 65536, Clock.systemUTC());
		Instant now = Instant.now();
		for (int i = 0; i < 3; i++) {
			this.runId = UUID.randomUUID().toString();
			this.store.insertRun(new NewRun(this.runId, (i == 0) ? "other" : "refund", "1", "[{\"card\":\"4111\"}]",
					"order-" + i, null, "endpoint", now.plusMillis(i), now.plusSeconds(60)));
		}
		this.store.insertStep(this.runId, 1, NewStep.succeeded(1, StepKind.TOOL, "charge", this.runId + "/1", now,
				Duration.ofMillis(3), "[\"4111\"]", "{\"ok\":true}"));
	}

	@Test
	void listsRunsNewestFirstFilteredAndPaged() {
		AgentRunsEndpoint endpoint = endpoint(Show.NEVER);
		RunsDescriptor all = endpoint.runs(SecurityContext.NONE, null, null, null, null, null);
		assertThat(all.total()).isEqualTo(3);
		assertThat(all.runs().get(0).id()).isEqualTo(this.runId);
		RunsDescriptor refunds = endpoint.runs(SecurityContext.NONE, RunStatus.RUNNING, "refund", null, 1, 1);
		assertThat(refunds.total()).isEqualTo(2);
		assertThat(refunds.runs()).singleElement()
			.satisfies((run) -> assertThat(run.businessKey()).isEqualTo("order-1"));
		assertThat(endpoint.runs(SecurityContext.NONE, RunStatus.SUCCEEDED, null, null, null, null).runs()).isEmpty();
		assertThat(endpoint.runs(SecurityContext.NONE, null, null, "order-2", null, null).runs())
			.extracting(RunDescriptor::id)
			.containsExactly(this.runId);
	}

	@Test
	void hidesPayloadsUnlessConfigured() {
		RunDetailDescriptor hidden = endpoint(Show.NEVER).run(SecurityContext.NONE, this.runId, null, null, null, null);
		assertThat(hidden.run().arguments()).isNull();
		assertThat(hidden.steps()).singleElement().satisfies((step) -> {
			assertThat(step.input()).isNull();
			assertThat(step.name()).isEqualTo("charge");
			assertThat(step.durationMillis()).isEqualTo(3.0);
		});
		RunDetailDescriptor shown = endpoint(Show.ALWAYS).run(SecurityContext.NONE, this.runId, null, null, null, null);
		assertThat(shown.run().arguments().get(0).get("card").asString()).isEqualTo("4111");
		assertThat(shown.steps().get(0).output().get("ok").asBoolean()).isTrue();
	}

	@Test
	void aModelRequestAskedForWholeIsRebuiltFromTheRequestItContinues() {
		Instant now = Instant.now();
		this.store.insertStep(this.runId, 1, NewStep.succeeded(2, StepKind.LLM, "chat", this.runId + "/2", now,
				Duration.ofMillis(3), "{\"model\":\"m\",\"messages\":[{\"text\":\"hi\"}]}", "\"a\""));
		this.store.insertStep(this.runId, 1, NewStep.succeeded(3, StepKind.LLM, "chat", this.runId + "/3", now,
				Duration.ofMillis(3), "{\"model\":\"m\",\"after\":2,\"messages\":[{\"text\":\"more\"}]}", "\"b\""));
		AgentRunsEndpoint endpoint = endpoint(Show.ALWAYS);
		assertThat(endpoint.run(SecurityContext.NONE, this.runId, null, null, 3, null).steps().get(0).input())
			.as("as journaled")
			.hasToString("{\"model\":\"m\",\"after\":2,\"messages\":[{\"text\":\"more\"}]}");
		assertThat(endpoint.run(SecurityContext.NONE, this.runId, null, null, 3, true).steps().get(0).input())
			.as("whole")
			.hasToString("{\"model\":\"m\",\"messages\":[{\"text\":\"hi\"},{\"text\":\"more\"}]}");
	}

	@Test
	void pagesTheStepsOfARunAndCutsLargePayloadsExceptOneStepAskedForInFull() {
		Instant now = Instant.now();
		String large = "\"" + "x".repeat(AgentRunsEndpoint.TRUNCATE_AT) + "\"";
		this.store.insertStep(this.runId, 1, NewStep.succeeded(2, StepKind.TOOL, "export", this.runId + "/2", now,
				Duration.ofMillis(3), "[]", large));
		this.store.insertStep(this.runId, 1, NewStep.succeeded(3, StepKind.TOOL, "notify", this.runId + "/3", now,
				Duration.ofMillis(3), "[]", "\"sent\""));
		AgentRunsEndpoint endpoint = endpoint(Show.ALWAYS);

		RunDetailDescriptor first = endpoint.run(SecurityContext.NONE, this.runId, 0, 2, null, null);
		assertThat(first.stepsTotal()).isEqualTo(3);
		assertThat(first.steps()).extracting(AgentRunsEndpoint.StepDescriptor::seq).containsExactly(1, 2);
		assertThat(first.steps().get(1).output().get("truncated").asBoolean()).isTrue();
		assertThat(first.steps().get(1).output().get("length").asInt()).isEqualTo(large.length());
		assertThat(first.steps().get(1).output().get("show").asString()).isEqualTo("?step=2&full=true");
		assertThat(endpoint.run(SecurityContext.NONE, this.runId, 1, 2, null, null).steps())
			.extracting(AgentRunsEndpoint.StepDescriptor::seq)
			.containsExactly(3);

		RunDetailDescriptor whole = endpoint.run(SecurityContext.NONE, this.runId, null, null, 2, true);
		assertThat(whole.steps()).singleElement()
			.satisfies((step) -> assertThat(step.output().asString()).hasSize(AgentRunsEndpoint.TRUNCATE_AT));
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.run(SecurityContext.NONE, this.runId, null, null, null, true))
			.withMessageContaining("add step=<position>");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.run(SecurityContext.NONE, this.runId, 0, 0, null, null));
	}

	@Test
	void unknownRunIsNotFound() {
		assertThat(endpoint(Show.NEVER).run(SecurityContext.NONE, "missing", null, null, null, null)).isNull();
		assertThat(endpoint(Show.NEVER).cancel(SecurityContext.NONE, "missing", null).getStatus()).isEqualTo(404);
	}

	@Test
	void cancelsARunOnceThenAnswersConflictWithItsStatus() {
		assertThat(endpoint(Show.NEVER).cancel(SecurityContext.NONE, this.runId, null).getBody())
			.isInstanceOfSatisfying(AgentRunsEndpoint.RunDescriptor.class,
					(run) -> assertThat(run.status()).isEqualTo(RunStatus.CANCELLED));
		WebEndpointResponse<Object> again = endpoint(Show.NEVER).cancel(SecurityContext.NONE, this.runId, null);
		assertThat(again.getStatus()).isEqualTo(409);
		assertThat(again.getBody()).asString().contains("runStatus=CANCELLED");
	}

	@Test
	void cancelNeedsAnOperator() {
		ReviewAccess secured = new ReviewAccess(Map.of(), false, true, ReviewAccess::defaultGroups, Set.of("ops"),
				false);
		AgentRunsEndpoint endpoint = new AgentRunsEndpoint(this.runs, this.reviews, this.store, new JsonMapper(),
				Show.NEVER, Set.of(), secured);
		assertThat(endpoint.cancel(SecurityContext.NONE, this.runId, null).getStatus()).isEqualTo(401);
		assertThat(this.runs.find(this.runId).orElseThrow().status()).isNotEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void listsTheInstancesWithTheirLastHeartbeatAndRunningRuns() {
		Instant now = Instant.now();
		this.instances.take("endpoint", new JdbcInstanceStore.Holder("here", 42, "p1", now.minusSeconds(600), now),
				null);
		this.instances.take("crashed",
				new JdbcInstanceStore.Holder("there", 7, "p2", now.minusSeconds(900), now.minusSeconds(300)), null);
		AgentRunsEndpoint endpoint = new AgentRunsEndpoint(this.runs, this.reviews, this.store, new JsonMapper(),
				Show.NEVER, Set.of(), OPEN, this.instances, Duration.ofMinutes(1), Redaction.NONE);
		assertThat(endpoint.runs(SecurityContext.NONE, null, null, null, null, null).instances())
			.satisfiesExactly((crashed) -> {
				assertThat(crashed.id()).isEqualTo("crashed");
				assertThat(crashed.live()).isFalse();
				assertThat(crashed.runningRuns()).isZero();
			}, (live) -> {
				assertThat(live.id()).isEqualTo("endpoint");
				assertThat(live.host()).isEqualTo("here");
				assertThat(live.pid()).isEqualTo(42);
				assertThat(live.live()).isTrue();
				assertThat(live.runningRuns()).isEqualTo(3);
			});
		assertThat(endpoint(Show.NEVER).runs(SecurityContext.NONE, null, null, null, null, null).instances()).isEmpty();
	}

	@Test
	void rejectsBadPaging() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint(Show.NEVER).runs(SecurityContext.NONE, null, null, null, -1, null))
			.withMessageContaining("'page'");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint(Show.NEVER).runs(SecurityContext.NONE, null, null, null, 0, 1000))
			.withMessageContaining("'size' must be between 1 and 200");
	}

	private AgentRunsEndpoint endpoint(Show show) {
		return new AgentRunsEndpoint(this.runs, this.reviews, this.store, new JsonMapper(), show, Set.of(), OPEN);
	}

}
