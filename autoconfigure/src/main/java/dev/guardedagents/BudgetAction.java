package dev.guardedagents;

/**
 * What happens when a run exceeds a cap of its budget profile.
 */
public enum BudgetAction {

	/**
	 * The run fails with {@link BudgetExceededException} naming the cap.
	 */
	HALT,

	/**
	 * The run's later model calls go to the profile's cheaper {@code degrade-to} model;
	 * the run is flagged degraded.
	 */
	DEGRADE,

	/**
	 * The run waits for a reviewer, who may grant more (approve, optionally with new caps
	 * as edits) or abort (reject).
	 */
	ESCALATE

}
