package dev.guardedagents.internal.store;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.guardedagents.StepKind;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Group commit of step records on a real database: records of concurrent runs go into one
 * transaction, and one record that cannot be written (a stale owner, a position already
 * recorded, a value the database refuses) fails only its own caller.
 */
abstract class GroupCommitTests {

	private static final int RUNS = 8;

	private final AtomicInteger connections = new AtomicInteger();

	private final List<Thread> writers = new CopyOnWriteArrayList<>();

	private volatile boolean hold;

	private String primer;

	private DataSource target;

	private ExecutorService threads;

	private JdbcTemplate jdbc;

	private JdbcRunStore store;

	private String schema;

	private final List<String> runs = new ArrayList<>();

	abstract DataSource dataSource();

	@BeforeEach
	void createRuns() {
		DataSource target = dataSource();
		this.target = target;
		GuardedAgentsSchemaInitializer initializer = new GuardedAgentsSchemaInitializer(target, "guarded_agents", null);
		initializer.afterPropertiesSet();
		this.schema = initializer.getSchema();
		this.jdbc = new JdbcTemplate(target);
		// every record grouped, none written on its own
		this.store = new JdbcRunStore(holding(target), this.schema, Duration.ZERO, 0, PayloadCipher.NONE);
		Instant now = Instant.now();
		for (int i = 0; i <= RUNS; i++) {
			String id = UUID.randomUUID().toString();
			this.store.insertRun(new NewRun(id, "batched", "1", "[]", null, null, "here", now, now.plusSeconds(60)));
			this.runs.add(id);
		}
		this.primer = this.runs.remove(RUNS);
		this.threads = Executors.newFixedThreadPool(RUNS + 1);
	}

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	@Test
	void recordsOfConcurrentRunsShareOneCommitAndAStaleOwnerFailsOnlyItself() throws Exception {
		String stale = this.runs.get(2);
		String recorded = this.runs.get(5);
		this.jdbc.update("UPDATE " + this.schema + ".guarded_run SET owner_epoch = 2 WHERE id = ?", stale);
		assertThat(this.store.insertStep(recorded, 1, step("first"))).isTrue();
		List<Future<Boolean>> results = concurrently("step");
		assertThat(this.connections.get()).as("connections: the primer's, then one batch").isEqualTo(2);
		for (int i = 0; i < RUNS; i++) {
			String run = this.runs.get(i);
			if (run.equals(stale)) {
				assertThat(results.get(i).get()).as("stale owner").isFalse();
			}
			else if (run.equals(recorded)) {
				assertThat(results.get(i)).failsWithin(Duration.ofSeconds(10))
					.withThrowableOfType(java.util.concurrent.ExecutionException.class)
					.withCauseInstanceOf(DuplicateStepException.class);
			}
			else {
				assertThat(results.get(i).get()).as("run " + i).isTrue();
			}
		}
		assertThat(
				this.jdbc.queryForList("SELECT name FROM " + this.schema + ".guarded_step ORDER BY name", String.class))
			.containsExactly("first", "primer", "step", "step", "step", "step", "step", "step");
	}

	@Test
	void aRecordTheDatabaseRefusesFailsOnlyItsOwnCaller() throws Exception {
		List<Future<Boolean>> results = concurrently(null);
		for (int i = 0; i < RUNS; i++) {
			if (i == 3) {
				assertThat(results.get(i)).failsWithin(Duration.ofSeconds(10))
					.withThrowableOfType(java.util.concurrent.ExecutionException.class)
					.withCauseInstanceOf(org.springframework.dao.DataAccessException.class);
			}
			else {
				assertThat(results.get(i).get()).as("run " + i).isTrue();
			}
		}
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.schema + ".guarded_step", Integer.class))
			.isEqualTo(RUNS);
	}

	@Test
	void withAWindowTheLeaderWaitsForAsManyRecordsAsTheLastBatchHeld() throws Exception {
		this.store = new JdbcRunStore(holding(this.target), this.schema, Duration.ofSeconds(30), 0, PayloadCipher.NONE);
		concurrently("step");
		this.connections.set(0);
		List<Future<Boolean>> results = new ArrayList<>();
		for (String run : this.runs) {
			results.add(this.threads.submit(() -> this.store.insertStep(run, 1, step(2, "next"))));
		}
		for (Future<Boolean> result : results) {
			assertThat(result.get(20, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(this.connections.get()).as("connections for the second round").isEqualTo(1);
	}

	@Test
	void recordsWithinTheDirectWritesAreWrittenOnTheirOwn() throws Exception {
		this.store = new JdbcRunStore(holding(this.target), this.schema, Duration.ZERO, RUNS, PayloadCipher.NONE);
		this.connections.set(0);
		List<Future<Boolean>> results = new ArrayList<>();
		for (String run : this.runs) {
			results.add(this.threads.submit(() -> this.store.insertStep(run, 1, step("alone"))));
		}
		for (Future<Boolean> result : results) {
			assertThat(result.get(20, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(this.connections.get()).as("a connection per record").isEqualTo(RUNS);
	}

	@Test
	void aLoneRecordKeepsItsOwnOutcome() {
		assertThatExceptionOfType(DuplicateStepException.class).isThrownBy(() -> {
			this.store.insertStep(this.runs.get(0), 1, step("first"));
			this.store.insertStep(this.runs.get(0), 1, step("again"));
		});
		assertThat(this.store.insertStep(this.runs.get(1), 2, step("stale"))).isFalse();
	}

	/**
	 * Records step 1 of every run from a thread of its own, all in one batch: a primer
	 * record of another run is being written (its connection held) until every writer
	 * waits for the next batch. With {@code name == null} the fourth run's step has a
	 * name longer than its column.
	 */
	private List<Future<Boolean>> concurrently(String name) throws Exception {
		this.connections.set(0);
		this.writers.clear();
		this.hold = true;
		Future<Boolean> primed = this.threads.submit(() -> this.store.insertStep(this.primer, 1, step("primer")));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.connections.get() == 1);
		List<Future<Boolean>> results = new ArrayList<>();
		for (int i = 0; i < RUNS; i++) {
			String run = this.runs.get(i);
			String stepName = (name != null) ? name : (i == 3) ? "x".repeat(201) : "step";
			results.add(this.threads.submit(() -> {
				this.writers.add(Thread.currentThread());
				return this.store.insertStep(run, 1, step(stepName));
			}));
		}
		assertThat(primed.get(10, TimeUnit.SECONDS)).isTrue();
		for (Future<Boolean> result : results) {
			try {
				result.get();
			}
			catch (java.util.concurrent.ExecutionException ex) {
				// asserted by the caller
			}
		}
		return results;
	}

	private static NewStep step(String name) {
		return step(1, name);
	}

	private static NewStep step(int seq, String name) {
		return NewStep.succeeded(seq, StepKind.TOOL, name, "key", Instant.now(), Duration.ofMillis(1), "[]", "\"ok\"");
	}

	/**
	 * Counts connections; while {@link #hold} is set, the first one is handed out only
	 * once every writer waits for the next batch.
	 */
	private DataSource holding(DataSource target) {
		return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { DataSource.class },
				(proxy, method, args) -> {
					Object result = method.invoke(target, args);
					if (result instanceof Connection) {
						this.connections.incrementAndGet();
						if (this.hold) {
							this.hold = false;
							await().atMost(Duration.ofSeconds(10))
								.until(() -> this.writers.size() == RUNS && this.writers.stream()
									.allMatch((writer) -> writer.getState() == Thread.State.WAITING));
						}
					}
					return result;
				});
	}

}
