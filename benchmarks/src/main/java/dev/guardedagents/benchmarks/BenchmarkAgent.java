package dev.guardedagents.benchmarks;

import dev.guardedagents.AgentRun;

/**
 * The plans measured by the benchmarks: runs of no-op steps.
 */
public class BenchmarkAgent {

	private final NoopTools tools;

	private volatile long[] timings = new long[0];

	BenchmarkAgent(NoopTools tools) {
		this.tools = tools;
	}

	/**
	 * A run of {@code count} no-op steps.
	 * @param count the number of steps
	 * @return the number of steps
	 */
	@AgentRun(name = "bench-steps")
	public int steps(int count) {
		for (int i = 0; i < count; i++) {
			this.tools.noop(i);
		}
		return count;
	}

	/**
	 * A run of {@code count} no-op steps, each timed from the plan (the timings are the
	 * benchmark's, not part of the run).
	 * @param count the number of steps
	 * @return the number of steps
	 */
	@AgentRun(name = "bench-timed-steps")
	public int timedSteps(int count) {
		long[] timings = new long[count];
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			this.tools.noop(i);
			timings[i] = System.nanoTime() - start;
		}
		this.timings = timings;
		return count;
	}

	/**
	 * Returns the step timings of the last timed run, in nanoseconds.
	 * @return the timings
	 */
	public long[] lastTimings() {
		return this.timings;
	}

}
