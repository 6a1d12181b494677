package dev.guardedagents.internal.run;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.guardedagents.PayloadTooLargeException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.internal.store.RunRow;
import dev.guardedagents.internal.store.DuplicateStepException;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.NewStep;
import dev.guardedagents.internal.store.StepRow;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;

/**
 * A run's journal as its steps see it: records steps fenced by the execution's epoch,
 * confirms ownership before a body starts, tells why a fenced write was refused, and
 * releases the runs this instance gave up. It also knows whether this instance is
 * stopping, when failures are not recorded because they may be interruptions of the
 * shutdown itself.
 */
final class RunJournal {

	private static final Log logger = LogFactory.getLog(RunJournal.class);

	private final JdbcRunStore store;

	private final JournalRetry retry;

	private final RunSettings settings;

	private final Clock clock;

	private final Map<String, Long> abandoned = new ConcurrentHashMap<>();

	private volatile boolean stopping;

	private volatile boolean handedOver;

	RunJournal(JdbcRunStore store, RunSettings settings, Clock clock) {
		this.store = store;
		this.retry = new JournalRetry(settings.outageTolerance());
		this.settings = settings;
		this.clock = clock;
	}

	Instant now() {
		return this.clock.instant();
	}

	/**
	 * Runs a journal write, retrying it through a database outage.
	 * @see JournalRetry#write
	 */
	<T> T write(String runId, Supplier<T> write) {
		return this.retry.write(runId, write);
	}

	/**
	 * Runs a journal read or write of an executing run through an outage; past the outage
	 * tolerance the run stops without an outcome, to be resumed later.
	 * @throws RunSignal if the journal stays unreachable
	 */
	<T> T writeFor(Execution execution, Supplier<T> write) {
		try {
			return this.retry.write(execution.runId(), write);
		}
		catch (DataAccessException ex) {
			throw RunSignal.journalFailed(execution.runId(), ex);
		}
	}

	/**
	 * Lets an executing run wait in the database without an owner
	 * ({@link JdbcRunStore#sleep}) until a time, a message on a topic or the end of the
	 * run a topic names, through an outage as {@link #writeFor} does.
	 * @throws RunSignal if the execution no longer owns the run, or the journal stays
	 * unreachable
	 */
	void park(Execution execution, @Nullable Instant wakeAt, @Nullable String topic) {
		if (!writeFor(execution, () -> this.store.sleep(execution.runId(), execution.epoch(), wakeAt, topic, now()))) {
			throw signal(execution);
		}
	}

	/**
	 * Whether this instance is stopping: failures seen from then on may be interruptions
	 * of the shutdown itself and are not recorded; the runs are resumed elsewhere.
	 */
	boolean isStopping() {
		return this.stopping;
	}

	void stopping() {
		this.stopping = true;
	}

	/**
	 * Notes that the instance stopped past its grace period: the leases are released, and
	 * no body starts any more.
	 */
	void handedOver() {
		this.handedOver = true;
	}

	void reopened() {
		this.stopping = false;
		this.handedOver = false;
	}

	/**
	 * Records a step, fenced by the execution's epoch, on a connection of its own.
	 */
	void record(Execution execution, NewStep step) {
		record(execution, step, false);
	}

	/**
	 * Records a step in the transaction of its body, so that a rejected write rolls the
	 * body's writes back with it.
	 */
	void recordInTransaction(Execution execution, NewStep step) {
		record(execution, step, true);
	}

	private void record(Execution execution, NewStep step, boolean inTransaction) {
		boolean recorded;
		try {
			recorded = inTransaction ? this.store.insertStepInTransaction(execution.runId(), execution.epoch(), step)
					: this.retry.write(execution.runId(),
							() -> this.store.insertStep(execution.runId(), execution.epoch(), step));
		}
		catch (DuplicateStepException ex) {
			if (landedEarlier(execution, step)) {
				// a retried write whose first attempt had committed: the row is ours
				recorded = true;
			}
			else {
				// a write of an earlier owner landed first at this position: the journal
				// holds it, so this execution stops and hands the run back to recovery,
				// which replays it (a live owner must not keep renewing a run nobody
				// executes)
				handOver(execution.runId(), execution.epoch());
				throw RunSignal.lost(execution.runId());
			}
		}
		catch (DataAccessException ex) {
			throw RunSignal.journalFailed(execution.runId(), ex);
		}
		if (!recorded) {
			throw signal(execution);
		}
		if (execution.clearsRecoveries()) {
			try {
				this.store.clearRecoveries(execution.runId(), execution.epoch());
			}
			catch (DataAccessException ex) {
				logger.warn("Could not clear the recoveries of run " + execution.runId() + ": " + ex.getMessage());
			}
		}
	}

	/**
	 * Whether the step found at a position is the one this execution was recording, and
	 * the run is still its own: an earlier attempt of a retried write committed although
	 * its connection failed before it could say so.
	 */
	private boolean landedEarlier(Execution execution, NewStep step) {
		try {
			List<StepRow> journal = this.store.steps(execution.runId());
			StepRow found = (step.seq() <= journal.size()) ? journal.get(step.seq() - 1) : null;
			return found != null && found.kind() == step.kind() && found.name().equals(step.name())
					&& found.succeeded() == step.succeeded() && Objects.equals(found.output(), step.output())
					&& Objects.equals(found.idempotencyKey(), step.idempotencyKey())
					&& this.store.renewLease(execution.runId(), execution.epoch(), this::now,
							this.settings.leaseDuration()) != null;
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

	/**
	 * Called before any step body starts, by every kind of step: makes sure this
	 * execution still owns its run (a body must not run for a run another instance took
	 * over while this one was paused or cut off).
	 * @param interruptible whether a cancel of the run interrupts the body
	 */
	void enterBody(Execution execution, int seq, boolean interruptible) {
		if (this.handedOver) {
			// stopped past the grace period: the leases are released, another instance
			// may already run this run
			throw RunSignal.lost(execution.runId());
		}
		RunSettings settings = this.settings;
		Instant now = now();
		try {
			if (!now.isBefore(execution.confirmedAt().plus(settings.leaseDuration()).minus(settings.renewInterval()))) {
				Instant confirmed = this.retry.write(execution.runId(), () -> this.store.renewLease(execution.runId(),
						execution.epoch(), this::now, settings.leaseDuration()));
				if (confirmed == null) {
					throw signal(execution);
				}
				execution.confirmed(confirmed);
			}
		}
		catch (DataAccessException ex) {
			throw RunSignal.journalFailed(execution.runId(), ex);
		}
		if (interruptible) {
			execution.enterInterruptibleStep(seq);
		}
		else {
			execution.enterStep(seq);
		}
	}

	/**
	 * Checks a step's input or output against the journal's size limit.
	 * @param step the step name
	 * @param part {@code input} or {@code output}
	 * @param json the part as JSON
	 * @return the failure of a part over the limit, or {@code null}
	 */
	@Nullable PayloadTooLargeException oversized(String step, String part, @Nullable String json) {
		long limit = this.settings.maxPayloadBytes();
		// a char is at most 3 bytes of UTF-8 (a pair of surrogates 4): most texts need no
		// counting
		if (json == null || (long) json.length() * 3 <= limit) {
			return null;
		}
		long size = utf8Length(json);
		return (size > limit) ? new PayloadTooLargeException(step, part, size, limit) : null;
	}

	/**
	 * What the journal keeps of a part that was over the limit: a JSON string that says
	 * so.
	 */
	static String omitted(PayloadTooLargeException tooLarge) {
		return "\"(" + tooLarge.getPart() + " of " + tooLarge.getSize() + " bytes not journaled: over "
				+ tooLarge.getLimit() + " bytes)\"";
	}

	private static long utf8Length(String text) {
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes++;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

	/**
	 * Marks a run's budget degraded.
	 * @throws RunSignal if the run is no longer this execution's
	 */
	void markDegraded(Execution execution) {
		if (!this.store.markDegraded(execution.runId(), execution.epoch())) {
			throw signal(execution);
		}
	}

	/**
	 * Tells why a write fenced by the execution's epoch changed nothing.
	 * @return the signal to throw: cancelled, or lost to another owner
	 */
	RunSignal signal(Execution execution) {
		RunRow run = this.store.findRun(execution.runId()).orElse(null);
		if (run != null && run.status() == RunStatus.CANCELLED) {
			return RunSignal.cancelled(execution.runId());
		}
		return RunSignal.lost(execution.runId());
	}

	/**
	 * Ends the lease of a run this instance gives up, at once or (while the database is
	 * unreachable) at a later lease renewal.
	 */
	void handOver(String runId, long epoch) {
		try {
			this.store.releaseLease(runId, epoch, now());
		}
		catch (DataAccessException failure) {
			this.abandoned.put(runId, epoch);
		}
	}

	/**
	 * Gives up a run whose outcome could not be recorded (the database failed, or this
	 * instance is stopping): its lease is ended so that recovery resumes it, here or on
	 * another instance, instead of it staying owned by a live instance that no longer
	 * executes it.
	 */
	void abandon(Execution execution) {
		execution.done().completeExceptionally(RunSignal.lost(execution.runId()));
		this.abandoned.put(execution.runId(), execution.epoch());
		releaseAbandoned();
	}

	/**
	 * Gives up a run this instance claimed but could not resume because the journal
	 * failed: its lease is ended at the next lease renewal.
	 */
	void abandonLater(String runId, long epoch) {
		this.abandoned.put(runId, epoch);
	}

	/**
	 * Ends the leases of abandoned runs; retried at each lease renewal while the database
	 * is unreachable.
	 */
	void releaseAbandoned() {
		for (Map.Entry<String, Long> run : this.abandoned.entrySet()) {
			try {
				this.store.releaseLease(run.getKey(), run.getValue(), now());
				this.abandoned.remove(run.getKey());
				logger.warn("Run " + run.getKey() + " stopped without a recorded outcome; released for recovery");
			}
			catch (RuntimeException ex) {
				logger.debug("Could not release run " + run.getKey() + " yet", ex);
			}
		}
	}

}
