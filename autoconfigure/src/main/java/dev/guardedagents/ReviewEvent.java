package dev.guardedagents;

/**
 * Published as an application event after a change of a review was committed, so that an
 * application can notify people (chat, email) without polling.
 *
 * @param type what happened
 * @param review the review after the change; for an escalation, the new review
 */
public record ReviewEvent(Type type, ReviewView review) {

	/**
	 * What happened to a review.
	 */
	public enum Type {

		/**
		 * A checkpoint opened the review and its run parked.
		 */
		REQUESTED,

		/**
		 * A reviewer decided.
		 */
		DECIDED,

		/**
		 * Nobody decided in time; the timeout outcome was applied.
		 */
		TIMED_OUT,

		/**
		 * Nobody decided in time; a new review (this one) was opened for the escalation
		 * reviewers.
		 */
		ESCALATED

	}

}
