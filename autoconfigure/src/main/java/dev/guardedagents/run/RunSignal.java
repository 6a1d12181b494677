package dev.guardedagents.run;

import org.jspecify.annotations.Nullable;

/**
 * Unwinds a run that must stop executing here: it was cancelled, or another instance took
 * it over. An {@link Error} so that user code's {@code catch (Exception e)} does not
 * swallow it.
 */
final class RunSignal extends Error {

	enum Reason {

		CANCELLED, LOST, JOURNAL_FAILED

	}

	private final Reason reason;

	private RunSignal(Reason reason, String message, @Nullable RuntimeException cause) {
		super(message, cause, false, false);
		this.reason = reason;
	}

	static RunSignal cancelled(String runId) {
		return new RunSignal(Reason.CANCELLED, "Run " + runId + " was cancelled", null);
	}

	static RunSignal lost(String runId) {
		return new RunSignal(Reason.LOST, "Run " + runId + " is owned by another execution; this one stops", null);
	}

	/**
	 * The journal could not record a step: the run stops here without an outcome and is
	 * resumed later, and the journal's exception reaches the caller.
	 */
	static RunSignal journalFailed(String runId, RuntimeException cause) {
		return new RunSignal(Reason.JOURNAL_FAILED, "Run " + runId + " could not record a step", cause);
	}

	RuntimeException journalFailure() {
		return (RuntimeException) getCause();
	}

	Reason reason() {
		return this.reason;
	}

}
