package dev.guardedagents.internal.run;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL unreachable (a TCP proxy drops every connection and refuses new ones) for
 * longer than the connection pool waits, in the middle of 30 runs of 8 steps: every run
 * succeeds once it is back, no step body runs twice, and no run counts a recovery; with
 * default settings for 40 s, and with 5 s leases for 15 s, where the instance must not
 * claim its own runs.
 */
@PostgresTest
class JournalOutageTests {

	private static final int RUNS = 30;

	private static final int STEPS = 8;

	@TempDir
	Path directory;

	@Test
	void runsWaitThroughADatabaseOutageAndNeverRepeatABody() throws Exception {
		outage(Duration.ofSeconds(40), List.of());
	}

	@Test
	void anOutageLongerThanTheLeasesDoesNotMakeTheInstanceClaimItsOwnRuns() throws Exception {
		outage(Duration.ofSeconds(15), List.of("--guarded-agents.recovery.lease-duration=5s",
				"--guarded-agents.recovery.renew-interval=2s", "--guarded-agents.recovery.scan-interval=1s"));
	}

	private void outage(Duration outage, List<String> recovery) throws Exception {
		String url = PostgresDatabase.create();
		String[] direct = { url, PostgresDatabase.user(), PostgresDatabase.password() };
		URI server = URI.create(url.substring("jdbc:".length()));
		int port = (server.getPort() > 0) ? server.getPort() : 5432;
		try (TcpProxy proxy = new TcpProxy(server.getHost(), port)) {
			String[] proxied = { url.replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/"), direct[1],
					direct[2] };
			List<String> settings = new ArrayList<>(List.of("--guarded-agents.instance-id=outage"));
			settings.addAll(recovery);
			ChildJvm app = new ChildJvm(PausedOwnerApplication.class, this.directory, proxied, settings,
					"--paused.start=" + RUNS, "--paused.steps=" + STEPS, "--paused.ledger=stdout");
			try {
				for (int i = 0; i < RUNS; i++) {
					app.awaitLine("STARTED ");
				}
				for (int i = 0; i < 4; i++) {
					app.awaitLine("STEP ");
				}
				proxy.drop();
				Thread.sleep(outage.toMillis());
				proxy.restore();
				try {
					await().atMost(Duration.ofSeconds(90))
						.until(() -> CrashRecoveryTests.jdbc(direct,
								(jdbc) -> jdbc.queryForObject(
										"SELECT COUNT(*) FROM guarded_agents.guarded_run WHERE status <> 'SUCCEEDED'",
										Integer.class)) == 0);
				}
				catch (ConditionTimeoutException ex) {
					throw new AssertionError("Runs did not all succeed: "
							+ CrashRecoveryTests.jdbc(direct,
									(jdbc) -> jdbc.queryForList("SELECT status, error_type, error_message, recoveries, "
											+ "owner_id, lease_until FROM guarded_agents.guarded_run"))
							+ "\nOutput:\n" + String.join("\n", app.output()), ex);
				}
				CrashRecoveryTests.jdbc(direct, (jdbc) -> {
					assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM guarded_agents.guarded_run", Integer.class))
						.isEqualTo(RUNS);
					assertThat(jdbc.queryForObject("SELECT MAX(recoveries) FROM guarded_agents.guarded_run",
							Integer.class))
						.isZero();
					return null;
				});
				Map<String, Long> bodies = app.output()
					.stream()
					.filter((line) -> line.startsWith("STEP "))
					.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
				assertThat(bodies).hasSize(RUNS * STEPS);
				assertThat(bodies.values()).as("step bodies run twice").containsOnly(1L);
			}
			finally {
				app.kill();
			}
		}
	}

}
