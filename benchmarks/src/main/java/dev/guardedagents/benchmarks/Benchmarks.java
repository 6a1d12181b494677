package dev.guardedagents.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.NewRun;
import dev.guardedagents.internal.store.NewStep;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Measures the journal against baselines taken in the same run, on file-based H2 and on
 * PostgreSQL, and prints a Markdown report.
 * <p>
 * Usage: {@code java -jar guarded-agents-benchmarks.jar [postgres-server-url]}; the URL
 * defaults to {@code GUARDED_AGENTS_TEST_POSTGRES_URL}, and PostgreSQL is skipped without
 * one. A throw-away database is created on that server and dropped afterwards.
 */
public final class Benchmarks {

	private static final int ROUNDS = 12;

	private static final int WARMUP_ROUNDS = 2;

	private static final int STEPS_PER_ROUND = 300;

	private static final int THREADS = 8;

	/**
	 * More runs at once than the connection pool has connections (10).
	 */
	private static final int MANY_THREADS = 32;

	private static final Duration THROUGHPUT_TIME = Duration.ofSeconds(10);

	private static final int INTERRUPTED_RUNS = 1000;

	private static final String FLOOR_TABLE = "CREATE TABLE bench_floor (run_id VARCHAR(36) NOT NULL, "
			+ "seq INTEGER NOT NULL, kind VARCHAR(16) NOT NULL, name VARCHAR(200) NOT NULL, succeeded BOOLEAN NOT NULL, "
			+ "attempts INTEGER NOT NULL, started_at TIMESTAMP WITH TIME ZONE NOT NULL, duration_micros BIGINT NOT NULL, "
			+ "input %1$s, output %1$s, error_type VARCHAR(500), error_message %1$s, idempotency_key VARCHAR(100) NOT NULL, "
			+ "PRIMARY KEY (run_id, seq))";

	private static final String FLOOR_INSERT = "INSERT INTO bench_floor (run_id, seq, kind, name, succeeded, attempts, "
			+ "started_at, duration_micros, input, output, error_type, error_message, idempotency_key) "
			+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	private final StringBuilder report = new StringBuilder();

	private Benchmarks() {
	}

	public static void main(String[] args) throws Throwable {
		String server = (args.length > 0) ? args[0] : System.getenv("GUARDED_AGENTS_TEST_POSTGRES_URL");
		Benchmarks benchmarks = new Benchmarks();
		benchmarks.line("# Benchmark run " + Instant.now() + ", Java " + System.getProperty("java.version") + ", "
				+ Runtime.getRuntime().availableProcessors() + " cores");
		Path h2 = Files.createTempDirectory("guarded-bench");
		benchmarks.database("H2 (file)", "jdbc:h2:file:" + h2.resolve("bench") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "",
				"CHARACTER VARYING");
		if (server != null) {
			String name = "guarded_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
			execute(server, "CREATE DATABASE " + name);
			try {
				benchmarks.database("PostgreSQL", server.substring(0, server.lastIndexOf('/') + 1) + name, "postgres",
						"postgres", "TEXT");
			}
			finally {
				execute(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
			}
		}
		else {
			benchmarks.line("\nPostgreSQL skipped: pass its URL or set GUARDED_AGENTS_TEST_POSTGRES_URL.");
		}
		System.out.println(benchmarks.report);
		System.exit(0);
	}

	private void database(String label, String url, String user, String password, String textType) throws Throwable {
		line("\n## " + label + "\n");
		try (ConfigurableApplicationContext app = start(url, user, password, "bench-writer")) {
			if (label.startsWith("H2")) {
				guardOverhead(app);
			}
			DataSource dataSource = app.getBean(DataSource.class);
			try (Connection connection = dataSource.getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute(String.format(FLOOR_TABLE, textType));
			}
			stepOverhead(app);
			modelStepOverhead(app);
			modelStreamOverhead(app);
			throughput(app, url, user, password, THREADS);
			throughput(app, url, user, password, MANY_THREADS);
			prepareInterrupted(app.getBean(JdbcRunStore.class));
		}
		recovery(url, user, password);
	}

	/**
	 * A no-op {@code @GuardedTool} outside a run, beside a plain call and beside the same
	 * Resilience4j decorators applied by hand, in one run: what the guard chain and the
	 * proxy cost without any journal.
	 */
	private void guardOverhead(ConfigurableApplicationContext app) throws Throwable {
		NoopTools guarded = app.getBean(NoopTools.class);
		NoopTools plain = new NoopTools();
		Retry retry = Retry.of("by-hand", RetryConfig.custom().maxAttempts(3).build());
		CircuitBreaker circuitBreaker = CircuitBreaker.ofDefaults("by-hand");
		Bulkhead bulkhead = Bulkhead.of("by-hand",
				BulkheadConfig.custom().maxConcurrentCalls(100).maxWaitDuration(Duration.ZERO).build());
		int[] box = new int[1];
		CheckedSupplier<Integer> byHand = Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(
				circuitBreaker, Bulkhead.decorateCheckedSupplier(bulkhead, () -> plain.noop(box[0]))));
		int calls = 200_000;
		double[] plainNs = new double[5];
		double[] handNs = new double[5];
		double[] guardedNs = new double[5];
		for (int round = -2; round < 5; round++) {
			long start = System.nanoTime();
			long sink = 0;
			for (int i = 0; i < calls; i++) {
				sink += plain.noop(i);
			}
			double p = (System.nanoTime() - start) / (double) calls;
			start = System.nanoTime();
			for (int i = 0; i < calls; i++) {
				box[0] = i;
				sink += byHand.get();
			}
			double h = (System.nanoTime() - start) / (double) calls;
			start = System.nanoTime();
			for (int i = 0; i < calls; i++) {
				sink += guarded.noop(i);
			}
			double g = (System.nanoTime() - start) / (double) calls;
			if (sink == 42) {
				line("");
			}
			if (round >= 0) {
				plainNs[round] = p;
				handNs[round] = h;
				guardedNs[round] = g;
			}
		}
		double plainMedian = medianOf(plainNs);
		double handMedian = medianOf(handNs);
		double guardedMedian = medianOf(guardedNs);
		line("### Guard overhead of a no-op @GuardedTool outside a run\n");
		line(calls + " calls per round, 2 warm-up rounds, median of 5 rounds.\n");
		line("| | per call | ratio to the decorators by hand |");
		line("|---|---|---|");
		line(String.format(Locale.ROOT, "| plain call | %.0f ns | |", plainMedian));
		line(String.format(Locale.ROOT, "| Resilience4j retry + circuit breaker + bulkhead by hand | %.0f ns | 1.00x |",
				handMedian));
		line(String.format(Locale.ROOT,
				"| @GuardedTool (proxy, the same three, time limit, settings lookup) | %.0f ns | **%.2fx** |",
				guardedMedian, guardedMedian / handMedian));
		line("");
	}

	private static double medianOf(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private void stepOverhead(ConfigurableApplicationContext app) throws SQLException {
		DataSource dataSource = app.getBean(DataSource.class);
		BenchmarkAgent agent = app.getBean(BenchmarkAgent.class);
		List<Double> medianRatios = new ArrayList<>();
		List<Double> meanRatios = new ArrayList<>();
		long[] floorAll = new long[0];
		long[] stepAll = new long[0];
		for (int round = 0; round < ROUNDS; round++) {
			long[] floor = floor(dataSource, STEPS_PER_ROUND);
			agent.timedSteps(STEPS_PER_ROUND);
			long[] steps = agent.lastTimings();
			if (round >= WARMUP_ROUNDS) {
				medianRatios.add(median(steps) / median(floor));
				meanRatios.add(mean(steps) / mean(floor));
				floorAll = concat(floorAll, floor);
				stepAll = concat(stepAll, steps);
			}
		}
		line("### Per-step overhead of a no-op @GuardedTool in a run\n");
		line("Floor: one plain JDBC insert + commit of a step-like row through the same pool. "
				+ (ROUNDS - WARMUP_ROUNDS) + " rounds of " + STEPS_PER_ROUND + " floor inserts then " + STEPS_PER_ROUND
				+ " steps, after " + WARMUP_ROUNDS + " warm-up rounds; ratios per round, then their median.\n");
		line("| | p50 | mean | p99 |");
		line("|---|---|---|---|");
		line(String.format(Locale.ROOT, "| floor insert + commit | %.3f ms | %.3f ms | %.3f ms |",
				median(floorAll) / 1e6, mean(floorAll) / 1e6, percentile(floorAll, 0.99) / 1e6));
		line(String.format(Locale.ROOT, "| no-op step | %.3f ms | %.3f ms | %.3f ms |", median(stepAll) / 1e6,
				mean(stepAll) / 1e6, percentile(stepAll, 0.99) / 1e6));
		line(String.format(Locale.ROOT, "| **ratio step / floor** | **%.2fx** (rounds %.2f-%.2f) | %.2fx | |",
				medianOf(medianRatios), min(medianRatios), max(medianRatios), medianOf(meanRatios)));
	}

	/**
	 * Model calls to a model that answers at once: a plain Spring AI client, and the same
	 * calls as journaled LLM steps in a run, against the floor of a plain client call
	 * plus one insert + commit.
	 */
	private void modelStepOverhead(ConfigurableApplicationContext app) throws SQLException {
		ChatClient plain = ChatClient.builder(new InstantChatModel()).build();
		BenchmarkAgent agent = app.getBean(BenchmarkAgent.class);
		ModelTimings timings = modelOverhead(app.getBean(DataSource.class),
				(i) -> plain.prompt().user("question " + i).call().content(), agent::timedModelCalls, agent);
		line("\n### Per-call overhead of a journaled model call in a run\n");
		line("A model that answers at once; a plain `ChatClient` call, the floor insert + commit, then the same call "
				+ "through our advisors as an LLM step (request and response records, usage, cost, guard). "
				+ (ROUNDS - WARMUP_ROUNDS) + " rounds of " + STEPS_PER_ROUND + " calls after " + WARMUP_ROUNDS
				+ " warm-up rounds; ratio per round, then their median.\n");
		modelOverheadTable(timings, "plain ChatClient call", "LLM step in a run", "ratio step / (plain call + floor)");
	}

	/**
	 * Streamed model calls to a model that streams at once: a plain Spring AI client, and
	 * the same streams as journaled LLM steps in a run, against the floor of a plain
	 * stream plus one insert + commit.
	 */
	private void modelStreamOverhead(ConfigurableApplicationContext app) throws SQLException {
		ChatClient plain = ChatClient.builder(new InstantChatModel()).build();
		BenchmarkAgent agent = app.getBean(BenchmarkAgent.class);
		ModelTimings timings = modelOverhead(app.getBean(DataSource.class),
				(i) -> plain.prompt().user("question " + i).stream().content().collectList().block(),
				agent::timedModelStreams, agent);
		line("\n### Per-call overhead of a journaled streamed model call in a run\n");
		line("A model that streams four chunks at once; a plain `ChatClient` stream read to its end, the floor insert "
				+ "+ commit, then the same stream through our advisors as an LLM step (the run carried to Reactor's "
				+ "threads, the chunks aggregated, the records, usage, cost, guard). " + (ROUNDS - WARMUP_ROUNDS)
				+ " rounds of " + STEPS_PER_ROUND + " streams after " + WARMUP_ROUNDS
				+ " warm-up rounds; ratio per round, then their median.\n");
		modelOverheadTable(timings, "plain ChatClient stream", "streamed LLM step in a run",
				"ratio step / (plain stream + floor)");
	}

	/**
	 * Measures rounds of plain calls, floor inserts and a run of the same calls as steps.
	 */
	private static ModelTimings modelOverhead(DataSource dataSource, IntConsumer plainCall, IntConsumer timedRun,
			BenchmarkAgent agent) throws SQLException {
		ModelTimings all = new ModelTimings(new ArrayList<>(), new long[0], new long[0], new long[0]);
		for (int round = 0; round < ROUNDS; round++) {
			long[] calls = timed(STEPS_PER_ROUND, plainCall);
			long[] floor = floor(dataSource, STEPS_PER_ROUND);
			timedRun.accept(STEPS_PER_ROUND);
			long[] steps = agent.lastTimings();
			if (round >= WARMUP_ROUNDS) {
				all.ratios().add(median(steps) / (median(calls) + median(floor)));
				all = new ModelTimings(all.ratios(), concat(all.plain(), calls), concat(all.floor(), floor),
						concat(all.steps(), steps));
			}
		}
		return all;
	}

	private void modelOverheadTable(ModelTimings timings, String plainRow, String stepRow, String ratioRow) {
		line("| | p50 | mean | p99 |");
		line("|---|---|---|---|");
		timingRow(plainRow, timings.plain());
		timingRow("floor insert + commit", timings.floor());
		timingRow(stepRow, timings.steps());
		line(String.format(Locale.ROOT, "| **%s** | **%.2fx** (rounds %.2f-%.2f) | | |", ratioRow,
				medianOf(timings.ratios()), min(timings.ratios()), max(timings.ratios())));
	}

	private void timingRow(String label, long[] timings) {
		line(String.format(Locale.ROOT, "| %s | %.3f ms | %.3f ms | %.3f ms |", label, median(timings) / 1e6,
				mean(timings) / 1e6, percentile(timings, 0.99) / 1e6));
	}

	/**
	 * The timings of a model benchmark's measured rounds.
	 *
	 * @param ratios step / (plain + floor) per round
	 * @param plain the plain calls
	 * @param floor the floor inserts
	 * @param steps the calls as steps
	 */
	private record ModelTimings(List<Double> ratios, long[] plain, long[] floor, long[] steps) {
	}

	/**
	 * Times each of {@code count} calls, in nanoseconds.
	 * @param count how many
	 * @param call the call, given its index
	 * @return the timings
	 */
	static long[] timed(int count, IntConsumer call) {
		long[] timings = new long[count];
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			call.accept(i);
			timings[i] = System.nanoTime() - start;
		}
		return timings;
	}

	private static long[] floor(DataSource dataSource, int count) throws SQLException {
		long[] timings = new long[count];
		String runId = UUID.randomUUID().toString();
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			try (Connection connection = dataSource.getConnection();
					PreparedStatement insert = connection.prepareStatement(FLOOR_INSERT)) {
				insert.setString(1, runId);
				insert.setInt(2, i + 1);
				insert.setString(3, "TOOL");
				insert.setString(4, "noop");
				insert.setBoolean(5, true);
				insert.setInt(6, 1);
				insert.setObject(7, OffsetDateTime.now(ZoneOffset.UTC));
				insert.setLong(8, 1);
				insert.setString(9, "[" + i + "]");
				insert.setString(10, Integer.toString(i));
				insert.setString(11, null);
				insert.setString(12, null);
				insert.setString(13, runId + "/" + (i + 1));
				insert.executeUpdate();
			}
			timings[i] = System.nanoTime() - start;
		}
		return timings;
	}

	/**
	 * Steps per second of threads running runs of 10 no-op steps, with group commit (the
	 * default) and without, against raw insert + commits of as many threads measured
	 * before and after them; on PostgreSQL also how many of them each flush of the
	 * write-ahead log carried (from {@code pg_stat_wal}), the resource that limits
	 * commits on a machine whose disk syncs slowly.
	 */
	private void throughput(ConfigurableApplicationContext app, String url, String user, String password, int threads)
			throws Exception {
		DataSource dataSource = app.getBean(DataSource.class);
		BenchmarkAgent agent = app.getBean(BenchmarkAgent.class);
		LongSupplier flushes = walFlushes(dataSource);
		Rate commitsBefore = concurrently(threads, () -> floor(dataSource, 1), flushes);
		Rate grouped = concurrently(threads, () -> agent.steps(10), flushes);
		Rate single;
		try (ConfigurableApplicationContext alone = start(url, user, password, "bench-single",
				"--guarded-agents.journal.group-commit.enabled=false")) {
			BenchmarkAgent singleAgent = alone.getBean(BenchmarkAgent.class);
			single = concurrently(threads, () -> singleAgent.steps(10), flushes);
		}
		Rate commitsAfter = concurrently(threads, () -> floor(dataSource, 1), flushes);
		double commits = (commitsBefore.perSecond() + commitsAfter.perSecond()) / 2;
		line("\n### Throughput, " + threads + " threads, " + THROUGHPUT_TIME.toSeconds() + " s each\n");
		line("| | per second | steps / raw commits | per log flush |");
		line("|---|---|---|---|");
		line(String.format(Locale.ROOT,
				"| raw insert + commit (before, after) | %.0f, %.0f commits | | %s, %s commits |",
				commitsBefore.perSecond(), commitsAfter.perSecond(), commitsBefore.perFlush(1),
				commitsAfter.perFlush(1)));
		line(String.format(Locale.ROOT,
				"| runs of 10 no-op steps, group commit | %.0f runs = %.0f steps | **%.2f** | %s steps |",
				grouped.perSecond(), grouped.perSecond() * 10, grouped.perSecond() * 10 / commits,
				grouped.perFlush(10)));
		line(String.format(Locale.ROOT,
				"| runs of 10 no-op steps, a commit per step | %.0f runs = %.0f steps | %.2f | %s steps |",
				single.perSecond(), single.perSecond() * 10, single.perSecond() * 10 / commits, single.perFlush(10)));
	}

	/**
	 * Counts the flushes of PostgreSQL's write-ahead log, or answers -1 on other
	 * databases.
	 */
	private static LongSupplier walFlushes(DataSource dataSource) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		boolean postgres = Boolean.TRUE
			.equals(jdbc.execute((Connection c) -> "PostgreSQL".equals(c.getMetaData().getDatabaseProductName())));
		return () -> postgres ? jdbc.queryForObject("SELECT wal_sync FROM pg_stat_wal", Long.class) : -1;
	}

	private static Rate concurrently(int threads, Work work, LongSupplier flushes) throws Exception {
		AtomicBoolean stop = new AtomicBoolean();
		AtomicLong done = new AtomicLong();
		CountDownLatch finished = new CountDownLatch(threads);
		List<Throwable> failures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread thread = new Thread(() -> {
				try {
					while (!stop.get()) {
						work.run();
						done.incrementAndGet();
					}
				}
				catch (Throwable ex) {
					synchronized (failures) {
						failures.add(ex);
					}
				}
				finally {
					finished.countDown();
				}
			});
			thread.start();
		}
		Thread.sleep(1000);
		long startFlushes = flushes.getAsLong();
		long startCount = done.get();
		long start = System.nanoTime();
		Thread.sleep(THROUGHPUT_TIME.toMillis());
		long count = done.get() - startCount;
		double seconds = (System.nanoTime() - start) / 1e9;
		long flushed = flushes.getAsLong() - startFlushes;
		stop.set(true);
		finished.await();
		if (!failures.isEmpty()) {
			throw new IllegalStateException(failures.get(0));
		}
		return new Rate(count / seconds, (startFlushes >= 0 && flushed > 0) ? (double) count / flushed : Double.NaN);
	}

	/**
	 * What threads achieved together.
	 *
	 * @param perSecond units of work per second
	 * @param perWalFlush units of work per flush of the write-ahead log, or NaN where not
	 * measured
	 */
	private record Rate(double perSecond, double perWalFlush) {

		String perFlush(int records) {
			return Double.isNaN(this.perWalFlush) ? "-"
					: String.format(Locale.ROOT, "%.2f", this.perWalFlush * records);
		}

	}

	/**
	 * Records runs as an instance killed in their middle leaves them: owned by instance
	 * 'bench', lease not expired yet, 5 of 10 steps journaled.
	 */
	private static void prepareInterrupted(JdbcRunStore store) {
		Instant now = Instant.now();
		for (int r = 0; r < INTERRUPTED_RUNS; r++) {
			String id = UUID.randomUUID().toString();
			store.insertRun(new NewRun(id, "bench-steps", "1", "[10]", "interrupted", null, "bench", now,
					now.plusSeconds(3600)));
			for (int seq = 1; seq <= 5; seq++) {
				store.insertStep(id, 1, NewStep.succeeded(seq, StepKind.TOOL, "noop", id + "/" + seq, now,
						Duration.ZERO, "[" + (seq - 1) + "]", Integer.toString(seq - 1)));
			}
		}
	}

	private void recovery(String url, String user, String password) throws InterruptedException {
		long start = System.nanoTime();
		try (ConfigurableApplicationContext app = start(url, user, password, "bench")) {
			long ready = System.nanoTime();
			JdbcRunStore store = app.getBean(JdbcRunStore.class);
			while (store.count(List.of(RunStatus.RUNNING)) > 0) {
				Thread.sleep(20);
			}
			long done = System.nanoTime();
			Integer succeeded = new JdbcTemplate(app.getBean(DataSource.class))
				.queryForObject("SELECT COUNT(*) FROM guarded_agents.guarded_run WHERE status = 'SUCCEEDED' "
						+ "AND business_key = 'interrupted'", Integer.class);
			line("\n### Resuming " + INTERRUPTED_RUNS + " interrupted runs after a restart\n");
			line("Each run had 5 of its 10 steps journaled; the restarted instance owned them, with leases "
					+ "still valid for an hour.\n");
			line("| | seconds |");
			line("|---|---|");
			line(String.format(Locale.ROOT, "| restart: context start until ready | %.2f |", (ready - start) / 1e9));
			line(String.format(Locale.ROOT, "| ready until all %d runs finished | %.2f |", INTERRUPTED_RUNS,
					(done - ready) / 1e9));
			line(String.format(Locale.ROOT, "| **restart until all finished** | **%.2f** (%d resumed runs succeeded) |",
					(done - start) / 1e9, succeeded));
		}
	}

	private static ConfigurableApplicationContext start(String url, String user, String password, String instance,
			String... more) {
		List<String> args = new ArrayList<>(
				List.of("--spring.datasource.url=" + url, "--spring.datasource.username=" + user,
						"--spring.datasource.password=" + password, "--guarded-agents.instance-id=" + instance,
						"--spring.main.banner-mode=off", "--logging.level.root=warn"));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(BenchmarkApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

	private static void execute(String url, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private void line(String text) {
		this.report.append(text).append('\n');
		System.err.println(text);
	}

	private static long[] concat(long[] a, long[] b) {
		long[] all = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}

	private static double median(long[] values) {
		return percentile(values, 0.5);
	}

	private static double percentile(long[] values, double p) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
	}

	private static double mean(long[] values) {
		return Arrays.stream(values).average().orElse(0);
	}

	private static double medianOf(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		return sorted.get(sorted.size() / 2);
	}

	private static double min(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
	}

	private static double max(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
	}

	@FunctionalInterface
	private interface Work {

		void run() throws Exception;

	}

}
