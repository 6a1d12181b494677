package dev.guardedagents.benchmarks;

import dev.guardedagents.GuardedTool;

/**
 * The no-op tool whose journaling is measured.
 */
public class NoopTools {

	/**
	 * A step that does nothing.
	 * @param i the step number
	 * @return the step number
	 */
	@GuardedTool(name = "noop")
	public int noop(int i) {
		return i;
	}

}
