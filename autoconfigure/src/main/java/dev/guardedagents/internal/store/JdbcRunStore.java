package dev.guardedagents.internal.store;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.guardedagents.RunStatus;
import dev.guardedagents.CompensationStatus;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.RunTotals;
import dev.guardedagents.StepKind;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * The run journal on plain JDBC. Every write is one statement on one connection taken
 * from the pool and committed on its own, never joined to a transaction of the caller: a
 * step is recorded with one round trip and one commit, and a rollback of the
 * application's work never erases the journal. Internal: not API.
 */
public final class JdbcRunStore {

	private static final String RUN_COLUMNS = "id, name, plan_version, status, business_key, idempotency_key, arguments, result, "
			+ "error_type, error_message, owner_id, lease_until, recoveries, step_count, created_at, updated_at, finished_at, "
			+ "compensation, started_by, wake_at, wait_topic, parent_id";

	/**
	 * The prefix of the topic of a run that waits for a child run
	 * ({@code RunContext.await}), followed by the child's id; no message is sent on it.
	 */
	public static final String CHILD_TOPIC = "@child:";

	private static final String STEP_COLUMNS = "seq, kind, name, succeeded, attempts, started_at, duration_micros, input, output, "
			+ "error_type, error_message, idempotency_key, fell_back, attempt_errors, model, prompt_name, prompt_version, "
			+ "prompt_hash, input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost";

	private final DataSource dataSource;

	private final Jdbc jdbc;

	private final String run;

	private final String step;

	private final String history;

	private final String action;

	private final String message;

	private final String slot;

	private final String review;

	private final String decision;

	private final String idempotency;

	private final @Nullable GroupCommit groupCommit;

	private volatile @Nullable Boolean postgres;

	/**
	 * How many step records are written on their own at once; {@code -1} until the
	 * database is known, when not configured.
	 */
	private volatile int directLimit;

	private final AtomicInteger direct = new AtomicInteger();

	/**
	 * Step records written on their own at once on PostgreSQL before grouping: the
	 * default pool's 10 connections less room for the other journal statements.
	 */
	private static final int POSTGRES_DIRECT_WRITES = 8;

	private final PayloadCipher cipher;

	private final String prompt;

	/**
	 * Creates a store over the tables in the given schema that commits each step record
	 * on its own.
	 * @param dataSource the data source
	 * @param schema the schema holding the tables, as folded by the database
	 */
	public JdbcRunStore(DataSource dataSource, String schema) {
		this(dataSource, schema, null, null, PayloadCipher.NONE);
	}

	/**
	 * Creates a store over the tables in the given schema.
	 * @param dataSource the data source
	 * @param schema the schema holding the tables, as folded by the database
	 * @param groupCommitWindow how long the writer of a batch of step records waits for
	 * more records to join it ({@link Duration#ZERO}: only those that arrived while the
	 * previous batch was written), or {@code null} to commit each record on its own
	 * @param directWrites how many step records are written on their own at the same time
	 * before records are grouped, or {@code null} for the default: 8 on PostgreSQL, none
	 * on other databases
	 * @param cipher encrypts arguments, results, inputs, outputs and attempt errors
	 */
	public JdbcRunStore(DataSource dataSource, String schema, @Nullable Duration groupCommitWindow,
			@Nullable Integer directWrites, PayloadCipher cipher) {
		this.cipher = cipher;
		this.dataSource = dataSource;
		this.jdbc = new Jdbc(dataSource);
		this.run = schema + ".guarded_run";
		this.step = schema + ".guarded_step";
		this.history = schema + ".guarded_step_history";
		this.action = schema + ".guarded_run_action";
		this.message = schema + ".guarded_run_message";
		this.slot = schema + ".guarded_plan_slot";
		this.review = schema + ".guarded_review";
		this.decision = schema + ".guarded_review_decision";
		this.idempotency = schema + ".guarded_idempotency";
		this.prompt = schema + ".guarded_prompt";
		this.groupCommit = (groupCommitWindow != null) ? new GroupCommit(groupCommitWindow, this::insertSteps) : null;
		this.directLimit = (directWrites != null) ? directWrites : -1;
	}

	/**
	 * Records a new run, owned by its starter.
	 * @param run the run
	 * @return {@code false} if a run of the same name already used the idempotency key
	 */
	public boolean insertRun(NewRun run) {
		return insertRun(run, false, 0) == Admission.STARTED;
	}

	/**
	 * Records a new run, of a plan that may have a limit of runs at once: owned by its
	 * starter if the plan has a free slot and no run queued before it, else queued
	 * without an owner (the {@code QUEUE} transition). The plan's slot row is locked
	 * meanwhile, and the limit read from it, so that instances admit one run at a time by
	 * the same limit.
	 * @param run the run
	 * @param limited whether the plan has a limit ({@link #limits()}), as far as the
	 * caller knows
	 * @param configured the caller's own limit for the plan, which applies while the
	 * journal holds none (not written yet), or 0
	 * @return whether it started, was queued, or its idempotency key was used before
	 */
	public Admission insertRun(NewRun run, boolean limited, int configured) {
		if (!limited) {
			return this.jdbc.write((c) -> {
				try {
					insertRun(c, run, false);
					return Admission.STARTED;
				}
				catch (SQLException ex) {
					if (Jdbc.isUniqueViolation(ex) && run.idempotencyKey() != null) {
						return Admission.DUPLICATE;
					}
					throw ex;
				}
			});
		}
		ensureSlot(run.name());
		Admission admission = this.jdbc.transaction((c) -> {
			boolean queued = freeSlots(c, run.name(), configured) <= 0 || Jdbc.exists(c, "SELECT 1 FROM " + this.run
					+ " WHERE name = ? AND " + RunTransition.DEQUEUE.when() + " FETCH FIRST 1 ROWS ONLY", run.name());
			try {
				insertRun(c, run, queued);
			}
			catch (SQLException ex) {
				if (Jdbc.isUniqueViolation(ex) && run.idempotencyKey() != null) {
					// rolled back: the transaction cannot go on after it on PostgreSQL
					return null;
				}
				throw ex;
			}
			return queued ? Admission.QUEUED : Admission.STARTED;
		});
		return (admission != null) ? admission : Admission.DUPLICATE;
	}

	private void insertRun(Connection c, NewRun run, boolean queued) throws SQLException {
		RunTransition transition = queued ? RunTransition.QUEUE : RunTransition.START;
		String sql = "INSERT INTO " + this.run + " (id, name, plan_version, status, business_key, idempotency_key, "
				+ "arguments, owner_id, owner_epoch, lease_until, recoveries, step_count, created_at, updated_at, "
				+ "started_by, trace_context, parent_id) VALUES (?, ?, ?, '" + transition.to()
				+ "', ?, ?, ?, ?, 1, ?, 0, 0, ?, ?, ?, ?, ?)";
		try (PreparedStatement ps = c.prepareStatement(sql)) {
			ps.setString(1, run.id());
			ps.setString(2, run.name());
			ps.setString(3, run.version());
			ps.setString(4, run.businessKey());
			ps.setString(5, run.idempotencyKey());
			ps.setString(6, this.cipher.seal(run.arguments()));
			ps.setString(7, queued ? null : run.owner());
			ps.setObject(8, queued ? null : Jdbc.time(run.leaseUntil()));
			ps.setObject(9, Jdbc.time(run.now()));
			ps.setObject(10, Jdbc.time(run.now()));
			ps.setString(11, run.startedBy());
			ps.setString(12, run.trace());
			ps.setString(13, run.parentId());
			ps.executeUpdate();
		}
	}

	/**
	 * Starts the oldest queued runs of a plan, of one version, that its free slots allow
	 * (the {@code DEQUEUE} transition): each is handed over without an owner, its lease
	 * ended, for the recovery of any instance to claim at once.
	 * @param name the plan's run name, one of {@link #limits()}
	 * @param version the plan version the caller runs: runs of other versions wait for an
	 * instance that runs theirs
	 * @param now the current time
	 * @return how many were started
	 */
	public int dequeue(String name, String version, Instant now) {
		if (this.jdbc
			.query("SELECT 1 FROM " + this.run + " WHERE name = ? AND plan_version = ? AND "
					+ RunTransition.DEQUEUE.when() + " FETCH FIRST 1 ROWS ONLY", (rs) -> 1, name, version)
			.isEmpty()) {
			return 0;
		}
		return this.jdbc.inTransaction((c) -> {
			int free = freeSlots(c, name, 0);
			if (free <= 0) {
				return 0;
			}
			List<String> ids = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + this.run
					+ " WHERE name = ? AND plan_version = ? AND " + RunTransition.DEQUEUE.when()
					+ " ORDER BY created_at, id FETCH FIRST " + free + " ROWS ONLY")) {
				Jdbc.bind(ps, name, version);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						ids.add(rs.getString(1));
					}
				}
			}
			int count = 0;
			for (String id : ids) {
				count += Jdbc.update(c,
						"UPDATE " + this.run + " SET " + RunTransition.DEQUEUE.assignment()
								+ "lease_until = ?, updated_at = ? WHERE id = ? AND " + RunTransition.DEQUEUE.when(),
						Jdbc.time(now.minusMillis(1)), Jdbc.time(now), id);
			}
			return count;
		});
	}

	/**
	 * Writes the limits of runs at once that this instance's configuration gives plans,
	 * for every instance to go by; a limit of 0 removes a plan's limit. The plans this
	 * instance sets no limit for keep the one the journal holds.
	 * @param configured the limits configured here, by run name
	 */
	public void publishLimits(Map<String, Integer> configured) {
		configured.forEach((name, limit) -> {
			if (limit > 0) {
				ensureSlot(name);
			}
			this.jdbc.update("UPDATE " + this.slot + " SET max_concurrent = ? WHERE name = ?",
					(limit > 0) ? limit : null, name);
		});
	}

	/**
	 * Returns the limits of runs at once of the plans that have one, as the instances
	 * that configure them wrote them.
	 * @return the limits, by run name
	 */
	public Map<String, Integer> limits() {
		Map<String, Integer> limits = new LinkedHashMap<>();
		this.jdbc.query("SELECT name, max_concurrent FROM " + this.slot + " WHERE max_concurrent IS NOT NULL",
				(rs) -> limits.put(rs.getString(1), rs.getInt(2)));
		return limits;
	}

	/**
	 * The SQL condition that a run's plan has a limit of runs at once, or has none.
	 * @param limited which of the two
	 * @param slotTable the table of the plans' slots
	 */
	static String planLimit(boolean limited, String slotTable) {
		return (limited ? "" : "NOT ") + "name IN (SELECT name FROM " + slotTable
				+ " WHERE max_concurrent IS NOT NULL)";
	}

	/**
	 * Starts the queued runs of the plans that have no limit any more (the limit was
	 * removed from the configuration while runs were queued): nothing holds them back.
	 * @param now the current time
	 * @return how many were started
	 */
	public int dequeueUnlimited(Instant now) {
		return this.jdbc.update("UPDATE " + this.run + " SET " + RunTransition.DEQUEUE.assignment()
				+ "lease_until = ?, updated_at = ? WHERE " + RunTransition.DEQUEUE.when() + " AND "
				+ planLimit(false, this.slot), Jdbc.time(now.minusMillis(1)), Jdbc.time(now));
	}

	/**
	 * Locks a plan's slot row and counts its free slots by the limit it holds, in the
	 * caller's transaction.
	 * @param configured the limit that applies while the row holds none, or 0
	 * @return the free slots (negative when more run than the limit), as many as needed
	 * for a plan without a limit
	 */
	private int freeSlots(Connection c, String name, int configured) throws SQLException {
		int limit;
		try (PreparedStatement ps = c
			.prepareStatement("SELECT max_concurrent FROM " + this.slot + " WHERE name = ? FOR UPDATE")) {
			ps.setString(1, name);
			try (ResultSet rs = ps.executeQuery()) {
				if (!rs.next()) {
					throw new IllegalStateException("No slot row for plan '" + name + "' to lock");
				}
				limit = rs.getInt(1);
				if (rs.wasNull()) {
					if (configured <= 0) {
						return Integer.MAX_VALUE;
					}
					limit = configured;
				}
			}
		}
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT COUNT(*) FROM " + this.run + " WHERE name = ? AND " + RunTransition.holdsSlot())) {
			ps.setString(1, name);
			try (ResultSet rs = ps.executeQuery()) {
				rs.next();
				return limit - rs.getInt(1);
			}
		}
	}

	/**
	 * Makes sure a plan has its slot row, written on its own: two instances that add it
	 * at once both go on.
	 */
	private void ensureSlot(String name) {
		if (!this.jdbc.query("SELECT 1 FROM " + this.slot + " WHERE name = ?", (rs) -> 1, name).isEmpty()) {
			return;
		}
		this.jdbc.write((c) -> {
			try {
				return Jdbc.update(c, "INSERT INTO " + this.slot + " (name) VALUES (?)", name);
			}
			catch (SQLException ex) {
				if (Jdbc.isUniqueViolation(ex)) {
					return 0;
				}
				throw ex;
			}
		});
	}

	/**
	 * Whether a new run of a plan with a limit started or was queued.
	 */
	public enum Admission {

		/**
		 * Recorded as running, owned by its starter.
		 */
		STARTED,

		/**
		 * Recorded as queued: the plan had no free slot, or runs queued before it.
		 */
		QUEUED,

		/**
		 * Not recorded: a run of the same name already used its idempotency key.
		 */
		DUPLICATE

	}

	/**
	 * Records a completed step, if the run is still running under the given ownership
	 * epoch (fencing).
	 * @param runId the run id
	 * @param epoch the ownership epoch of the writer
	 * @param step the step
	 * @return {@code false} if the writer no longer owns the run or it is not running
	 * @throws DuplicateStepException if another execution recorded this position
	 */
	public boolean insertStep(String runId, long epoch, NewStep step) {
		if (this.groupCommit == null) {
			return writeStep(runId, epoch, step);
		}
		if (takeDirectPlace()) {
			try {
				return writeStep(runId, epoch, step);
			}
			finally {
				this.direct.decrementAndGet();
			}
		}
		GroupCommit.Row row = new GroupCommit.Row(runId, epoch, step);
		switch (this.groupCommit.write(row)) {
			case RECORDED:
				return true;
			case FENCED:
				return false;
			case DUPLICATE:
				throw new DuplicateStepException(runId, step.seq(), null);
			case FAILED:
				throw Objects.requireNonNull(row.failure);
			default:
				// the batch failed as a whole: written alone
				return writeStep(runId, epoch, step);
		}
	}

	private boolean writeStep(String runId, long epoch, NewStep step) {
		return this.jdbc.write((c) -> insertStep(c, runId, epoch, step));
	}

	/**
	 * Takes a place among the records written on their own, if one is free. PostgreSQL
	 * groups the log flushes of concurrent commits itself, so records are grouped only
	 * once more of them are written at once than a default pool serves; H2 commits one
	 * transaction at a time, so there every record is grouped.
	 */
	private boolean takeDirectPlace() {
		int limit = this.directLimit;
		if (limit < 0) {
			limit = isPostgres() ? POSTGRES_DIRECT_WRITES : 0;
			this.directLimit = limit;
		}
		if (this.direct.incrementAndGet() <= limit) {
			return true;
		}
		this.direct.decrementAndGet();
		return false;
	}

	/**
	 * Writes a batch of step records in one transaction, one fenced statement per record,
	 * so that a stale owner's record is left out without failing the others.
	 */
	private List<GroupCommit.Outcome> insertSteps(List<GroupCommit.Row> batch) {
		if (batch.size() == 1) {
			GroupCommit.Row row = batch.get(0);
			try {
				return List.of(writeStep(row.runId, row.epoch, row.step) ? GroupCommit.Outcome.RECORDED
						: GroupCommit.Outcome.FENCED);
			}
			catch (DuplicateStepException ex) {
				return List.of(GroupCommit.Outcome.DUPLICATE);
			}
		}
		return this.jdbc
			.inTransaction((c) -> isPostgres(c) ? insertStepsBatched(c, batch) : insertStepsOneByOne(c, batch));
	}

	/**
	 * PostgreSQL: one batch of statements sent together; a position already recorded is
	 * skipped rather than failing the transaction, and told apart from a stale owner
	 * afterwards.
	 */
	private List<GroupCommit.Outcome> insertStepsBatched(Connection c, List<GroupCommit.Row> batch)
			throws SQLException {
		int[] counts;
		try (PreparedStatement ps = c.prepareStatement(insertStepSql() + " ON CONFLICT DO NOTHING")) {
			for (GroupCommit.Row row : batch) {
				bindStep(ps, row.runId, row.epoch, row.step);
				ps.addBatch();
			}
			counts = ps.executeBatch();
		}
		List<GroupCommit.Outcome> outcomes = new ArrayList<>(batch.size());
		for (int i = 0; i < batch.size(); i++) {
			GroupCommit.Row row = batch.get(i);
			outcomes.add((counts[i] != 0) ? GroupCommit.Outcome.RECORDED
					: owns(c, row.runId, row.epoch) ? GroupCommit.Outcome.DUPLICATE : GroupCommit.Outcome.FENCED);
		}
		return outcomes;
	}

	/**
	 * H2: a statement that fails leaves the rest of the transaction alone.
	 */
	private List<GroupCommit.Outcome> insertStepsOneByOne(Connection c, List<GroupCommit.Row> batch)
			throws SQLException {
		List<GroupCommit.Outcome> outcomes = new ArrayList<>(batch.size());
		for (GroupCommit.Row row : batch) {
			try {
				outcomes.add(insertStep(c, row.runId, row.epoch, row.step) ? GroupCommit.Outcome.RECORDED
						: GroupCommit.Outcome.FENCED);
			}
			catch (DuplicateStepException ex) {
				outcomes.add(GroupCommit.Outcome.DUPLICATE);
			}
		}
		return outcomes;
	}

	private boolean owns(Connection c, String runId, long epoch) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT 1 FROM " + this.run + " WHERE id = ? AND owner_epoch = ? AND " + RunTransition.RECORD.when())) {
			ps.setString(1, runId);
			ps.setLong(2, epoch);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next();
			}
		}
	}

	private boolean isPostgres() {
		Boolean postgres = this.postgres;
		return (postgres != null) ? postgres : this.jdbc.write(this::isPostgres);
	}

	private boolean isPostgres(Connection c) throws SQLException {
		Boolean postgres = this.postgres;
		if (postgres == null) {
			postgres = "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
			this.postgres = postgres;
		}
		return postgres;
	}

	/**
	 * Records a completed step in the transaction of the calling thread (a transactional
	 * step), so that it commits or rolls back with the step's own writes.
	 * @param runId the run id
	 * @param epoch the ownership epoch of the writer
	 * @param step the step
	 * @return {@code false} if the writer no longer owns the run or it is not running
	 * @throws DuplicateStepException if another execution recorded this position
	 */
	public boolean insertStepInTransaction(String runId, long epoch, NewStep step) {
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			return insertStep(connection, runId, epoch, step);
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Run journal write failed", ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	private boolean insertStep(Connection c, String runId, long epoch, NewStep step) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(insertStepSql())) {
			bindStep(ps, runId, epoch, step);
			return ps.executeUpdate() == 1;
		}
		catch (SQLException ex) {
			if (Jdbc.isUniqueViolation(ex)) {
				throw new DuplicateStepException(runId, step.seq(), ex);
			}
			throw ex;
		}
	}

	private String insertStepSql() {
		return "INSERT INTO " + this.step + " (run_id, " + STEP_COLUMNS + ") "
				+ "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM " + this.run
				+ " WHERE id = ? AND owner_epoch = ? AND " + RunTransition.RECORD.when();
	}

	private void bindStep(PreparedStatement ps, String runId, long epoch, NewStep step) throws SQLException {
		ps.setString(1, runId);
		ps.setInt(2, step.seq());
		ps.setString(3, step.kind().name());
		ps.setString(4, step.name());
		ps.setBoolean(5, step.succeeded());
		ps.setInt(6, step.attempts());
		ps.setObject(7, Jdbc.time(step.startedAt()));
		ps.setLong(8, step.duration().toNanos() / 1000);
		ps.setString(9, this.cipher.seal(step.input()));
		ps.setString(10, this.cipher.seal(step.output()));
		ps.setString(11, step.errorType());
		ps.setString(12, step.errorMessage());
		ps.setString(13, step.idempotencyKey());
		ps.setBoolean(14, step.fellBack());
		ps.setString(15, this.cipher.seal(step.attemptErrors()));
		ModelUsage usage = step.usage();
		Jdbc.bindFrom(ps, 16, (usage != null) ? usage.model() : null, (usage != null) ? usage.promptName() : null,
				(usage != null) ? usage.promptVersion() : null, (usage != null) ? usage.promptHash() : null,
				(usage != null) ? usage.inputTokens() : null, (usage != null) ? usage.outputTokens() : null,
				(usage != null) ? usage.cachedTokens() : null, (usage != null) ? usage.reasoningTokens() : null,
				(usage != null) ? usage.cost() : null);
		ps.setString(25, runId);
		ps.setLong(26, epoch);
	}

	/**
	 * Records the end of a run, if the writer still owns it.
	 * @param runId the run id
	 * @param epoch the ownership epoch of the writer
	 * @param status the final status
	 * @param result the result as JSON, if succeeded
	 * @param errorType the error class name, if failed
	 * @param errorMessage the error message, if failed
	 * @param stepCount the number of steps of the run
	 * @param now the current time
	 * @return {@code false} if the writer no longer owns the run or it is not running
	 */
	public boolean finish(String runId, long epoch, RunStatus status, @Nullable String result,
			@Nullable String errorType, @Nullable String errorMessage, int stepCount, Instant now) {
		RunTransition transition = RunTransition.finishing(status);
		String sql = "UPDATE " + this.run + " SET " + transition.assignment() + "result = ?, error_type = ?, "
				+ "error_message = ?, step_count = ?, owner_id = NULL, lease_until = NULL, updated_at = ?, "
				+ "finished_at = ? WHERE id = ? AND owner_epoch = ? AND " + transition.when();
		return this.jdbc.update(sql, this.cipher.seal(result), errorType, errorMessage, stepCount, Jdbc.time(now),
				Jdbc.time(now), runId, epoch) == 1;
	}

	/**
	 * Extends the leases of all running runs owned by an instance, in one statement, and
	 * reads which runs it owns. The lease is computed once the connection is obtained, so
	 * that a wait for a connection does not shorten it.
	 * @param owner the instance id
	 * @param now the clock, read when the statement is about to run
	 * @param lease the length of the lease
	 * @return the lease's start and the runs the instance owns
	 */
	public Renewal renewLeases(String owner, Supplier<Instant> now, Duration lease) {
		return this.jdbc.write((c) -> {
			Instant start = now.get();
			Jdbc.update(c,
					"UPDATE " + this.run + " SET lease_until = ? WHERE owner_id = ? AND " + RunTransition.RECORD.when(),
					Jdbc.time(start.plus(lease)), owner);
			Set<String> owned = new HashSet<>();
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT id FROM " + this.run + " WHERE owner_id = ? AND " + RunTransition.RECORD.when())) {
				ps.setString(1, owner);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						owned.add(rs.getString(1));
					}
				}
			}
			return new Renewal(start, owned);
		});
	}

	/**
	 * Extends the lease of one run, if this execution still owns it.
	 * @param runId the run id
	 * @param epoch the ownership epoch of the execution
	 * @param now the clock, read when the statement is about to run
	 * @param lease the length of the lease
	 * @return the lease's start, or {@code null} if the run is no longer owned under that
	 * epoch (taken over, cancelled, finished)
	 */
	public @Nullable Instant renewLease(String runId, long epoch, Supplier<Instant> now, Duration lease) {
		return this.jdbc.write((c) -> {
			Instant start = now.get();
			return (Jdbc.update(c,
					"UPDATE " + this.run + " SET lease_until = ? WHERE id = ? AND owner_epoch = ? AND "
							+ RunTransition.RECORD.when(),
					Jdbc.time(start.plus(lease)), runId, epoch) == 1) ? start : null;
		});
	}

	/**
	 * Counts a resumption after a crash that went on to execute a step body.
	 * @param runId the run id
	 * @param epoch the ownership epoch of the execution
	 */
	public void countRecovery(String runId, long epoch) {
		this.jdbc.update("UPDATE " + this.run + " SET recoveries = recoveries + 1 WHERE id = ? AND owner_epoch = ?",
				runId, epoch);
	}

	/**
	 * Clears the recoveries of a run that made progress: a step was recorded since it was
	 * last resumed, so it is no poison run.
	 * @param runId the run id
	 * @param epoch the ownership epoch of the execution
	 */
	public void clearRecoveries(String runId, long epoch) {
		this.jdbc.update("UPDATE " + this.run + " SET recoveries = 0 WHERE id = ? AND owner_epoch = ?", runId, epoch);
	}

	/**
	 * The result of renewing an instance's leases.
	 *
	 * @param start when the new leases start
	 * @param owned the runs the instance owns
	 */
	public record Renewal(Instant start, Set<String> owned) {
	}

	/**
	 * Ends the leases of all running runs owned by an instance, so that any instance may
	 * claim them at once.
	 * @param owner the instance id
	 * @param now the current time
	 * @param graceful {@code true} when the instance stops in order: the runs are handed
	 * over without an owner, and their next claim does not count as a recovery;
	 * {@code false} at start-up after a crash, when it does
	 * @return the number of runs released
	 */
	public int releaseLeases(String owner, Instant now, boolean graceful) {
		return this.jdbc.update(
				"UPDATE " + this.run + " SET lease_until = ?" + (graceful ? ", owner_id = NULL" : "")
						+ " WHERE owner_id = ? AND " + RunTransition.RELEASE.when(),
				Jdbc.time(now.minusMillis(1)), owner);
	}

	/**
	 * Hands one run over, if it is still held under the given epoch: no owner, lease
	 * ended, so that any instance may claim it at once, and the claim is not a crash. Its
	 * owner's lease renewals no longer touch it.
	 * @param runId the run id
	 * @param epoch the ownership epoch of the holder
	 * @param now the current time
	 * @return {@code true} if the run was handed over
	 */
	public boolean releaseLease(String runId, long epoch, Instant now) {
		return this.jdbc.update(
				"UPDATE " + this.run + " SET lease_until = ?, owner_id = NULL "
						+ "WHERE id = ? AND owner_epoch = ? AND " + RunTransition.RELEASE.when(),
				Jdbc.time(now.minusMillis(1)), runId, epoch) == 1;
	}

	/**
	 * Hands a failed run back for any instance to resume, at an operator's request: the
	 * run is {@code RUNNING} again without an owner, its recoveries count from zero, its
	 * error is cleared; a failed last step is moved to the history so that it runs again,
	 * the steps before it replay. The action is journaled with who did it. A run that was
	 * compensated is not retried.
	 * @param runId the run id
	 * @param actor who retries it
	 * @param now the current time
	 * @return what became of it
	 */
	public Retry retry(String runId, String actor, Instant now) {
		return this.jdbc.inTransaction((c) -> {
			RunRow run = null;
			try (PreparedStatement ps = c
				.prepareStatement("SELECT " + RUN_COLUMNS + " FROM " + this.run + " WHERE id = ? FOR UPDATE")) {
				ps.setString(1, runId);
				try (ResultSet rs = ps.executeQuery()) {
					if (rs.next()) {
						run = runView(rs);
					}
				}
			}
			if (run == null) {
				return new Retry(Retry.Result.NOT_FOUND, null, null);
			}
			if (!RunTransition.RETRY.allows(run.status())) {
				return new Retry(Retry.Result.NOT_FAILED, run.status(), null);
			}
			if (run.compensation() != null) {
				return new Retry(Retry.Result.COMPENSATED, run.status(), null);
			}
			String setAside = setAsideFailedLastStep(c, runId, now);
			Jdbc.update(c, "UPDATE " + this.run + " SET " + RunTransition.RETRY.assignment()
					+ "owner_id = NULL, lease_until = ?, recoveries = 0, error_type = NULL, error_message = NULL, "
					+ "finished_at = NULL, updated_at = ? WHERE id = ? AND " + RunTransition.RETRY.when(),
					Jdbc.time(now.minusMillis(1)), Jdbc.time(now), runId);
			journalAction(c, runId, "RETRY", actor, now,
					"retried after " + run.errorType() + ((setAside != null) ? "; set aside " + setAside : ""));
			return new Retry(Retry.Result.RETRIED, run.status(), setAside);
		});
	}

	/**
	 * Reads the propagation fields of the span that marked a run's start, for an
	 * execution that resumes it to join its trace.
	 * @param runId the run id
	 * @return the fields as recorded, or empty if the run was not traced
	 */
	public Optional<String> trace(String runId) {
		return this.jdbc
			.query("SELECT trace_context FROM " + this.run + " WHERE id = ?", (rs) -> rs.getString(1), runId)
			.stream()
			.filter(Objects::nonNull)
			.findFirst();
	}

	/**
	 * Forks a run at an operator's request: a new run of the same plan, version,
	 * arguments and business key, whose steps before {@code fromSeq} are copies of the
	 * source's (with step keys of the new run), {@code RUNNING} without an owner so that
	 * any instance resumes it at once: it replays the copies and executes the rest with
	 * the current code. The fork is journaled on both runs with who did it.
	 * @param sourceId the run forked
	 * @param fromSeq the first position the fork executes, from 1 to the source's step
	 * count plus one
	 * @param forkId the new run's id
	 * @param actor who forks it
	 * @param now the current time
	 * @return the number of steps copied, or -1 if there is no such run
	 * @throws IllegalArgumentException if {@code fromSeq} is out of range
	 */
	public int fork(String sourceId, int fromSeq, String forkId, String actor, Instant now) {
		return this.jdbc.inTransaction((c) -> {
			int steps;
			try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT COUNT(*) FROM " + this.step
					+ " s WHERE s.run_id = r.id) FROM " + this.run + " r WHERE r.id = ?")) {
				ps.setString(1, sourceId);
				try (ResultSet rs = ps.executeQuery()) {
					if (!rs.next()) {
						return -1;
					}
					steps = rs.getInt(1);
				}
			}
			if (fromSeq < 1 || fromSeq > steps + 1) {
				throw new IllegalArgumentException("Run " + sourceId + " has " + steps
						+ " steps: fork it from step 1 to " + (steps + 1) + ", not " + fromSeq);
			}
			Jdbc.update(c, "INSERT INTO " + this.run + " (id, name, plan_version, status, business_key, arguments, "
					+ "owner_id, owner_epoch, lease_until, recoveries, step_count, created_at, updated_at, started_by) "
					+ "SELECT ?, name, plan_version, '" + RunTransition.START.to()
					+ "', business_key, arguments, NULL, 1, " + "?, 0, 0, ?, ?, ? FROM " + this.run + " WHERE id = ?",
					forkId, Jdbc.time(now.minusMillis(1)), Jdbc.time(now), Jdbc.time(now), actor, sourceId);
			int copied = Jdbc.update(c,
					"INSERT INTO " + this.step + " (run_id, " + STEP_COLUMNS + ") SELECT ?, "
							+ STEP_COLUMNS.replace("idempotency_key",
									"CAST(? AS VARCHAR(36)) || '/' || CAST(seq AS VARCHAR(10))")
							+ " FROM " + this.step + " WHERE run_id = ? AND seq < ?",
					forkId, forkId, sourceId, fromSeq);
			Jdbc.update(c, "UPDATE " + this.run + " SET step_count = ? WHERE id = ?", copied, forkId);
			// the messages the fork may still receive: those no copied step received
			Jdbc.update(c, "INSERT INTO " + this.message
					+ " (run_id, topic, message_key, payload, sent_by, sent_at) SELECT ?, topic, message_key, payload, "
					+ "sent_by, sent_at FROM " + this.message
					+ " WHERE run_id = ? AND (received_seq IS NULL OR received_seq >= ?) ORDER BY id", forkId, sourceId,
					fromSeq);
			journalAction(c, sourceId, "FORK", actor, now, "forked into run " + forkId + " from step " + fromSeq);
			journalAction(c, forkId, "FORKED", actor, now,
					"forked from run " + sourceId + " at step " + fromSeq + "; " + copied + " steps copied");
			return copied;
		});
	}

	/**
	 * Journals what an operator did to a run, in the transaction that did it.
	 */
	private void journalAction(Connection c, String runId, String action, String actor, Instant now, String detail)
			throws SQLException {
		Jdbc.update(c,
				"INSERT INTO " + this.action + " (run_id, action, actor, acted_at, detail) VALUES (?, ?, ?, ?, ?)",
				runId, action, actor, Jdbc.time(now), detail);
	}

	/**
	 * Finds failed runs of a plan that a retry would take (not compensated), the ones
	 * that failed first first.
	 * @param name the run name
	 * @param errorType only runs that failed with this error type, or all
	 * @param limit how many at most
	 * @return their ids
	 */
	public List<String> retryable(String name, @Nullable String errorType, int limit) {
		return this.jdbc.query(
				"SELECT id FROM " + this.run + " WHERE " + RunTransition.RETRY.when()
						+ " AND compensation IS NULL AND name = ?" + ((errorType != null) ? " AND error_type = ?" : "")
						+ " ORDER BY finished_at, id FETCH FIRST " + limit + " ROWS ONLY",
				(rs) -> rs.getString(1),
				(errorType != null) ? new Object[] { name, errorType } : new Object[] { name });
	}

	private @Nullable String setAsideFailedLastStep(Connection c, String runId, Instant now) throws SQLException {
		StepRow last = null;
		try (PreparedStatement ps = c.prepareStatement("SELECT " + STEP_COLUMNS + " FROM " + this.step
				+ " WHERE run_id = ? ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY")) {
			ps.setString(1, runId);
			try (ResultSet rs = ps.executeQuery()) {
				if (rs.next()) {
					last = stepView(rs);
				}
			}
		}
		if (last == null || last.succeeded()) {
			return null;
		}
		Jdbc.update(c,
				"INSERT INTO " + this.history + " (run_id, set_aside_at, " + STEP_COLUMNS + ") SELECT run_id, ?, "
						+ STEP_COLUMNS + " FROM " + this.step + " WHERE run_id = ? AND seq = ?",
				Jdbc.time(now), runId, last.seq());
		Jdbc.update(c, "DELETE FROM " + this.step + " WHERE run_id = ? AND seq = ?", runId, last.seq());
		return "step " + last.seq() + " " + last.kind() + " '" + last.name() + "' (" + last.errorType() + ")";
	}

	/**
	 * Returns the step records retries set aside, in the order they were set aside.
	 * @param runId the run id
	 * @return the records
	 */
	public List<StepRow> history(String runId) {
		return this.jdbc.query(
				"SELECT " + STEP_COLUMNS + " FROM " + this.history + " WHERE run_id = ? ORDER BY set_aside_at, seq",
				this::stepView, runId);
	}

	/**
	 * Returns what operators did to a run, oldest first.
	 * @param runId the run id
	 * @return the actions
	 */
	public List<RunAction> actions(String runId) {
		return this.jdbc.query(
				"SELECT action, actor, acted_at, detail FROM " + this.action + " WHERE run_id = ? ORDER BY acted_at",
				(rs) -> new RunAction(rs.getString("action"), rs.getString("actor"), Jdbc.instant(rs, "acted_at"),
						rs.getString("detail")),
				runId);
	}

	/**
	 * Ends the lease of one run of this instance as a crash leaves it: still owned, lease
	 * over, so that its claim counts as a recovery after a crash.
	 * @param runId the run id
	 * @param owner this instance
	 * @param now the current time
	 * @return {@code true} if the lease ended
	 */
	public boolean endLease(String runId, String owner, Instant now) {
		return this.jdbc.update("UPDATE " + this.run + " SET lease_until = ? WHERE id = ? AND owner_id = ? AND "
				+ RunTransition.RELEASE.when(), Jdbc.time(now.minusMillis(1)), runId, owner) == 1;
	}

	/**
	 * Puts a run to sleep until a time ({@code RunContext.sleep}), or until a message on
	 * a topic arrives ({@code RunContext.receive}) and at the latest until a time, or
	 * until a child run ends ({@code RunContext.await}, topic {@value #CHILD_TOPIC} and
	 * the child's id): it waits without an owner, its executor fenced out, until a scan
	 * (or the sender, or the child) wakes it.
	 * @param runId the run id
	 * @param epoch the ownership epoch of the writer
	 * @param wakeAt when it is to be woken, or {@code null} for a run that waits for a
	 * child
	 * @param topic the topic whose messages wake it earlier, or {@code null}
	 * @param now the current time
	 * @return {@code false} if the writer no longer owns the run
	 */
	public boolean sleep(String runId, long epoch, @Nullable Instant wakeAt, @Nullable String topic, Instant now) {
		return this.jdbc.update("UPDATE " + this.run + " SET " + RunTransition.SLEEP.assignment()
				+ "wake_at = ?, wait_topic = ?, owner_id = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND "
				+ "owner_epoch = ? AND " + RunTransition.SLEEP.when(), Jdbc.time(wakeAt), topic, Jdbc.time(now), runId,
				epoch) == 1;
	}

	/**
	 * Wakes the sleeping runs whose time has come, the runs that wait for a message on a
	 * topic that has one (a sender that failed to wake the run), and the runs that wait
	 * for a run that has ended, or is gone: each is handed back with its lease ended, for
	 * the recovery of any instance to claim, once.
	 * @param now the current time
	 * @return how many woke
	 */
	public int wake(Instant now) {
		String due = " AND (wake_at <= ? OR (wait_topic IS NOT NULL AND EXISTS (SELECT 1 FROM " + this.message
				+ " m WHERE m.run_id = " + this.run + ".id AND m.topic = " + this.run
				+ ".wait_topic AND m.received_seq IS NULL)) OR (wait_topic LIKE '" + CHILD_TOPIC
				+ "%' AND NOT EXISTS (SELECT 1 FROM " + this.run + " c WHERE c.id = SUBSTRING(" + this.run
				+ ".wait_topic FROM " + (CHILD_TOPIC.length() + 1) + ") AND NOT c." + RunTransition.PURGE.when()
				+ ")))";
		return handBack(now, due, Jdbc.time(now));
	}

	/**
	 * Hands back the waiting runs that meet a condition, their lease ended, for the
	 * recovery of any instance to claim, once: a run of a plan with a limit of runs at
	 * once queues again ({@code REQUEUE}), any other resumes ({@code WAKE}).
	 * @param now the current time
	 * @param condition more SQL of the {@code WHERE} clause, starting with {@code AND}
	 * @param args its parameters
	 * @return how many were handed back
	 */
	private int handBack(Instant now, String condition, Object... args) {
		Object[] all = new Object[args.length + 2];
		all[0] = Jdbc.time(now.minusMillis(1));
		all[1] = Jdbc.time(now);
		System.arraycopy(args, 0, all, 2, args.length);
		int woken = 0;
		for (RunTransition transition : List.of(RunTransition.REQUEUE, RunTransition.WAKE)) {
			woken += this.jdbc.update("UPDATE " + this.run + " SET " + transition.assignment()
					+ "lease_until = ?, updated_at = ? WHERE " + transition.when() + " AND "
					+ planLimit(transition == RunTransition.REQUEUE, this.slot) + condition, all);
		}
		return woken;
	}

	/**
	 * Keeps a message for a run that has not finished ({@code AgentRuns.send}), whatever
	 * it does now: a plan that receives on its topic later gets it then. The run's row is
	 * locked meanwhile, so a run that finishes or is purged at the same time either gets
	 * the message first or refuses it, and two messages with one key to one run are
	 * checked one after the other: one with a key the run already has is not kept again.
	 * A message an operator sent is journaled as an action with the operator's name.
	 * @param runId the run id
	 * @param topic the topic
	 * @param key the message's key, or {@code null}
	 * @param payload the payload as JSON
	 * @param sentBy who sent it, or {@code null} for the application
	 * @param now the current time
	 * @return what became of it, and the run's status
	 */
	public Sent send(String runId, String topic, @Nullable String key, String payload, @Nullable String sentBy,
			Instant now) {
		return this.jdbc.inTransaction((c) -> {
			RunStatus status = null;
			try (PreparedStatement ps = c
				.prepareStatement("SELECT status FROM " + this.run + " WHERE id = ? FOR UPDATE")) {
				ps.setString(1, runId);
				try (ResultSet rs = ps.executeQuery()) {
					if (rs.next()) {
						status = RunStatus.valueOf(rs.getString(1));
					}
				}
			}
			if (status == null || status.isTerminal()) {
				return new Sent(Sent.Result.NOT_RECEIVING, status);
			}
			if (key != null && Jdbc.exists(c, "SELECT 1 FROM " + this.message + " WHERE run_id = ? AND message_key = ?",
					runId, key)) {
				return new Sent(Sent.Result.DUPLICATE, status);
			}
			Jdbc.update(c,
					"INSERT INTO " + this.message
							+ " (run_id, topic, message_key, payload, sent_by, sent_at) VALUES (?, ?, ?, ?, ?, ?)",
					runId, topic, key, this.cipher.seal(payload), sentBy, Jdbc.time(now));
			if (sentBy != null) {
				journalAction(c, runId, "SEND", sentBy, now, "sent a message on topic '" + topic + "'");
			}
			return new Sent(Sent.Result.SENT, status);
		});
	}

	/**
	 * What became of a message sent to a run.
	 *
	 * @param result kept, a duplicate of one kept before, or refused
	 * @param status the run's status when it was sent, or {@code null} if there is no
	 * such run
	 */
	public record Sent(Result result, @Nullable RunStatus status) {

		/**
		 * What became of the message.
		 */
		public enum Result {

			/**
			 * Kept for the run.
			 */
			SENT,

			/**
			 * The run already has a message with the key: nothing changed.
			 */
			DUPLICATE,

			/**
			 * The run does not exist or has finished: nothing was kept.
			 */
			NOT_RECEIVING

		}

	}

	/**
	 * Wakes a run at once if it waits for a message on a topic
	 * ({@code RunContext.receive}): it is handed back with its lease ended, as a wake
	 * time that passed hands it back, for the recovery of any instance to claim, once.
	 * @param runId the run id
	 * @param topic the topic a message arrived on
	 * @param now the current time
	 * @return {@code true} if the run waited on that topic and was handed back
	 */
	public boolean wakeReceiver(String runId, String topic, Instant now) {
		return handBack(now, " AND id = ? AND wait_topic = ?", runId, topic) > 0;
	}

	/**
	 * Wakes the runs that wait for a run that has ended ({@code RunContext.await}): its
	 * parent, or any run that awaits it. Each is handed back as {@link #wakeReceiver}
	 * hands back a run a message woke.
	 * @param runId the awaited run, woken for only once it has ended
	 * @param now the current time
	 * @return {@code true} if a run waited for it and was handed back
	 */
	public boolean wakeAwaiting(String runId, Instant now) {
		return handBack(now, " AND wait_topic = ? AND EXISTS (SELECT 1 FROM " + this.run + " c WHERE c.id = ? AND c."
				+ RunTransition.PURGE.when() + ")", CHILD_TOPIC + runId, runId) > 0;
	}

	/**
	 * Returns the children a run started ({@code AgentRuns.start} in its plan), oldest
	 * first.
	 * @param parentId the parent run
	 * @param limit how many at most
	 * @return the children
	 */
	public List<RunRow> children(String parentId, int limit) {
		return this.jdbc.query(
				"SELECT " + RUN_COLUMNS + " FROM " + this.run
						+ " WHERE parent_id = ? ORDER BY created_at, id FETCH FIRST " + limit + " ROWS ONLY",
				this::runView, parentId);
	}

	/**
	 * Returns how many children a run started.
	 * @param parentId the parent run
	 * @return the count
	 */
	public int childCount(String parentId) {
		return this.jdbc
			.query("SELECT COUNT(*) FROM " + this.run + " WHERE parent_id = ?", (rs) -> rs.getInt(1), parentId)
			.get(0);
	}

	/**
	 * Returns the children of a run that have not ended and are not being compensated
	 * already: those a cancel of the parent cancels.
	 * @param parentId the parent run
	 * @return their ids, oldest first
	 */
	public List<String> unfinishedChildren(String parentId) {
		return this.jdbc.query("SELECT id FROM " + this.run + " WHERE parent_id = ? AND " + RunTransition.CANCEL.when()
				+ " AND " + notCompensating("") + " ORDER BY created_at, id", (rs) -> rs.getString(1), parentId);
	}

	/**
	 * The SQL condition on a run that is not being compensated.
	 * @param alias the run table's alias and a dot, or nothing
	 */
	private static String notCompensating(String alias) {
		return "(" + alias + "compensation IS NULL OR " + alias + "compensation <> '" + CompensationStatus.COMPENSATING
				+ "')";
	}

	/**
	 * Returns children that have not ended whose parent failed or was cancelled (a parent
	 * that ended while its instance could not cancel them): recovery cancels them.
	 * @param limit how many at most
	 * @return their ids and their parents' ids, oldest first
	 */
	public List<String[]> orphans(int limit) {
		return this.jdbc.query(
				"SELECT c.id, c.parent_id FROM " + this.run + " c JOIN " + this.run
						+ " p ON p.id = c.parent_id WHERE c." + RunTransition.CANCEL.when() + " AND "
						+ notCompensating("c.") + " AND p.status IN ('" + RunStatus.FAILED + "', '"
						+ RunStatus.CANCELLED + "') ORDER BY c.created_at, c.id FETCH FIRST " + limit + " ROWS ONLY",
				(rs) -> new String[] { rs.getString(1), rs.getString(2) });
	}

	/**
	 * Receives a message of a run ({@code RunContext.receive}): the message this receive
	 * took before (the run was resumed before recording it), else the oldest one on the
	 * topic that no receive took, which this one then holds. Only the run's current owner
	 * takes one: an executor fenced out by a newer epoch takes nothing.
	 * @param runId the run id
	 * @param epoch the ownership epoch of the executor
	 * @param topic the topic
	 * @param receive the position of the receive (its deadline step), which marks the
	 * message it took
	 * @return the message's payload as JSON, or {@code null} if there is none
	 */
	public @Nullable String receive(String runId, long epoch, String topic, int receive) {
		String select = "SELECT id, payload FROM " + this.message + " WHERE run_id = ? AND topic = ? AND ";
		return this.jdbc.inTransaction((c) -> {
			while (true) {
				Object[] held = first(c, select + "received_seq = ? ORDER BY id FETCH FIRST 1 ROWS ONLY", runId, topic,
						receive);
				if (held != null) {
					return this.cipher.open((String) held[1]);
				}
				Object[] next = first(c, select + "received_seq IS NULL ORDER BY id FETCH FIRST 1 ROWS ONLY", runId,
						topic);
				if (next == null) {
					return null;
				}
				// taken by this receive only while this executor owns the run; taken by
				// another one meanwhile, look again (this receive may be the other one)
				if (Jdbc.update(c,
						"UPDATE " + this.message + " SET received_seq = ? WHERE id = ? AND received_seq IS NULL AND "
								+ "EXISTS (SELECT 1 FROM " + this.run + " WHERE id = ? AND owner_epoch = ?)",
						receive, next[0], runId, epoch) == 0
						&& !Jdbc.exists(c, "SELECT 1 FROM " + this.run + " WHERE id = ? AND owner_epoch = ?", runId,
								epoch)) {
					return null;
				}
			}
		});
	}

	private static Object @Nullable [] first(Connection c, String sql, Object... args) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(sql)) {
			Jdbc.bind(ps, args);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? new Object[] { rs.getLong(1), rs.getString(2) } : null;
			}
		}
	}

	/**
	 * Whether a run has a message on a topic that no step received.
	 * @param runId the run id
	 * @param topic the topic
	 * @return whether it has one
	 */
	public boolean hasMessage(String runId, String topic) {
		return !this.jdbc
			.query("SELECT 1 FROM " + this.message + " WHERE run_id = ? AND topic = ? AND received_seq IS NULL "
					+ "FETCH FIRST 1 ROWS ONLY", (rs) -> 1, runId, topic)
			.isEmpty();
	}

	/**
	 * Returns the messages sent to a run, oldest first.
	 * @param runId the run id
	 * @return the messages
	 */
	public List<RunMessage> messages(String runId) {
		return messages(runId, Integer.MAX_VALUE);
	}

	/**
	 * Returns the newest messages sent to a run, oldest of them first.
	 * @param runId the run id
	 * @param limit how many at most
	 * @return the messages
	 */
	public List<RunMessage> messages(String runId, int limit) {
		List<RunMessage> messages = new ArrayList<>(
				this.jdbc.query("SELECT topic, message_key, payload, sent_by, sent_at, received_seq FROM "
						+ this.message + " WHERE run_id = ? ORDER BY id DESC"
						+ ((limit < Integer.MAX_VALUE) ? " FETCH FIRST " + limit + " ROWS ONLY" : ""), (rs) -> {
							int seq = rs.getInt("received_seq");
							Integer received = rs.wasNull() ? null : seq;
							return new RunMessage(rs.getString("topic"), rs.getString("message_key"),
									this.cipher.open(rs.getString("payload")), rs.getString("sent_by"),
									Jdbc.instant(rs, "sent_at"), received);
						}, runId));
		Collections.reverse(messages);
		return messages;
	}

	/**
	 * Counts the messages sent to a run.
	 * @param runId the run id
	 * @return how many
	 */
	public int messageCount(String runId) {
		return this.jdbc
			.query("SELECT COUNT(*) FROM " + this.message + " WHERE run_id = ?", (rs) -> rs.getInt(1), runId)
			.get(0);
	}

	/**
	 * Hands over a run this instance owns but does not execute (its execution was lost
	 * between a claim and its start, say), so that it is not renewed forever.
	 * @param runId the run id
	 * @param owner this instance
	 * @param now the current time
	 * @return {@code true} if the run was handed over
	 */
	public boolean releaseOwned(String runId, String owner, Instant now) {
		return this.jdbc.update("UPDATE " + this.run + " SET lease_until = ?, owner_id = NULL "
				+ "WHERE id = ? AND owner_id = ? AND " + RunTransition.RELEASE.when(), Jdbc.time(now.minusMillis(1)),
				runId, owner) == 1;
	}

	/**
	 * Finds running runs whose lease expired, oldest lease first.
	 * @param now the current time
	 * @param plans the plans this instance can run: name to version
	 * @param known {@code true} for runs of those plans, {@code false} for runs of other
	 * plans or versions
	 * @param minRecoveries only runs resumed at least this often after a crash
	 * @param limit the maximum number of runs
	 * @return the runs
	 */
	public List<ExpiredRun> findExpired(Instant now, Map<String, String> plans, boolean known, int minRecoveries,
			int limit) {
		StringBuilder sql = new StringBuilder(
				"SELECT id, name, plan_version, owner_epoch, recoveries, owner_id IS NOT NULL AS crashed FROM ")
			.append(this.run)
			.append(" WHERE ")
			.append(RunTransition.CLAIM.when())
			.append(" AND lease_until < ? AND recoveries >= ?");
		List<Object> args = new ArrayList<>();
		args.add(Jdbc.time(now));
		args.add(minRecoveries);
		if (plans.isEmpty()) {
			if (known) {
				return List.of();
			}
		}
		else {
			sql.append(known ? " AND (" : " AND NOT (");
			appendPlans(sql, args, plans);
			sql.append(")");
		}
		sql.append(" ORDER BY lease_until, created_at, id FETCH FIRST ").append(limit).append(" ROWS ONLY");
		return this.jdbc.query(sql.toString(), (rs) -> new ExpiredRun(rs.getString(1), rs.getString(2), rs.getString(3),
				rs.getLong(4), rs.getInt(5), rs.getBoolean(6)), args.toArray());
	}

	/**
	 * Counts the running runs whose lease expired before an instant: runs no instance has
	 * recovered yet.
	 * @param before the instant
	 * @return how many
	 */
	public long countExpired(Instant before) {
		return this.jdbc
			.query("SELECT COUNT(*) FROM " + this.run + " WHERE " + RunTransition.CLAIM.when() + " AND lease_until < ?",
					(rs) -> rs.getLong(1), Jdbc.time(before))
			.get(0);
	}

	/**
	 * Claims runs of the given plans whose lease expired, oldest lease first, as many as
	 * the limit. On PostgreSQL in one statement that skips rows another transaction holds
	 * at the same moment ({@code FOR UPDATE SKIP LOCKED}: another instance claiming, a
	 * decision being committed), so that instances scanning together take different runs
	 * instead of queuing on the same ones; on H2 one conditional update per run. Runs at
	 * the recovery limit are left for {@link #failExpired}.
	 * @param plans the plans this instance can run: name to version
	 * @param maxRecoveries runs resumed this often are not claimed
	 * @param excluded runs not to claim (those this instance executes or holds queued)
	 * @param owner the claiming instance
	 * @param now the clock, read once the connection is obtained
	 * @param lease the length of the lease
	 * @param limit the maximum number of runs
	 * @return the runs claimed, and whether expired runs were skipped
	 */
	public Claims claimExpired(Map<String, String> plans, int maxRecoveries, Set<String> excluded, String owner,
			Supplier<Instant> now, Duration lease, int limit) {
		if (plans.isEmpty() || limit <= 0) {
			return new Claims(List.of(), false);
		}
		if (!isPostgres()) {
			return new Claims(claimOneByOne(plans, maxRecoveries, excluded, owner, now, lease, limit), false);
		}
		return this.jdbc.write((c) -> {
			Instant start = now.get();
			List<Object> filterArgs = new ArrayList<>(
					List.of(Jdbc.time(start), maxRecoveries, c.createArrayOf("varchar", excluded.toArray())));
			StringBuilder filter = new StringBuilder(" WHERE " + RunTransition.CLAIM.when())
				.append(" AND lease_until < ? AND recoveries < ? ")
				.append("AND NOT (id = ANY (?)) AND (");
			appendPlans(filter, filterArgs, plans);
			filter.append(")");
			String sql = "WITH expired AS (SELECT id, owner_id IS NOT NULL AS crashed, lease_until AS waited, "
					+ "created_at FROM " + this.run + filter + " ORDER BY lease_until, created_at, id FETCH FIRST "
					+ limit + " ROWS ONLY FOR UPDATE SKIP LOCKED) UPDATE " + this.run + " r SET owner_id = ?, "
					+ RunTransition.CLAIM.assignment() + "lease_until = ?, updated_at = ? "
					+ "FROM expired e WHERE r.id = e.id RETURNING r.id, r.name, r.plan_version, r.owner_epoch - 1, "
					+ "r.recoveries, e.crashed, e.waited, e.created_at";
			List<Object> args = new ArrayList<>(filterArgs);
			args.add(owner);
			args.add(Jdbc.time(start.plus(lease)));
			args.add(Jdbc.time(start));
			record Claimed(ExpiredRun run, Instant waited, Instant created) {
			}
			List<Claimed> claimed = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement(sql)) {
				Jdbc.bind(ps, args.toArray());
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						claimed.add(new Claimed(
								new ExpiredRun(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
										rs.getInt(5), rs.getBoolean(6)),
								rs.getObject(7, OffsetDateTime.class).toInstant(),
								rs.getObject(8, OffsetDateTime.class).toInstant()));
					}
				}
			}
			claimed.sort(Comparator.comparing(Claimed::waited)
				.thenComparing(Claimed::created)
				.thenComparing((one) -> one.run().id()));
			// with room left, an expired run still there was skipped: held by another
			// transaction (the runs just claimed are no longer expired)
			boolean skipped = false;
			if (claimed.size() < limit) {
				try (PreparedStatement ps = c
					.prepareStatement("SELECT 1 FROM " + this.run + filter + " FETCH FIRST 1 ROWS ONLY")) {
					Jdbc.bind(ps, filterArgs.toArray());
					try (ResultSet rs = ps.executeQuery()) {
						skipped = rs.next();
					}
				}
			}
			return new Claims(claimed.stream().map(Claimed::run).toList(), skipped);
		});
	}

	/**
	 * The runs a claim took.
	 *
	 * @param runs the runs claimed, in the order they waited, each with the epoch it had
	 * before the claim (this instance owns it under {@code epoch() + 1})
	 * @param skipped whether expired runs it could have taken were held by another
	 * transaction and skipped: a claim a moment later may take them
	 */
	public record Claims(List<ExpiredRun> runs, boolean skipped) {
	}

	private List<ExpiredRun> claimOneByOne(Map<String, String> plans, int maxRecoveries, Set<String> excluded,
			String owner, Supplier<Instant> now, Duration lease, int limit) {
		List<ExpiredRun> claimed = new ArrayList<>();
		for (ExpiredRun run : findExpired(now.get(), plans, true, 0, limit + excluded.size())) {
			if (claimed.size() < limit && run.recoveries() < maxRecoveries && !excluded.contains(run.id())
					&& claim(run, owner, now, lease) != null) {
				claimed.add(run);
			}
		}
		return claimed;
	}

	private static void appendPlans(StringBuilder sql, List<Object> args, Map<String, String> plans) {
		String separator = "";
		for (Map.Entry<String, String> plan : plans.entrySet()) {
			sql.append(separator).append("(name = ? AND plan_version = ?)");
			args.add(plan.getKey());
			args.add(plan.getValue());
			separator = " OR ";
		}
	}

	/**
	 * Claims a run whose lease expired: a conditional update that only one instance can
	 * win. A claim is not a recovery: a resumption is counted when it executes a step
	 * body ({@link #countRecovery}).
	 * @param expired the run as found
	 * @param owner the claiming instance
	 * @param now the clock, read once the connection is obtained
	 * @param lease the length of the lease
	 * @return when the new lease starts, if this instance now owns the run, under epoch
	 * {@code expired.epoch() + 1}; {@code null} if another instance claimed it
	 */
	public @Nullable Instant claim(ExpiredRun expired, String owner, Supplier<Instant> now, Duration lease) {
		return this.jdbc.write((c) -> {
			Instant start = now.get();
			return (Jdbc.update(c,
					"UPDATE " + this.run + " SET owner_id = ?, " + RunTransition.CLAIM.assignment()
							+ "lease_until = ?, updated_at = ? WHERE id = ? AND owner_epoch = ? AND "
							+ RunTransition.CLAIM.when() + " AND lease_until < ?",
					owner, Jdbc.time(start.plus(lease)), Jdbc.time(start), expired.id(), expired.epoch(),
					Jdbc.time(start)) == 1) ? start : null;
		});
	}

	/**
	 * Fails a run whose lease expired without resuming it (its executor kept stopping):
	 * not compensated, and a compensation it was running is marked partial.
	 * @param expired the run as found
	 * @param errorType the error type to record
	 * @param message the error message to record
	 * @param now the current time
	 * @return {@code true} if the run was failed by this call
	 */
	public boolean failExpired(ExpiredRun expired, String errorType, String message, Instant now) {
		return this.jdbc.update("UPDATE " + this.run + " SET " + RunTransition.FAIL_EXPIRED.assignment()
				+ "error_type = ?, error_message = ?, owner_id = NULL, lease_until = NULL, updated_at = ?, finished_at = ? "
				+ "WHERE id = ? AND owner_epoch = ? AND " + RunTransition.FAIL_EXPIRED.when() + " AND lease_until < ?",
				errorType, message, Jdbc.time(now), Jdbc.time(now), expired.id(), expired.epoch(), Jdbc.time(now)) == 1;
	}

	/**
	 * Cancels a run that has not finished, in one transaction that locks its row, so that
	 * a decision on its review and the cancellation never both take effect. A run with
	 * completed steps to compensate stays {@code RUNNING}, compensating, owned by the
	 * caller under a new epoch (which fences any execution of its plan), and ends
	 * {@code CANCELLED} once compensated; any other run ends {@code CANCELLED} at once.
	 * Either way its pending reviews are closed in the same transaction. A run that a
	 * reviewer approved since {@code approvedSince} and that has not journaled the step
	 * of that approval yet is not cancelled: it resumes to act on the approval.
	 * @param runId the run id
	 * @param now the current time
	 * @param compensatedTools the names of the tools that have compensations
	 * @param owner the instance that compensates the run, if it has steps to compensate
	 * @param leaseUntil the end of the compensating instance's lease
	 * @param approvedSince approvals older than this do not hold a cancellation back
	 * @param actor who cancels it, journaled as a CANCEL action
	 * @return what happened
	 */
	public Cancellation cancel(String runId, Instant now, Collection<String> compensatedTools, String owner,
			Instant leaseUntil, Instant approvedSince, String actor) {
		return this.jdbc.inTransaction((c) -> {
			RunRow run = null;
			long epoch = 0;
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT " + RUN_COLUMNS + ", owner_epoch FROM " + this.run + " WHERE id = ? FOR UPDATE")) {
				ps.setString(1, runId);
				try (ResultSet rs = ps.executeQuery()) {
					if (rs.next()) {
						run = runView(rs);
						epoch = rs.getLong("owner_epoch");
					}
				}
			}
			if (run == null) {
				return new Cancellation(Cancellation.Result.NOT_FOUND, null, 0, null);
			}
			if (!RunTransition.CANCEL.allows(run.status())) {
				return new Cancellation(Cancellation.Result.FINISHED, run.status(), 0, null);
			}
			if (run.compensation() != null) {
				return new Cancellation(Cancellation.Result.COMPENSATING, run.status(), 0, null);
			}
			String approval = unactedApproval(c, runId, approvedSince);
			if (approval != null) {
				return new Cancellation(Cancellation.Result.APPROVED, run.status(), 0, approval);
			}
			Cancellation.Result result;
			if (hasStepsToUndo(c, runId, compensatedTools)) {
				Jdbc.update(c,
						"UPDATE " + this.run + " SET " + RunTransition.CANCEL_COMPENSATING.assignment()
								+ "owner_id = ?, lease_until = ?, updated_at = ? WHERE id = ? AND "
								+ RunTransition.CANCEL_COMPENSATING.when(),
						owner, Jdbc.time(leaseUntil), Jdbc.time(now), runId);
				result = Cancellation.Result.COMPENSATING_NOW;
			}
			else {
				Jdbc.update(c, "UPDATE " + this.run + " SET " + RunTransition.CANCEL.assignment()
						+ "owner_id = NULL, lease_until = NULL, updated_at = ?, finished_at = ? WHERE id = ? AND "
						+ RunTransition.CANCEL.when(), Jdbc.time(now), Jdbc.time(now), runId);
				result = Cancellation.Result.CANCELLED;
			}
			JdbcReviewStore.closePending(c, this.review, runId, "the run was cancelled", now);
			journalAction(c, runId, "CANCEL", actor, now, "cancelled while " + run.status()
					+ ((result == Cancellation.Result.COMPENSATING_NOW) ? "; compensating its steps" : ""));
			return new Cancellation(result, run.status(), epoch + 1, null);
		});
	}

	/**
	 * Erases a finished run with every row that belongs to it, in one transaction that
	 * locks the run's row: its review decisions, reviews, steps, the idempotency keys it
	 * claimed, and the run. A child run whose parent has not ended is kept: the parent's
	 * replay would take it for one it never started.
	 * @param runId the run id
	 * @return what was found and how many rows were deleted
	 */
	public Purge purge(String runId) {
		return this.jdbc.inTransaction((c) -> {
			RunStatus status;
			try (PreparedStatement ps = c
				.prepareStatement("SELECT status FROM " + this.run + " WHERE id = ? FOR UPDATE")) {
				ps.setString(1, runId);
				try (ResultSet rs = ps.executeQuery()) {
					status = rs.next() ? RunStatus.valueOf(rs.getString(1)) : null;
				}
			}
			if (!RunTransition.PURGE.allows(status)) {
				return new Purge(status, 0, null);
			}
			Object[] parent = first(c, "SELECT 0, p.id FROM " + this.run + " c JOIN " + this.run
					+ " p ON p.id = c.parent_id WHERE c.id = ? AND NOT p." + RunTransition.PURGE.when(), runId);
			if (parent != null) {
				return new Purge(status, 0, (String) parent[1]);
			}
			int keys = Jdbc.update(c, "DELETE FROM " + this.idempotency + " WHERE owner_id = ?", runId);
			return new Purge(status, keys + deleteFinished(c, List.of(runId)).rows(), null);
		});
	}

	/**
	 * Prunes finished runs of a status that finished before a time, oldest first, at most
	 * a batch, each with its steps, reviews and their decisions, in one transaction that
	 * locks the runs' rows (on PostgreSQL skipping rows another transaction holds, so
	 * that instances pruning at once take different runs and never wait for each other).
	 * Idempotency keys are kept: they have a retention of their own.
	 * @param status the status, one a run ends with
	 * @param finishedBefore runs that finished before this time are pruned
	 * @param limit the most runs pruned at once
	 * @return the runs pruned and the rows deleted, in every table
	 */
	public Pruned prune(RunStatus status, Instant finishedBefore, int limit) {
		if (!RunTransition.PURGE.allows(status)) {
			throw new IllegalArgumentException("Only finished runs are pruned, not " + status);
		}
		return this.jdbc.inTransaction((c) -> {
			List<String> ids = new ArrayList<>();
			// a child whose parent has not ended is kept with it
			try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + this.run + " WHERE status = ? AND "
					+ "finished_at < ? AND (parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM " + this.run
					+ " p WHERE p.id = " + this.run + ".parent_id AND NOT p." + RunTransition.PURGE.when()
					+ ")) ORDER BY finished_at, id FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE"
					+ (isPostgres(c) ? " SKIP LOCKED" : ""))) {
				Jdbc.bind(ps, status.name(), Jdbc.time(finishedBefore));
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						ids.add(rs.getString(1));
					}
				}
			}
			if (ids.isEmpty()) {
				return new Pruned(0, 0);
			}
			return deleteFinished(c, ids);
		});
	}

	/**
	 * Deletes finished runs whose rows the caller's transaction locked, with their review
	 * decisions, reviews and steps (the {@code PURGE} transition).
	 * @return the runs deleted, and the rows deleted with the runs
	 */
	private Pruned deleteFinished(Connection c, List<String> ids) throws SQLException {
		String in = " IN (" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
		Object[] args = ids.toArray();
		int rows = Jdbc.update(c, "DELETE FROM " + this.decision + " WHERE run_id" + in, args);
		rows += Jdbc.update(c, "DELETE FROM " + this.review + " WHERE run_id" + in, args);
		rows += Jdbc.update(c, "DELETE FROM " + this.step + " WHERE run_id" + in, args);
		rows += Jdbc.update(c, "DELETE FROM " + this.history + " WHERE run_id" + in, args);
		rows += Jdbc.update(c, "DELETE FROM " + this.action + " WHERE run_id" + in, args);
		rows += Jdbc.update(c, "DELETE FROM " + this.message + " WHERE run_id" + in, args);
		int runs = Jdbc.update(c, "DELETE FROM " + this.run + " WHERE id" + in + " AND " + RunTransition.PURGE.when(),
				args);
		return new Pruned(runs, rows + runs);
	}

	/**
	 * What a pruning batch deleted.
	 *
	 * @param runs the runs pruned
	 * @param rows the rows deleted, runs included
	 */
	public record Pruned(int runs, int rows) {
	}

	/**
	 * Deletes the versions of classpath prompts that no step references and that a newer
	 * version of the same prompt replaced; the newest version of each prompt is kept, so
	 * that a prompt whose text changed without a new version is still noticed.
	 * @return the prompt versions deleted
	 */
	public int prunePrompts() {
		return this.jdbc.update("DELETE FROM " + this.prompt + " p WHERE NOT EXISTS (SELECT 1 FROM " + this.step
				+ " s WHERE s.prompt_name = p.name AND s.prompt_version = p.version) AND EXISTS (SELECT 1 FROM "
				+ this.prompt + " n WHERE n.name = p.name AND n.created_at > p.created_at)");
	}

	/**
	 * What a purge found and did.
	 *
	 * @param status the run's status, {@code null} if there was no such run
	 * @param rows the rows deleted, in every table; {@code 0} if the run was not finished
	 * @param activeParent the parent that has not ended of a child run that was kept
	 */
	public record Purge(@Nullable RunStatus status, int rows, @Nullable String activeParent) {

		/**
		 * Whether the run was erased.
		 * @return whether rows were deleted
		 */
		public boolean purged() {
			return this.rows > 0;
		}

	}

	/**
	 * Describes the latest approval of a run that the run has not acted on yet: no step
	 * recorded at the review's position, or, for a checkpoint or budget review whose
	 * verdict is journaled there before the approved call, after it.
	 */
	private @Nullable String unactedApproval(Connection c, String runId, Instant since) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT r.id, r.reviewer, r.decided_at FROM " + this.review
				+ " r WHERE r.run_id = ? AND r.status = 'APPROVED' AND r.decided_at > ? AND NOT EXISTS (SELECT 1 FROM "
				+ this.step + " s WHERE s.run_id = r.run_id AND s.seq >= r.seq + CASE WHEN r.kind IN "
				+ "('CHECKPOINT', 'BUDGET') THEN 1 ELSE 0 END) ORDER BY r.decided_at DESC")) {
			Jdbc.bind(ps, runId, Jdbc.time(since));
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? "review " + rs.getString(1) + " was approved"
						+ ((rs.getString(2) != null) ? " by " + rs.getString(2) : "") + " at "
						+ Jdbc.instant(rs, "decided_at") : null;
			}
		}
	}

	private boolean hasStepsToUndo(Connection c, String runId, Collection<String> compensatedTools)
			throws SQLException {
		if (compensatedTools.isEmpty()) {
			return false;
		}
		try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + this.step + " WHERE run_id = ? "
				+ "AND kind = 'TOOL' AND succeeded = TRUE AND attempts > 0 AND fell_back = FALSE AND name IN ("
				+ String.join(", ", Collections.nCopies(compensatedTools.size(), "?")) + ")")) {
			List<Object> args = new ArrayList<>();
			args.add(runId);
			args.addAll(compensatedTools);
			Jdbc.bind(ps, args.toArray());
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next();
			}
		}
	}

	/**
	 * Starts compensating a run that failed: it stays {@code RUNNING} with its error
	 * recorded, and ends {@code FAILED} once compensated.
	 * @param runId the run id
	 * @param epoch the ownership epoch of the caller
	 * @param errorType the class name of the error
	 * @param errorMessage the error message
	 * @param now the current time
	 * @return {@code true} if the run is now compensating
	 */
	public boolean startCompensation(String runId, long epoch, String errorType, @Nullable String errorMessage,
			Instant now) {
		return this.jdbc.update(
				"UPDATE " + this.run + " SET " + RunTransition.START_COMPENSATION.assignment()
						+ "error_type = ?, error_message = ?, updated_at = ? WHERE id = ? AND owner_epoch = ? AND "
						+ RunTransition.START_COMPENSATION.when(),
				errorType, errorMessage, Jdbc.time(now), runId, epoch) == 1;
	}

	/**
	 * Ends the compensation of a run, giving it the status it was compensated for.
	 * @param runId the run id
	 * @param epoch the ownership epoch of the caller
	 * @param outcome how the compensation ended
	 * @param stepCount the number of steps
	 * @param now the current time
	 * @return the status the run ended with, or empty if the caller lost the run
	 */
	public Optional<RunStatus> finishCompensation(String runId, long epoch, CompensationStatus outcome, int stepCount,
			Instant now) {
		// one transaction: the status written is read back under the row lock of the
		// update, so no other transition can come between
		return Optional.ofNullable(this.jdbc.transaction((c) -> {
			if (Jdbc.update(c,
					"UPDATE " + this.run + " SET " + RunTransition.END_COMPENSATION.assignment()
							+ "compensation = ?, step_count = ?, owner_id = NULL, lease_until = NULL, updated_at = ?, "
							+ "finished_at = ? WHERE id = ? AND owner_epoch = ? AND "
							+ RunTransition.END_COMPENSATION.when() + " AND compensation_ending IS NOT NULL",
					outcome.name(), stepCount, Jdbc.time(now), Jdbc.time(now), runId, epoch) != 1) {
				return null;
			}
			try (PreparedStatement ps = c.prepareStatement("SELECT status FROM " + this.run + " WHERE id = ?")) {
				ps.setString(1, runId);
				try (ResultSet rs = ps.executeQuery()) {
					return rs.next() ? RunStatus.valueOf(rs.getString(1)) : null;
				}
			}
		}));
	}

	/**
	 * Finds a run by id.
	 * @param runId the run id
	 * @return the run
	 */
	public Optional<RunRow> findRun(String runId) {
		return this.jdbc.query("SELECT " + RUN_COLUMNS + " FROM " + this.run + " WHERE id = ?", this::runView, runId)
			.stream()
			.findFirst();
	}

	/**
	 * Finds the greatest idempotency key with a prefix among the runs of a name, such as
	 * the newest tick of a schedule.
	 * @param name the run name
	 * @param prefix the prefix, without {@code %} or {@code _}
	 * @return the key, or {@code null} when no run has one
	 */
	public @Nullable String newestIdempotencyKey(String name, String prefix) {
		List<@Nullable String> newest = this.jdbc.query(
				"SELECT MAX(idempotency_key) FROM " + this.run + " WHERE name = ? AND idempotency_key LIKE ?",
				(rs) -> rs.getString(1), name, prefix + "%");
		return newest.isEmpty() ? null : newest.get(0);
	}

	/**
	 * Finds a run by its name and idempotency key.
	 * @param name the run name
	 * @param idempotencyKey the idempotency key
	 * @return the run
	 */
	public Optional<RunRow> findByIdempotencyKey(String name, String idempotencyKey) {
		return this.jdbc
			.query("SELECT " + RUN_COLUMNS + " FROM " + this.run + " WHERE name = ? AND idempotency_key = ?",
					this::runView, name, idempotencyKey)
			.stream()
			.findFirst();
	}

	/**
	 * Reads the journal of a run in order.
	 * @param runId the run id
	 * @return the steps
	 */
	public List<StepRow> steps(String runId) {
		return this.jdbc.query("SELECT " + STEP_COLUMNS + " FROM " + this.step + " WHERE run_id = ? ORDER BY seq",
				this::stepView, runId);
	}

	/**
	 * Reads a run's steps from a position on, in order, at most a page.
	 * @param runId the run id
	 * @param fromSeq the first position
	 * @param limit the most steps
	 * @return the steps
	 */
	public List<StepRow> steps(String runId, int fromSeq, int limit) {
		return this.jdbc.query("SELECT " + STEP_COLUMNS + " FROM " + this.step + " WHERE run_id = ? AND seq >= ? "
				+ "ORDER BY seq FETCH FIRST " + limit + " ROWS ONLY", this::stepView, runId, fromSeq);
	}

	/**
	 * Counts a run's steps.
	 * @param runId the run id
	 * @return the number of steps journaled
	 */
	public int stepCount(String runId) {
		return this.jdbc.query("SELECT COUNT(*) FROM " + this.step + " WHERE run_id = ?", (rs) -> rs.getInt(1), runId)
			.get(0);
	}

	/**
	 * Lists runs, newest first.
	 * @param status the status to match, or {@code null} for all
	 * @param name the run name to match, or {@code null} for all
	 * @param businessKey the business key to match, or {@code null} for all
	 * @param page the page, from 0
	 * @param size the page size
	 * @return the page
	 */
	public RunPage list(@Nullable RunStatus status, @Nullable String name, @Nullable String businessKey, int page,
			int size) {
		StringBuilder where = new StringBuilder(" WHERE 1 = 1");
		List<Object> args = new ArrayList<>();
		if (status != null) {
			where.append(" AND status = ?");
			args.add(status.name());
		}
		if (name != null) {
			where.append(" AND name = ?");
			args.add(name);
		}
		if (businessKey != null) {
			where.append(" AND business_key = ?");
			args.add(businessKey);
		}
		long total = this.jdbc.query("SELECT COUNT(*) FROM " + this.run + where, (rs) -> rs.getLong(1), args.toArray())
			.get(0);
		List<RunRow> runs = this.jdbc.query(
				"SELECT " + RUN_COLUMNS + " FROM " + this.run + where + " ORDER BY created_at DESC, id DESC OFFSET "
						+ ((long) page * size) + " ROWS FETCH NEXT " + size + " ROWS ONLY",
				this::runView, args.toArray());
		return new RunPage(runs, total);
	}

	/**
	 * Sums the model calls recorded in a time range (by the time each call started),
	 * grouped, most expensive group first.
	 * @param by the grouping
	 * @param from the start of the range, inclusive
	 * @param to the end of the range, exclusive
	 * @param page the page of groups, from 0
	 * @param size the groups per page
	 * @return the page and the range's total
	 */
	public Spend spend(Spend.By by, Instant from, Instant to, int page, int size) {
		String calls = " FROM " + this.step + " s JOIN " + this.run + " r ON r.id = s.run_id WHERE s.kind = 'LLM'"
				+ " AND s.started_at >= ? AND s.started_at < ?";
		String sums = "COUNT(DISTINCT s.run_id) AS runs, COUNT(*) AS calls, COALESCE(SUM(s.input_tokens), 0) AS input, "
				+ "COALESCE(SUM(s.output_tokens), 0) AS output, COALESCE(SUM(s.cost), 0) AS cost, "
				+ "SUM(CASE WHEN s.cost IS NULL THEN 1 ELSE 0 END) AS unpriced";
		Object[] range = { Jdbc.time(from), Jdbc.time(to) };
		Spend.Group total = this.jdbc.query("SELECT NULL AS spend_key, " + sums + calls, this::spendGroup, range)
			.get(0);
		long groups = this.jdbc
			.query("SELECT COUNT(*) FROM (SELECT " + by.expression() + " AS spend_key" + calls + " GROUP BY "
					+ by.expression() + ") g", (rs) -> rs.getLong(1), range)
			.get(0);
		List<Spend.Group> rows = this.jdbc.query("SELECT " + by.expression() + " AS spend_key, " + sums + calls
				+ " GROUP BY " + by.expression() + " ORDER BY cost DESC, calls DESC, spend_key OFFSET "
				+ ((long) page * size) + " ROWS FETCH NEXT " + size + " ROWS ONLY", this::spendGroup, range);
		return new Spend(rows, total, groups);
	}

	private Spend.Group spendGroup(ResultSet rs) throws SQLException {
		Object key = rs.getObject("spend_key");
		BigDecimal cost = rs.getBigDecimal("cost");
		return new Spend.Group((key != null) ? key.toString() : null, rs.getLong("runs"), rs.getLong("calls"),
				rs.getLong("input"), rs.getLong("output"), (cost != null) ? cost.stripTrailingZeros() : BigDecimal.ZERO,
				rs.getLong("unpriced"));
	}

	private RunRow runView(ResultSet rs) throws SQLException {
		return new RunRow(rs.getString("id"), rs.getString("name"), rs.getString("plan_version"),
				RunStatus.valueOf(rs.getString("status")), rs.getString("business_key"),
				rs.getString("idempotency_key"), this.cipher.open(rs.getString("arguments")),
				this.cipher.open(rs.getString("result")), rs.getString("error_type"), rs.getString("error_message"),
				rs.getString("owner_id"), Jdbc.instant(rs, "lease_until"), rs.getInt("recoveries"),
				rs.getInt("step_count"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"),
				Jdbc.instant(rs, "finished_at"),
				(rs.getString("compensation") != null) ? CompensationStatus.valueOf(rs.getString("compensation"))
						: null,
				rs.getString("started_by"), Jdbc.instant(rs, "wake_at"), rs.getString("wait_topic"),
				rs.getString("parent_id"));
	}

	private StepRow stepView(ResultSet rs) throws SQLException {
		return new StepRow(rs.getInt("seq"), StepKind.valueOf(rs.getString("kind")), rs.getString("name"),
				rs.getBoolean("succeeded"), rs.getInt("attempts"), Jdbc.instant(rs, "started_at"),
				Duration.ofNanos(rs.getLong("duration_micros") * 1000), this.cipher.open(rs.getString("input")),
				this.cipher.open(rs.getString("output")), rs.getString("error_type"), rs.getString("error_message"),
				rs.getString("idempotency_key"), rs.getBoolean("fell_back"),
				this.cipher.open(rs.getString("attempt_errors")), usage(rs));
	}

	private static @Nullable ModelUsage usage(ResultSet rs) throws SQLException {
		String kind = rs.getString("kind");
		boolean child = StepKind.CHILD.name().equals(kind);
		if (!StepKind.LLM.name().equals(kind) && !child || child && rs.getObject("input_tokens") == null) {
			// a child's start, or a wait that counted nothing, has no usage
			return null;
		}
		return new ModelUsage(rs.getString("model"), rs.getString("prompt_name"), rs.getString("prompt_version"),
				rs.getString("prompt_hash"), rs.getLong("input_tokens"), rs.getLong("output_tokens"),
				rs.getLong("cached_tokens"), rs.getLong("reasoning_tokens"), rs.getBigDecimal("cost"));
	}

	/**
	 * Sums what runs spent, from their journals: model and tool calls, tokens and cost.
	 * @param runIds the run ids
	 * @return the totals by run id (runs without steps have zero totals)
	 */
	public Map<String, RunTotals> totals(Collection<String> runIds) {
		if (runIds.isEmpty()) {
			return Map.of();
		}
		String in = String.join(", ", Collections.nCopies(runIds.size(), "?"));
		Map<String, RunTotals> totals = new LinkedHashMap<>();
		this.jdbc.query("SELECT r.id, r.degraded, " + "SUM(CASE WHEN s.kind = 'LLM' THEN 1 ELSE 0 END) AS model_calls, "
				+ "SUM(CASE WHEN s.kind = 'TOOL' THEN 1 ELSE 0 END) AS tool_calls, "
				+ "SUM(s.input_tokens) AS input_tokens, SUM(s.output_tokens) AS output_tokens, "
				+ "SUM(s.cached_tokens) AS cached_tokens, SUM(s.cost) AS cost, "
				+ "SUM(CASE WHEN s.kind IN ('LLM', 'CHILD') AND s.cost IS NULL AND COALESCE(s.input_tokens, 0) "
				+ "+ COALESCE(s.output_tokens, 0) > 0 THEN 1 ELSE 0 END) " + "AS unpriced_calls FROM " + this.run
				+ " r LEFT JOIN " + this.step + " s ON s.run_id = r.id WHERE r.id IN (" + in
				+ ") GROUP BY r.id, r.degraded", (rs) -> {
					BigDecimal cost = rs.getBigDecimal("cost");
					int unpriced = rs.getInt("unpriced_calls");
					totals.put(rs.getString("id"),
							new RunTotals(rs.getInt("model_calls"), rs.getInt("tool_calls"), rs.getLong("input_tokens"),
									rs.getLong("output_tokens"), rs.getLong("cached_tokens"),
									(unpriced > 0) ? null
											: (cost != null) ? cost.stripTrailingZeros() : BigDecimal.ZERO,
									unpriced, rs.getBoolean("degraded")));
					return null;
				}, runIds.toArray());
		return totals;
	}

	/**
	 * Flags a run as degraded: its budget switched it to a cheaper model.
	 * @param runId the run id
	 * @param epoch the ownership epoch of the caller
	 * @return whether the run was flagged ({@code false}: the caller lost the run)
	 */
	public boolean markDegraded(String runId, long epoch) {
		return this.jdbc.update("UPDATE " + this.run + " SET degraded = ? WHERE id = ? AND owner_epoch = ?", true,
				runId, epoch) == 1;
	}

	/**
	 * Count of the runs currently recorded in a status, for tests and metrics.
	 * @param statuses the statuses
	 * @return the number of runs
	 */
	public long count(Collection<RunStatus> statuses) {
		StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM " + this.run + " WHERE status IN (");
		sql.append(String.join(", ", statuses.stream().map((s) -> "'" + s.name() + "'").toList())).append(")");
		return this.jdbc.query(sql.toString(), (rs) -> rs.getLong(1)).get(0);
	}

}
