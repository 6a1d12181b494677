package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunStatus;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.run.EngineTestApplication.Stamps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code guarded-agents.plans.<name>.max-concurrent} across two instances sharing the
 * journal, one of which configures no limit and goes by the one the other wrote to the
 * journal: the runs beyond the limit wait as {@code QUEUED}, start as slots free, and
 * never more run at once than the limit, as the journal's step times show, also when runs
 * park and wake; a queued run can be cancelled, and a synchronous call of a plan at its
 * limit waits for its turn. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class ConcurrencyLimitTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@BeforeEach
	void reset() {
		EngineTestApplication.reset();
		Stamps.works.set(0);
	}

	@Test
	void twoInstancesNeverRunMoreThanTheLimitAtOnceAndEveryRunCompletes() throws Exception {
		String[] database = database();
		try (ConfigurableApplicationContext a = start(database, "limit-a", true);
				ConfigurableApplicationContext b = started(a, database, "limit-b")) {
			List<String> runIds = new ArrayList<>();
			int queued = 0;
			for (int i = 0; i < 10; i++) {
				ConfigurableApplicationContext context = (i % 2 == 0) ? a : b;
				AgentRuns runs = context.getBean(AgentRuns.class);
				Stamps stamps = context.getBean(Stamps.class);
				String order = "o-" + i;
				String runId = runs.start(() -> stamps.limited(order)).runId();
				runIds.add(runId);
				if (runs.find(runId).orElseThrow().status() == RunStatus.QUEUED) {
					queued++;
				}
			}
			assertThat(queued).as("runs beyond the limit wait, visibly").isGreaterThanOrEqualTo(5);
			AgentRuns runs = a.getBean(AgentRuns.class);
			String last = runIds.remove(runIds.size() - 1);
			assertThat(runs.find(last).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
			assertThat(runs.cancel(last, "ops")).as("a queued run is cancelled").isTrue();

			assertThat(a.getBean(Stamps.class).limited("sync")).as("a synchronous call waits for its turn")
				.isEqualTo("worked sync");

			await().atMost(TIMEOUT)
				.until(() -> runIds.stream()
					.allMatch((id) -> runs.find(id).orElseThrow().status() == RunStatus.SUCCEEDED));
			assertThat(runs.find(last).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
			assertThat(runs.steps(last)).as("the cancelled run never started").isEmpty();
			assertThat(Stamps.works).as("each run worked once").hasValue(10);
			assertThat(mostAtOnce(runs, runIds)).as("runs at once, from the journal's step times").isBetween(1, 2);
		}
	}

	@Test
	void aRunThatParksGivesItsSlotUpAndQueuesAgainWhenItWakes() throws Exception {
		String[] database = database();
		try (ConfigurableApplicationContext a = start(database, "limit-a", true);
				ConfigurableApplicationContext b = started(a, database, "limit-b")) {
			List<String> runIds = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				ConfigurableApplicationContext context = (i % 2 == 0) ? a : b;
				Stamps stamps = context.getBean(Stamps.class);
				String order = "o-" + i;
				runIds.add(context.getBean(AgentRuns.class).start(() -> stamps.limitedNapping(order)).runId());
			}
			AgentRuns runs = a.getBean(AgentRuns.class);
			await().atMost(TIMEOUT)
				.until(() -> runIds.stream()
					.allMatch((id) -> runs.find(id).orElseThrow().status() == RunStatus.SUCCEEDED));
			assertThat(Stamps.works).as("each half worked once").hasValue(12);
			assertThat(mostAtOnce(runs, runIds)).as("runs executing at once, from the journal's step times")
				.isBetween(1, 2);
		}
	}

	/**
	 * The most runs executing a step at the same time, from the journal's step start
	 * times and durations.
	 */
	private static int mostAtOnce(AgentRuns runs, List<String> runIds) {
		Map<Instant, Integer> changes = new TreeMap<>();
		for (String runId : runIds) {
			for (StepView step : runs.steps(runId)) {
				changes.merge(step.startedAt(), 1, Integer::sum);
				// an end at the same instant as another start is counted first
				changes.merge(step.startedAt().plus(step.duration()).minusNanos(1), -1, Integer::sum);
			}
		}
		int running = 0;
		int most = 0;
		for (int change : changes.values()) {
			running += change;
			most = Math.max(most, running);
		}
		return most;
	}

	/**
	 * Starts the second instance once the first has written its limits to the journal: it
	 * configures none, and goes by the journal's.
	 */
	private static ConfigurableApplicationContext started(ConfigurableApplicationContext first, String[] database,
			String instanceId) {
		first.getBean(RunRecovery.class).recover();
		return start(database, instanceId, false);
	}

	private static ConfigurableApplicationContext start(String[] database, String instanceId, boolean limits) {
		List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + database[0],
				"--spring.datasource.username=" + database[1], "--spring.datasource.password=" + database[2],
				"--guarded-agents.instance-id=" + instanceId, "--guarded-agents.recovery.scan-interval=1h",
				"--guarded-agents.recovery.lease-duration=1h", "--guarded-agents.recovery.renew-interval=10m",
				"--spring.main.banner-mode=off", "--logging.level.root=warn"));
		if (limits) {
			args.add("--guarded-agents.plans.limited.max-concurrent=2");
			args.add("--guarded-agents.plans.limited-napping.max-concurrent=2");
		}
		return new SpringApplicationBuilder(EngineTestApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

}
