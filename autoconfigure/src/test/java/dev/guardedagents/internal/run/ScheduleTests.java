package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.actuate.AgentRunsEndpoint;
import dev.guardedagents.internal.run.ScheduleTestApplication.Reports;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Schedules of plans with two instances on one database: each tick starts one run across
 * the instances (the tick is its idempotency key), and an instance that starts after
 * downtime catches up the ticks missed. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class ScheduleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@BeforeEach
	void reset() {
		Reports.reports.clear();
		Reports.digests.clear();
	}

	@Test
	void twoInstancesStartOneRunPerTick() {
		String[] database = database();
		List<Instant> ticks;
		double started;
		double taken;
		try (ConfigurableApplicationContext a = start(database, "scheduler-a");
				ConfigurableApplicationContext b = start(database, "scheduler-b")) {
			Instant bothUp = Instant.now();
			await().atMost(TIMEOUT)
				.until(() -> Reports.reports.keySet().stream().filter((tick) -> tick.isAfter(bothUp)).count() >= 3);
			assertThat(a.getBean(AgentRunsEndpoint.class)
				.runs(SecurityContext.NONE, null, "report", null, null, null)
				.schedules()).singleElement().satisfies((schedule) -> {
					assertThat(schedule.name()).isEqualTo("report");
					assertThat(schedule.cron()).isEqualTo("* * * * * *");
					assertThat(schedule.nextTick()).isAfter(bothUp);
				});
			started = ticks(a, "started") + ticks(b, "started");
			taken = ticks(a, "taken") + ticks(b, "taken");
			await().atMost(TIMEOUT)
				.until(() -> a.getBean(RunEngine.class).activeRuns() == 0
						&& b.getBean(RunEngine.class).activeRuns() == 0);
			JdbcTemplate jdbc = a.getBean(JdbcTemplate.class);
			ticks = jdbc
				.queryForList("SELECT idempotency_key FROM guarded_agents.guarded_run WHERE name = 'report' ORDER BY 1",
						String.class)
				.stream()
				.map((key) -> Instant.parse(key.substring(RunSchedules.TICK.length())))
				.toList();
		}
		assertThat(ticks).as("one run per tick").doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(3);
		assertThat(Reports.reports).allSatisfy((tick, runs) -> assertThat(runs).as("runs of " + tick).hasValue(1));
		assertThat(taken).as("ticks the other instance had started already").isPositive();
		assertThat(started).as("ticks started, counted by the instances").isGreaterThanOrEqualTo(3);
	}

	@Test
	void anInstanceThatStartsAfterDowntimeCatchesUpTheMissedTicks() {
		String[] database = database();
		Instant stopped;
		try (ConfigurableApplicationContext a = start(database, "digest-a",
				"--guarded-agents.schedules.digest.cron=* * * * * *",
				"--guarded-agents.schedules.digest.catch-up=true")) {
			await().atMost(TIMEOUT).until(() -> Reports.digests.size() >= 2);
			await().atMost(TIMEOUT).until(() -> a.getBean(RunEngine.class).activeRuns() == 0);
			stopped = Instant.now();
		}
		// no instance runs for a few ticks
		await().pollDelay(Duration.ofMillis(2500)).atMost(TIMEOUT).until(() -> true);
		try (ConfigurableApplicationContext b = start(database, "digest-b",
				"--guarded-agents.schedules.digest.cron=* * * * * *",
				"--guarded-agents.schedules.digest.catch-up=true")) {
			Instant restarted = Instant.now();
			await().atMost(TIMEOUT)
				.until(() -> Reports.digests.keySet().stream().anyMatch((tick) -> tick.isAfter(restarted)));
			await().atMost(TIMEOUT).until(() -> b.getBean(RunEngine.class).activeRuns() == 0);
		}
		TreeSet<Instant> ticks = new TreeSet<>(Reports.digests.keySet());
		List<Instant> gaps = new ArrayList<>();
		for (Instant tick = ticks.first(); tick.isBefore(ticks.last()); tick = tick.plusSeconds(1)) {
			if (!ticks.contains(tick)) {
				gaps.add(tick);
			}
		}
		assertThat(ticks.headSet(stopped.plusSeconds(2), false).tailSet(stopped, false))
			.as("ticks of the downtime, started by the catch-up")
			.isNotEmpty();
		assertThat(gaps).as("missed ticks").isEmpty();
		assertThat(Reports.digests.values()).extracting(AtomicInteger::get).containsOnly(1);
	}

	private static double ticks(ConfigurableApplicationContext context, String outcome) {
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		return meters.find("guarded.schedule.ticks")
			.tag("name", "report")
			.tag("outcome", outcome)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private static ConfigurableApplicationContext start(String[] database, String instanceId, String... more) {
		List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + database[0],
				"--spring.datasource.username=" + database[1], "--spring.datasource.password=" + database[2],
				"--guarded-agents.instance-id=" + instanceId, "--spring.main.banner-mode=off",
				"--logging.level.root=warn", "--management.endpoints.web.exposure.include=agentruns"));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(ScheduleTestApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

}
