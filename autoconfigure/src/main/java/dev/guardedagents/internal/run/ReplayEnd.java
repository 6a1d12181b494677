package dev.guardedagents.internal.run;

/**
 * Ends the check of a recorded run against the code where the code calls a step the
 * record does not have. An {@link Error}, so that a plan catching its steps' exceptions
 * does not swallow it.
 */
final class ReplayEnd extends Error {

	private final int seq;

	ReplayEnd(int seq) {
		super("The record ends before position " + seq, null, false, false);
		this.seq = seq;
	}

	int seq() {
		return this.seq;
	}

}
