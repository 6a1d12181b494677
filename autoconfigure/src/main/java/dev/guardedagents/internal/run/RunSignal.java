package dev.guardedagents.internal.run;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Unwinds a run that must stop executing here: it was cancelled, another instance took it
 * over, the journal failed, or it parked for a review or to sleep. An {@link Error} so
 * that user code's {@code catch (Exception e)} does not swallow it.
 */
final class RunSignal extends Error {

	enum Reason {

		CANCELLED, LOST, JOURNAL_FAILED, SUSPENDED, SLEEPING, FAIL_RUN, CRASHED

	}

	private final Reason reason;

	private final @Nullable String reviewId;

	private final @Nullable Instant wakeAt;

	private RunSignal(Reason reason, String message, @Nullable Throwable cause, @Nullable String reviewId) {
		this(reason, message, cause, reviewId, null);
	}

	private RunSignal(Reason reason, String message, @Nullable Throwable cause, @Nullable String reviewId,
			@Nullable Instant wakeAt) {
		super(message, cause, false, false);
		this.reason = reason;
		this.reviewId = reviewId;
		this.wakeAt = wakeAt;
	}

	static RunSignal cancelled(String runId) {
		return new RunSignal(Reason.CANCELLED, "Run " + runId + " was cancelled", null, null);
	}

	static RunSignal lost(String runId) {
		return new RunSignal(Reason.LOST, "Run " + runId + " is owned by another execution; this one stops", null,
				null);
	}

	/**
	 * The journal could not record a step: the run stops here without an outcome and is
	 * resumed later, and the journal's exception reaches the caller.
	 */
	static RunSignal journalFailed(String runId, RuntimeException cause) {
		return new RunSignal(Reason.JOURNAL_FAILED, "Run " + runId + " could not record a step", cause, null);
	}

	/**
	 * A tool failed for good and its failure mode fails the run: the plan cannot catch
	 * it.
	 */
	static RunSignal failRun(String runId, Throwable cause) {
		return new RunSignal(Reason.FAIL_RUN, "Run " + runId + " fails: " + cause, cause, null);
	}

	/**
	 * The run parked for a review: the thread unwinds, the run waits in the database.
	 */
	static RunSignal suspended(String runId, String reviewId) {
		return new RunSignal(Reason.SUSPENDED, "Run " + runId + " waits for review " + reviewId, null, reviewId);
	}

	/**
	 * The run waits for a child run to end ({@code RunContext.await}): the thread
	 * unwinds, the run waits in the database.
	 */
	static RunSignal awaiting(String runId, String childId) {
		return new RunSignal(Reason.SLEEPING, "Run " + runId + " waits for child run " + childId, null, childId, null);
	}

	/**
	 * The run sleeps until a time ({@code RunContext.sleep}): the thread unwinds, the run
	 * waits in the database.
	 */
	static RunSignal sleeping(String runId, Instant wakeAt) {
		return new RunSignal(Reason.SLEEPING, "Run " + runId + " sleeps until " + wakeAt, null, null, wakeAt);
	}

	/**
	 * A test asked for a crash here ({@link SimulatedCrashes}): the thread unwinds,
	 * nothing more is written, the lease stays.
	 */
	static RunSignal crashed(String runId, String where) {
		return new RunSignal(Reason.CRASHED, "Run " + runId + " crashed " + where + " (simulated by the test)", null,
				null);
	}

	Reason reason() {
		return this.reason;
	}

	/**
	 * The child run a run that waits for one waits for.
	 */
	@Nullable String child() {
		return (this.reason == Reason.SLEEPING) ? this.reviewId : null;
	}

	@Nullable String reviewId() {
		return this.reviewId;
	}

	@Nullable Instant wakeAt() {
		return this.wakeAt;
	}

	RuntimeException journalFailure() {
		return (RuntimeException) getCause();
	}

}
