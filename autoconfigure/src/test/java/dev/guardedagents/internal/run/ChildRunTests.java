package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunContext;
import dev.guardedagents.RunFailedException;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunNotFinishedException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.actuate.AgentRunsEndpoint;
import dev.guardedagents.internal.store.JdbcRunStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Child runs: {@code AgentRuns.start} in a plan is a {@code CHILD} step whose replay
 * returns the same child, {@code RunContext.await} parks the parent without a thread
 * until the child ends, a child's failure reaches the parent as
 * {@link RunFailedException}, and a cancelled or failed parent cancels (and compensates)
 * its children. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class ChildRunTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper json = new JsonMapper();

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@BeforeEach
	void reset() {
		EngineTestApplication.reset();
		Family.works.set(0);
		Family.parents.set(0);
		Saga.undone.clear();
	}

	@Test
	void aParentWaitsForItsChildrenWithoutAThreadAndGoesOnOnceEachHasEnded() throws Exception {
		try (ConfigurableApplicationContext app = start(database())) {
			AgentRuns runs = app.getBean(AgentRuns.class);
			Family family = app.getBean(Family.class);
			AgentRunsEndpoint endpoint = app.getBean(AgentRunsEndpoint.class);
			String[] started = waitingFamily(runs, family, "o-1");
			String parent = started[0];
			String first = started[1];
			String second = started[2];
			assertThat(app.getBean(RunEngine.class).runs().isHere(parent)).as("no thread, no queue").isFalse();
			assertThat(runs.find(parent).orElseThrow().owner()).as("no owner").isNull();
			AgentRunsEndpoint.RunDetailDescriptor detail = detail(endpoint, parent);
			assertThat(detail.run().awaits()).as("operators see which child it waits for").isEqualTo(first);
			assertThat(detail.run().receivesOn()).isNull();
			assertThat(detail.childrenTotal()).isEqualTo(2);
			assertThat(detail.children()).extracting(AgentRunsEndpoint.ChildDescriptor::id)
				.containsExactlyInAnyOrder(first, second);
			assertThat(detail(endpoint, first).run().parentId()).isEqualTo(parent);
			assertThat(runs.steps(parent)).extracting(StepView::kind).containsOnly(StepKind.CHILD);
			assertThat(runs.steps(parent)).extracting(StepView::name).containsExactly("kid", "kid");

			// the second child ends first: the parent still waits for the first
			runs.send(second, "go", "now");
			await().atMost(TIMEOUT).until(() -> runs.find(second).orElseThrow().status() == RunStatus.SUCCEEDED);
			assertThat(runs.find(parent).orElseThrow().status()).isEqualTo(RunStatus.WAITING);
			runs.send(first, "go", "later");
			assertThat(runs.handle(parent).orElseThrow().await(TIMEOUT)).isEqualTo("o-1-a:later|o-1-b:now");

			List<StepView> steps = runs.steps(parent);
			assertThat(steps).extracting(StepView::name)
				.containsExactly("kid", "kid", RunContext.AWAIT, RunContext.AWAIT);
			assertThat(steps).extracting(StepView::kind).containsOnly(StepKind.CHILD);
			assertThat(json.readTree(steps.get(2).output()).get("status").asString()).isEqualTo("SUCCEEDED");
			assertThat(Family.parents).as("entered, parked, resumed once the first child ended").hasValue(2);
			assertThat(Family.works).as("each child did its work once").hasValue(2);
			assertThat(detail(endpoint, parent).childrenTotal()).as("resuming started no other child").isEqualTo(2);

			// checked against the code, the run replays from its journal and starts
			// nothing
			Replay replay = app.getBean(RunEngine.class)
				.replay(runs.find(parent).orElseThrow(), runs.steps(parent), Set.of());
			assertThat(replay.outcome()).as(replay.message()).isEqualTo(Replay.Outcome.MATCHED);
			assertThat(detail(endpoint, parent).childrenTotal()).isEqualTo(2);
		}
	}

	@Test
	void cancellingAParentCancelsAndCompensatesItsChildren() throws Exception {
		try (ConfigurableApplicationContext app = start(database())) {
			AgentRuns runs = app.getBean(AgentRuns.class);
			Family family = app.getBean(Family.class);
			AgentRunsEndpoint endpoint = app.getBean(AgentRunsEndpoint.class);
			String[] started = waitingFamily(runs, family, "o-2");
			String parent = started[0];
			String first = started[1];
			String second = started[2];

			assertThat(runs.cancel(parent, "ops")).isTrue();
			await().atMost(TIMEOUT)
				.until(() -> runs.find(first).orElseThrow().status() == RunStatus.CANCELLED
						&& runs.find(second).orElseThrow().status() == RunStatus.CANCELLED);
			assertThat(runs.find(parent).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
			assertThat(Saga.undone).containsExactlyInAnyOrder("release reservation-o-2-a", "release reservation-o-2-b");
			assertThat(detail(endpoint, first).actions()).singleElement().satisfies((action) -> {
				assertThat(action.action()).isEqualTo("CANCEL");
				assertThat(action.actor()).isEqualTo("ops");
			});
			assertThat(Family.works).hasValue(0);
		}
	}

	@Test
	void aChildsFailureReachesItsParentWhoseFailureCancelsTheOtherChildren() throws Exception {
		try (ConfigurableApplicationContext app = start(database())) {
			AgentRuns runs = app.getBean(AgentRuns.class);
			Family family = app.getBean(Family.class);
			assertThatIllegalStateException().isThrownBy(() -> RunContext.await(runs.handle("none").orElse(null)))
				.withMessageContaining("outside a run");

			String parent = runs.start(() -> family.failing("o-3")).runId();
			RunHandle<Object> handle = runs.handle(parent).orElseThrow();
			assertThatExceptionOfType(RunFailedException.class).isThrownBy(() -> handle.await(TIMEOUT))
				.withMessageContaining("failed with " + IllegalStateException.class.getName());
			String waiting = child(runs, parent, 0);
			String failed = child(runs, parent, 1);
			assertThat(runs.find(parent).orElseThrow().errorMessage())
				.isEqualTo("child " + failed + " failed with " + IllegalStateException.class.getName());
			StepView awaited = runs.steps(parent).get(2);
			assertThat(awaited.name()).isEqualTo(RunContext.AWAIT);
			assertThat(json.readTree(awaited.output()).get("errorMessage").asString()).isEqualTo("no stock for o-3");
			await().atMost(TIMEOUT).until(() -> runs.find(waiting).orElseThrow().status() == RunStatus.CANCELLED);
			assertThat(Saga.undone).containsExactly("release reservation-o-3-w");

			// a synchronous caller of a plan that waits for a child is told so
			assertThatExceptionOfType(RunSuspendedException.class).isThrownBy(() -> family.family("o-4"))
				.satisfies((ex) -> assertThat(ex.getChildRunId()).isNotNull().isEqualTo(child(runs, ex.getRunId(), 0)));
		}
	}

	@Test
	void aChildIsKeptWhileItsParentHasNotEndedSoThatItsReplayNeverStartsItAgain() throws Exception {
		try (ConfigurableApplicationContext app = start(database())) {
			AgentRuns runs = app.getBean(AgentRuns.class);
			Family family = app.getBean(Family.class);
			AgentRunsEndpoint endpoint = app.getBean(AgentRunsEndpoint.class);
			String[] started = waitingFamily(runs, family, "o-5");
			String parent = started[0];
			String first = started[1];
			String second = started[2];
			runs.send(second, "go", "early");
			await().atMost(TIMEOUT).until(() -> runs.find(second).orElseThrow().status() == RunStatus.SUCCEEDED);

			assertThatExceptionOfType(RunNotFinishedException.class).isThrownBy(() -> runs.purge(second))
				.withMessageContaining("child of run " + parent)
				.withMessageContaining("purge it once the parent has ended");
			assertThat(app.getBean(JdbcRunStore.class)
				.prune(RunStatus.SUCCEEDED, Instant.now().plusSeconds(60), 10)
				.runs()).as("retention keeps it too").isZero();

			runs.send(first, "go", "late");
			assertThat(runs.handle(parent).orElseThrow().await(TIMEOUT)).isEqualTo("o-5-a:late|o-5-b:early");
			assertThat(Family.works).as("the replayed start of the ended child started nothing").hasValue(2);
			assertThat(detail(endpoint, parent).childrenTotal()).isEqualTo(2);
			assertThat(runs.purge(second)).as("its parent has ended").isPositive();
		}
	}

	/**
	 * Starts a parent whose two children wait for a message, and waits until all three
	 * wait.
	 * @return the ids of the parent and its children
	 */
	private static String[] waitingFamily(AgentRuns runs, Family family, String order) {
		String parent = runs.start(() -> family.family(order)).runId();
		await().atMost(TIMEOUT).until(() -> waiting(runs, parent) && runs.steps(parent).size() == 2);
		String first = child(runs, parent, 0);
		String second = child(runs, parent, 1);
		await().atMost(TIMEOUT).until(() -> waiting(runs, first) && waiting(runs, second));
		return new String[] { parent, first, second };
	}

	private static boolean waiting(AgentRuns runs, String runId) {
		return runs.find(runId).orElseThrow().status() == RunStatus.WAITING;
	}

	private static String child(AgentRuns runs, String parent, int index) {
		return json.readTree(runs.steps(parent).get(index).output()).asString();
	}

	private static AgentRunsEndpoint.RunDetailDescriptor detail(AgentRunsEndpoint endpoint, String runId) {
		return endpoint.run(SecurityContext.NONE, runId, null, null, null, null);
	}

	private static ConfigurableApplicationContext start(String[] database) {
		return new SpringApplicationBuilder(EngineTestApplication.class).web(WebApplicationType.NONE)
			.run("--spring.datasource.url=" + database[0], "--spring.datasource.username=" + database[1],
					"--spring.datasource.password=" + database[2], "--guarded-agents.instance-id=family",
					"--guarded-agents.recovery.scan-interval=1h", "--guarded-agents.recovery.lease-duration=2h",
					"--guarded-agents.recovery.renew-interval=1h",
					"--management.endpoints.web.exposure.include=agentruns", "--spring.main.banner-mode=off",
					"--logging.level.root=warn");
	}

}
