package dev.guardedagents.run;

/**
 * Unwinds a run that must stop executing here: it was cancelled, or another instance took
 * it over. An {@link Error} so that user code's {@code catch (Exception e)} does not
 * swallow it.
 */
final class RunSignal extends Error {

	enum Reason {

		CANCELLED, LOST

	}

	private final Reason reason;

	private RunSignal(Reason reason, String message) {
		super(message, null, false, false);
		this.reason = reason;
	}

	static RunSignal cancelled(String runId) {
		return new RunSignal(Reason.CANCELLED, "Run " + runId + " was cancelled");
	}

	static RunSignal lost(String runId) {
		return new RunSignal(Reason.LOST, "Run " + runId + " is owned by another execution; this one stops");
	}

	Reason reason() {
		return this.reason;
	}

}
