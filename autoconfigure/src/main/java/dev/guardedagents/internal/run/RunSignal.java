package dev.guardedagents.internal.run;

import org.jspecify.annotations.Nullable;

/**
 * Unwinds a run that must stop executing here: it was cancelled, another instance took it
 * over, the journal failed, or it parked for a review. An {@link Error} so that user
 * code's {@code catch (Exception e)} does not swallow it.
 */
final class RunSignal extends Error {

	enum Reason {

		CANCELLED, LOST, JOURNAL_FAILED, SUSPENDED, FAIL_RUN, CRASHED

	}

	private final Reason reason;

	private final @Nullable String reviewId;

	private RunSignal(Reason reason, String message, @Nullable Throwable cause, @Nullable String reviewId) {
		super(message, cause, false, false);
		this.reason = reason;
		this.reviewId = reviewId;
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

	@Nullable String reviewId() {
		return this.reviewId;
	}

	RuntimeException journalFailure() {
		return (RuntimeException) getCause();
	}

}
