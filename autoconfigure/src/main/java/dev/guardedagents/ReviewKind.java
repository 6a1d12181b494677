package dev.guardedagents;

/**
 * What a review asks a person to decide. Each kind has its own reviewers
 * ({@code guarded-agents.reviews.kinds.<kind>.reviewers}; a checkpoint may name its own)
 * and its own meaning of approve, approve with edits and reject.
 */
public enum ReviewKind {

	/**
	 * A {@link HumanCheckpoint} applies: approve to run the action (with edited
	 * arguments, where the checkpoint makes them editable), reject to throw
	 * {@link CheckpointRejectedException}.
	 */
	CHECKPOINT,

	/**
	 * A tool with {@link FailureMode#HUMAN_REVIEW} failed for good: approve to retry,
	 * approve with the edit {@code result} to supply its result, reject to fail the run.
	 */
	TOOL_FAILURE,

	/**
	 * A step policy asked for a review of a step's input or output: approve to let the
	 * step go on, reject to fail it with {@link PolicyViolationException}.
	 */
	POLICY,

	/**
	 * A run reached a cap of an escalating budget: approve to grant the budget once more
	 * (with edits: new caps), reject to fail the run with
	 * {@link BudgetExceededException}.
	 */
	BUDGET,

	/**
	 * A compensation failed for good: approve to retry it, approve with the edit
	 * {@code done: true} when it was undone by hand, reject to give it up.
	 */
	COMPENSATION

}
