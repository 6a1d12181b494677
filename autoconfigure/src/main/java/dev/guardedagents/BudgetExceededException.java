package dev.guardedagents;

/**
 * A run exceeded a cap of its budget profile and was halted (or a reviewer refused to
 * grant more).
 */
public class BudgetExceededException extends RuntimeException {

	/**
	 * Creates a new exception.
	 * @param message the cap, the profile and what was spent
	 */
	public BudgetExceededException(String message) {
		super(message);
	}

}
