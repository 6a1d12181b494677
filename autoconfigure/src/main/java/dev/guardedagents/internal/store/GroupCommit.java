package dev.guardedagents.internal.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Group commit of step records: a writer that finds no batch being written becomes the
 * leader and writes its own record at once, so a lone run pays one commit as before;
 * records that arrive while a batch is being written wait, and the first of them leads
 * the next batch, which holds all of them, in one transaction. With a window, a leader
 * first waits (at most the window) for as many records as the previous batch held. Each
 * caller learns its own outcome only after the commit; waiting callers are woken one by
 * one, not all at once. A batch that fails as a whole hands every record back to its
 * caller, who writes it alone, so one bad record never fails another run's step.
 */
final class GroupCommit {

	private static final int MAX_BATCH = 64;

	private final long windowNanos;

	private final Writer writer;

	private final Object lock = new Object();

	private List<Row> waiting = new ArrayList<>();

	private boolean writing;

	/**
	 * How many records the last batch held: the leader waits for as many.
	 */
	private int expected = 1;

	private @Nullable Thread leader;

	GroupCommit(Duration window, Writer writer) {
		this.windowNanos = window.toNanos();
		this.writer = writer;
	}

	/**
	 * Writes one record in the next batch.
	 * @param row the record
	 * @return its outcome; {@link Outcome#ALONE} when the caller must write it on its own
	 */
	Outcome write(Row row) {
		boolean interrupted = false;
		boolean lead;
		synchronized (this.lock) {
			this.waiting.add(row);
			lead = !this.writing;
			if (lead) {
				this.writing = true;
			}
			else if (this.leader != null && this.waiting.size() >= this.expected) {
				LockSupport.unpark(this.leader);
			}
		}
		while (!lead) {
			// woken with an outcome, or to lead the next batch
			LockSupport.park(this);
			interrupted |= Thread.interrupted();
			synchronized (this.lock) {
				if (row.outcome != null) {
					return finish(row, interrupted);
				}
				lead = row.lead;
			}
		}
		interrupted |= awaitFollowers();
		List<Row> batch;
		synchronized (this.lock) {
			batch = take(row);
		}
		List<Outcome> outcomes = null;
		RuntimeException failure = null;
		try {
			outcomes = this.writer.write(batch);
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		finally {
			synchronized (this.lock) {
				for (int i = 0; i < batch.size(); i++) {
					Row written = batch.get(i);
					if (outcomes != null) {
						written.outcome = outcomes.get(i);
					}
					else if (batch.size() == 1 && failure != null) {
						// a lone record failed as a single write would have: the caller
						// sees that failure rather than trying again
						written.failure = failure;
						written.outcome = Outcome.FAILED;
					}
					else {
						written.outcome = Outcome.ALONE;
					}
					if (written != row) {
						LockSupport.unpark(written.thread);
					}
				}
				this.expected = batch.size();
				if (this.waiting.isEmpty()) {
					this.writing = false;
				}
				else {
					Row next = this.waiting.get(0);
					next.lead = true;
					LockSupport.unpark(next.thread);
				}
			}
		}
		return finish(row, interrupted);
	}

	/**
	 * The runs of the last batch are likely to send their next records soon: the leader
	 * waits for as many records as that batch held, at most the window. A lone run's
	 * batches hold one record, so it never waits.
	 * @return whether the wait was interrupted
	 */
	private boolean awaitFollowers() {
		if (this.windowNanos == 0) {
			return false;
		}
		boolean interrupted = false;
		long deadline = System.nanoTime() + this.windowNanos;
		while (true) {
			synchronized (this.lock) {
				if (this.waiting.size() >= this.expected) {
					this.leader = null;
					return interrupted;
				}
				this.leader = Thread.currentThread();
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				synchronized (this.lock) {
					this.leader = null;
				}
				return interrupted;
			}
			LockSupport.parkNanos(this, left);
			interrupted |= Thread.interrupted();
		}
	}

	/**
	 * The leader's own record first, then the oldest waiting ones up to the batch size.
	 */
	private List<Row> take(Row leader) {
		this.waiting.remove(leader);
		List<Row> batch = new ArrayList<>(Math.min(this.waiting.size() + 1, MAX_BATCH));
		batch.add(leader);
		int taken = Math.min(this.waiting.size(), MAX_BATCH - 1);
		batch.addAll(this.waiting.subList(0, taken));
		this.waiting = new ArrayList<>(this.waiting.subList(taken, this.waiting.size()));
		return batch;
	}

	private static Outcome finish(Row row, boolean interrupted) {
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		// every record of a batch has its outcome once the batch is done
		return Objects.requireNonNull(row.outcome);
	}

	/**
	 * What became of a record.
	 */
	enum Outcome {

		/**
		 * Committed.
		 */
		RECORDED,

		/**
		 * Not written: the writer no longer owns the run, or it is not running.
		 */
		FENCED,

		/**
		 * Not written: another execution recorded this position.
		 */
		DUPLICATE,

		/**
		 * The batch failed as a whole: the caller writes the record on its own.
		 */
		ALONE,

		/**
		 * Written alone, and the write failed with {@link Row#failure}.
		 */
		FAILED

	}

	/**
	 * A step record waiting for its batch.
	 */
	static final class Row {

		final String runId;

		final long epoch;

		final NewStep step;

		@Nullable Outcome outcome;

		@Nullable RuntimeException failure;

		final Thread thread = Thread.currentThread();

		boolean lead;

		Row(String runId, long epoch, NewStep step) {
			this.runId = runId;
			this.epoch = epoch;
			this.step = step;
		}

	}

	/**
	 * Writes a batch in one transaction and answers each row's outcome, in order, once
	 * committed; throws when the batch failed as a whole.
	 */
	@FunctionalInterface
	interface Writer {

		List<Outcome> write(List<Row> batch);

	}

}
