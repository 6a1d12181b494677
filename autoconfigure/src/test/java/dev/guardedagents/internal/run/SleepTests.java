package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunContext;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.StepView;
import dev.guardedagents.actuate.AgentRunsEndpoint;
import dev.guardedagents.internal.run.EngineTestApplication.Stamps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@code RunContext.sleep}: a sleeping run holds no thread and no owner, survives a
 * restart, is woken by whichever instance sees its time first, and goes on past the sleep
 * without running what it did before again; a cancel ends it. Run on H2 and on PostgreSQL
 * by the subclasses.
 */
abstract class SleepTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@BeforeEach
	void reset() {
		EngineTestApplication.reset();
		Stamps.packs.set(0);
		Stamps.sends.set(0);
	}

	@Test
	void aSleepingRunHoldsNoThreadSurvivesARestartAndAnotherInstanceWakesIt() throws Exception {
		String[] database = database();
		String runId;
		try (ConfigurableApplicationContext a = start(database, "sleeper-a", "1h")) {
			AgentRuns runs = a.getBean(AgentRuns.class);
			Stamps stamps = a.getBean(Stamps.class);
			runId = runs.start(() -> stamps.nap("o-1", 1500)).runId();
			await().atMost(TIMEOUT).until(() -> runs.find(runId).orElseThrow().status() == RunStatus.WAITING);
			assertThat(a.getBean(RunEngine.class).runs().isHere(runId)).as("no thread, no queue").isFalse();
			assertThat(runs.find(runId).orElseThrow().owner()).as("no owner").isNull();
			assertThat(runs.steps(runId)).extracting(StepView::name).containsExactly("pack", RunContext.SLEEP);
			Instant sleepsUntil = new JsonMapper().readValue(runs.steps(runId).get(1).output(), Instant.class);
			AgentRunsEndpoint.RunDetailDescriptor detail = a.getBean(AgentRunsEndpoint.class)
				.run(SecurityContext.NONE, runId, null, null, null, null);
			assertThat(detail.run().wakeAt()).as("operators see when it wakes").isEqualTo(sleepsUntil);
		}
		try (ConfigurableApplicationContext b = start(database, "sleeper-b", "200ms")) {
			AgentRuns runs = b.getBean(AgentRuns.class);
			RunHandle<?> handle = runs.handle(runId).orElseThrow();
			assertThat(handle.await(TIMEOUT)).isEqualTo("packed o-1|sent o-1");
			List<StepView> steps = runs.steps(runId);
			assertThat(steps).extracting(StepView::name).containsExactly("pack", RunContext.SLEEP, "send");
			Instant wakeAt = new JsonMapper().readValue(steps.get(1).output(), Instant.class);
			assertThat(wakeAt).isBetween(steps.get(1).startedAt().plusMillis(1500),
					steps.get(1).startedAt().plusMillis(2500));
			assertThat(steps.get(2).startedAt()).as("not before the wake time").isAfterOrEqualTo(wakeAt);
			assertThat(Stamps.packs).as("the step before the sleep is replayed, not run again").hasValue(1);
			assertThat(Stamps.sends).hasValue(1);
		}
	}

	@Test
	void theInstanceThatPutARunToSleepWakesItOnTimeWithoutWaitingForAScan() throws Exception {
		try (ConfigurableApplicationContext a = start(database(), "sleeper", "1h")) {
			Stamps stamps = a.getBean(Stamps.class);
			RunSuspendedException suspended = assertThatExceptionOfType(RunSuspendedException.class)
				.isThrownBy(() -> stamps.nap("o-2", 300))
				.actual();
			assertThat(suspended.getWakeAt()).isNotNull();
			assertThat(suspended.getReviewId()).isNull();
			RunHandle<?> handle = a.getBean(AgentRuns.class).handle(suspended.getRunId()).orElseThrow();
			assertThat(handle.await(TIMEOUT)).isEqualTo("packed o-2|sent o-2");
			assertThat(Stamps.packs).hasValue(1);
		}
	}

	@Test
	void aCancelledSleepingRunNeverWakes() {
		try (ConfigurableApplicationContext a = start(database(), "sleeper", "1h")) {
			AgentRuns runs = a.getBean(AgentRuns.class);
			Stamps stamps = a.getBean(Stamps.class);
			String runId = runs.start(() -> stamps.nap("o-3", 200)).runId();
			await().atMost(TIMEOUT).until(() -> runs.find(runId).orElseThrow().status() == RunStatus.WAITING);
			assertThat(runs.cancel(runId, "ops")).isTrue();
			await().pollDelay(Duration.ofMillis(400))
				.atMost(TIMEOUT)
				.until(() -> a.getBean(RunRecovery.class).recover() == 0);
			assertThat(runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
			assertThat(Stamps.sends).hasValue(0);
		}
	}

	@Test
	void outsideARunTheThreadSleeps() {
		long start = System.nanoTime();
		RunContext.sleep(Duration.ofMillis(30));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
	}

	@Test
	void aSleepIsFromZeroToAHundredYears() {
		assertThatIllegalArgumentException().isThrownBy(() -> RunContext.sleep(Duration.ofMillis(-1)))
			.withMessageContaining("from zero to 36500 days");
		assertThatIllegalArgumentException().isThrownBy(() -> RunContext.sleep(Duration.ofDays(36_501)))
			.withMessageContaining("sleep in a loop of shorter ones");
	}

	private static ConfigurableApplicationContext start(String[] database, String instanceId, String scanInterval) {
		return new SpringApplicationBuilder(EngineTestApplication.class).web(WebApplicationType.NONE)
			.run("--spring.datasource.url=" + database[0], "--spring.datasource.username=" + database[1],
					"--spring.datasource.password=" + database[2], "--guarded-agents.instance-id=" + instanceId,
					"--guarded-agents.recovery.scan-interval=" + scanInterval,
					"--guarded-agents.recovery.lease-duration=2h", "--guarded-agents.recovery.renew-interval=1h",
					"--management.endpoints.web.exposure.include=agentruns", "--spring.main.banner-mode=off",
					"--logging.level.root=warn");
	}

}
