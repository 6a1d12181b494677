package dev.guardedagents;

/**
 * Status of a review, and the verdict of a decided one.
 */
public enum ReviewStatus {

	/**
	 * Waiting for a decision.
	 */
	PENDING,

	/**
	 * Approved by a reviewer, or by its timeout outcome.
	 */
	APPROVED,

	/**
	 * Rejected by a reviewer.
	 */
	REJECTED,

	/**
	 * Nobody decided in time.
	 */
	TIMED_OUT,

	/**
	 * Nobody decided in time; a new review was opened for the escalation reviewers.
	 */
	ESCALATED

}
