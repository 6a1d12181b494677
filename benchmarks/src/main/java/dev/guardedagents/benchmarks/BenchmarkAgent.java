package dev.guardedagents.benchmarks;

import dev.guardedagents.AgentRun;

import org.springframework.ai.chat.client.ChatClient;

/**
 * The plans measured by the benchmarks: runs of no-op steps, and of model calls to a
 * model that answers at once.
 */
public class BenchmarkAgent {

	private final NoopTools tools;

	private final ChatClient chat;

	private volatile long[] timings = new long[0];

	BenchmarkAgent(NoopTools tools, ChatClient chat) {
		this.tools = tools;
		this.chat = chat;
	}

	/**
	 * Returns the client of the model calls, with our advisors.
	 * @return the client
	 */
	public ChatClient chat() {
		return this.chat;
	}

	/**
	 * A run of {@code count} model calls, each timed from the plan.
	 * @param count the number of calls
	 * @return the number of calls
	 */
	@AgentRun(name = "bench-timed-model-calls")
	public int timedModelCalls(int count) {
		this.timings = Benchmarks.timed(count, (i) -> this.chat.prompt().user("question " + i).call().content());
		return count;
	}

	/**
	 * A run of {@code count} streamed model calls, each read to its end and timed from
	 * the plan.
	 * @param count the number of calls
	 * @return the number of calls
	 */
	@AgentRun(name = "bench-timed-model-streams")
	public int timedModelStreams(int count) {
		this.timings = Benchmarks.timed(count,
				(i) -> this.chat.prompt().user("question " + i).stream().content().collectList().block());
		return count;
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
		this.timings = Benchmarks.timed(count, this.tools::noop);
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
