package dev.guardedagents.run;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a real child JVM in the middle of step k of a 5-step run, for several k at once,
 * restarts it on the same database and checks that every run completed, that the steps
 * completed before the crash executed exactly once, and that each step's side effect
 * reached the external ledger once. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class CrashRecoveryTests {

	private static final int[] KILL_AT = { 1, 3, 5 };

	@TempDir
	Path directory;

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@Test
	void runsKilledMidStepResumeAfterRestartAndCompleteExactlyOnce() throws Exception {
		String[] database = database();
		jdbc(database, (jdbc) -> {
			jdbc.execute("CREATE TABLE crash_execution (step_key VARCHAR(100) NOT NULL, seq INT NOT NULL)");
			jdbc.execute("CREATE TABLE crash_ledger (step_key VARCHAR(100) NOT NULL PRIMARY KEY)");
			return null;
		});

		Child crashing = new Child(database, "--crash.kill-at=1,3,5");
		List<String> blocked = new ArrayList<>();
		for (int i = 0; i < KILL_AT.length; i++) {
			blocked.add(crashing.awaitLine("BLOCKED "));
		}
		crashing.kill();

		Child resuming = new Child(database);
		resuming.awaitLine("DONE");
		assertThat(resuming.awaitExit()).isZero();

		jdbc(database, (jdbc) -> {
			List<Map<String, Object>> runs = jdbc.queryForList(
					"SELECT id, status, result, arguments, recoveries FROM guarded_agents.guarded_run ORDER BY arguments");
			assertThat(runs).hasSize(KILL_AT.length);
			for (int r = 0; r < KILL_AT.length; r++) {
				Map<String, Object> run = runs.get(r);
				int killAt = KILL_AT[r];
				String id = (String) run.get("id");
				assertThat(run.get("arguments")).isEqualTo("[" + killAt + "]");
				assertThat(run.get("status")).isEqualTo("SUCCEEDED");
				assertThat(run.get("result")).isEqualTo("\"[1][2][3][4][5]\"");
				assertThat(blocked).contains("BLOCKED " + id + "/" + killAt);
				assertThat(jdbc.queryForList(
						"SELECT idempotency_key FROM guarded_agents.guarded_step WHERE run_id = ? " + "ORDER BY seq",
						String.class, id))
					.containsExactly(id + "/1", id + "/2", id + "/3", id + "/4", id + "/5");
				for (int seq = 1; seq <= CrashTestApplication.STEPS; seq++) {
					String key = id + "/" + seq;
					int executions = jdbc.queryForObject("SELECT COUNT(*) FROM crash_execution WHERE step_key = ?",
							Integer.class, key);
					assertThat(executions).as("executions of %s (killed in step %d)", key, killAt)
						.isEqualTo((seq == killAt) ? 2 : 1);
					assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM crash_ledger WHERE step_key = ?",
							Integer.class, key))
						.as("ledger entries of %s", key)
						.isEqualTo(1);
				}
			}
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM crash_ledger", Integer.class))
				.isEqualTo(KILL_AT.length * CrashTestApplication.STEPS);
			return null;
		});
	}

	private static <T> T jdbc(String[] database, JdbcCallback<T> callback) throws SQLException {
		try (Connection connection = DriverManager.getConnection(database[0], database[1], database[2])) {
			return callback.doWith(new JdbcTemplate(new SingleConnectionDataSource(connection, true)));
		}
	}

	@FunctionalInterface
	interface JdbcCallback<T> {

		T doWith(JdbcTemplate jdbc);

	}

	/**
	 * The crash test application in a child JVM, its output read line by line.
	 */
	private final class Child {

		private final Process process;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		Child(String[] database, String... args) throws IOException {
			List<String> command = new ArrayList<>(List.of(
					System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-Xmx256m",
					"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
					CrashTestApplication.class.getName(), "--spring.datasource.url=" + database[0],
					"--spring.datasource.username=" + database[1], "--spring.datasource.password=" + database[2],
					"--guarded-agents.instance-id=crash-child", "--guarded-agents.recovery.lease-duration=10m",
					"--guarded-agents.recovery.renew-interval=1m", "--spring.main.banner-mode=off",
					"--logging.level.root=warn"));
			command.addAll(List.of(args));
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.directory(CrashRecoveryTests.this.directory.toFile())
				.start();
			Thread reader = new Thread(() -> {
				try (BufferedReader in = new BufferedReader(
						new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = in.readLine()) != null) {
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					// the process was killed
				}
			}, "crash-child-output");
			reader.setDaemon(true);
			reader.start();
		}

		String awaitLine(String prefix) throws InterruptedException {
			List<String> seen = new ArrayList<>();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
			while (System.nanoTime() < deadline) {
				String line = this.lines.poll(1, TimeUnit.SECONDS);
				if (line != null) {
					if (line.startsWith(prefix)) {
						return line;
					}
					seen.add(line);
				}
				else if (!this.process.isAlive() && this.lines.isEmpty()) {
					break;
				}
			}
			this.process.destroyForcibly();
			throw new AssertionError(
					"The child JVM never printed '" + prefix + "'; its output:\n" + String.join("\n", seen));
		}

		void kill() throws InterruptedException {
			this.process.destroyForcibly();
			assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		}

		int awaitExit() throws InterruptedException {
			assertThat(this.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
			return this.process.exitValue();
		}

	}

}
