package dev.guardedagents;

/**
 * Kind of a journaled step.
 */
public enum StepKind {

	/**
	 * A {@link GuardedTool} call.
	 */
	TOOL,

	/**
	 * A model call.
	 */
	LLM,

	/**
	 * A human checkpoint.
	 */
	CHECKPOINT,

	/**
	 * A compensating action run after the run failed or was cancelled.
	 */
	COMPENSATION,

	/**
	 * A child run: its start ({@link AgentRuns#start(java.util.function.Supplier)} in a
	 * plan, named after the child's plan, whose output is the child's id), or the wait
	 * for its end ({@link RunContext#await(RunHandle)}, whose output is how it ended and
	 * whose usage is what it spent).
	 */
	CHILD

}
