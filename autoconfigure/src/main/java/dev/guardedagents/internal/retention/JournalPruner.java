package dev.guardedagents.internal.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.guardedagents.RunStatus;
import dev.guardedagents.internal.store.JdbcIdempotencyStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.schedule.Periodic;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Prunes the journal as {@code guarded-agents.retention.*} says: finished runs, by
 * status, once their retention has passed (each with its steps, reviews and decisions),
 * then the versions of classpath prompts no step references any longer (the newest of
 * each prompt kept), and completed idempotency keys once their retention has passed.
 * Works in bounded batches, each its own transaction; instances pruning at once take
 * different rows (PostgreSQL) and never fail each other. Running and waiting runs are
 * never touched. Without any retention configured it does nothing. Internal: not API.
 */
public final class JournalPruner implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(JournalPruner.class);

	private final JdbcRunStore runs;

	private final JdbcIdempotencyStore keys;

	private final Map<RunStatus, Duration> retention;

	private final @Nullable Duration keyRetention;

	private final Duration interval;

	private final int batchSize;

	private final Clock clock;

	private final AtomicLong runsPruned = new AtomicLong();

	private final AtomicLong rowsPruned = new AtomicLong();

	private final AtomicLong keysPruned = new AtomicLong();

	private final AtomicLong promptsPruned = new AtomicLong();

	private final Periodic periodic;

	/**
	 * Creates a new pruner.
	 * @param runs the run journal
	 * @param keys the idempotency keys
	 * @param retention how long finished runs are kept, by status; a status not named is
	 * kept for good
	 * @param keyRetention how long completed idempotency keys are kept, or {@code null}
	 * for good
	 * @param interval how often to prune
	 * @param batchSize the most runs (or keys) pruned in one transaction
	 * @param clock the clock
	 */
	public JournalPruner(JdbcRunStore runs, JdbcIdempotencyStore keys, Map<RunStatus, Duration> retention,
			@Nullable Duration keyRetention, Duration interval, int batchSize, Clock clock) {
		this.runs = runs;
		this.keys = keys;
		this.retention = Map.copyOf(retention);
		this.keyRetention = keyRetention;
		this.interval = interval;
		this.periodic = new Periodic("guarded-pruner-", interval, this::pruneSafely);
		this.batchSize = batchSize;
		this.clock = clock;
	}

	/**
	 * Prunes everything past its retention now, batch after batch.
	 * @return the rows deleted, in every table
	 */
	public long prune() {
		Instant now = this.clock.instant();
		long rows = 0;
		for (Map.Entry<RunStatus, Duration> kept : this.retention.entrySet()) {
			JdbcRunStore.Pruned batch;
			do {
				batch = this.runs.prune(kept.getKey(), now.minus(kept.getValue()), this.batchSize);
				this.runsPruned.addAndGet(batch.runs());
				this.rowsPruned.addAndGet(batch.rows());
				rows += batch.rows();
			}
			while (batch.runs() == this.batchSize && !Thread.currentThread().isInterrupted());
		}
		if (!this.retention.isEmpty()) {
			int prompts = this.runs.prunePrompts();
			this.promptsPruned.addAndGet(prompts);
			this.rowsPruned.addAndGet(prompts);
			rows += prompts;
		}
		if (this.keyRetention != null) {
			int batch;
			do {
				batch = this.keys.prune(now.minus(this.keyRetention), this.batchSize);
				this.keysPruned.addAndGet(batch);
				this.rowsPruned.addAndGet(batch);
				rows += batch;
			}
			while (batch == this.batchSize && !Thread.currentThread().isInterrupted());
		}
		return rows;
	}

	private void pruneSafely() {
		try {
			long rows = prune();
			if (rows > 0) {
				logger.info("Pruned " + rows + " rows of the journal past their retention");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not prune the journal (tried again in " + this.interval + "): " + ex.getMessage());
		}
	}

	/**
	 * Returns how many runs were pruned since start-up.
	 * @return the runs
	 */
	public long runsPruned() {
		return this.runsPruned.get();
	}

	/**
	 * Returns how many rows were deleted since start-up, in every table.
	 * @return the rows
	 */
	public long rowsPruned() {
		return this.rowsPruned.get();
	}

	/**
	 * Returns how many versions of classpath prompts were pruned since start-up.
	 * @return the prompt versions
	 */
	public long promptsPruned() {
		return this.promptsPruned.get();
	}

	/**
	 * Returns how many idempotency keys were pruned since start-up.
	 * @return the keys
	 */
	public long keysPruned() {
		return this.keysPruned.get();
	}

	@Override
	public void start() {
		if (this.retention.isEmpty() && this.keyRetention == null) {
			return;
		}
		this.periodic.start();
	}

	@Override
	public void stop() {
		this.periodic.stop();
	}

	@Override
	public boolean isRunning() {
		return this.periodic.isRunning();
	}

}
