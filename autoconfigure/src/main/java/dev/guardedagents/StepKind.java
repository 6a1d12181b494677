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
	COMPENSATION

}
