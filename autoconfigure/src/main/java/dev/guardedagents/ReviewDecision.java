package dev.guardedagents;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A reviewer's decision on a review.
 *
 * @param decision approve or reject
 * @param reviewer who decides: optional, since the decision is taken as the authenticated
 * principal; when given it must be the principal's name. Only an anonymous decision (when
 * anonymous decisions are allowed) is signed with it.
 * @param comment why, optional
 * @param edits changed arguments by parameter name, only with an approval; the action
 * runs with them
 */
public record ReviewDecision(Decision decision, @Nullable String reviewer, @Nullable String comment,
		Map<String, Object> edits) {

	/**
	 * Approves as is, as the authenticated principal.
	 * @return the decision
	 */
	public static ReviewDecision approve() {
		return new ReviewDecision(Decision.APPROVE, null, null, Map.of());
	}

	/**
	 * Approves as is.
	 * @param reviewer who decides
	 * @return the decision
	 */
	public static ReviewDecision approve(String reviewer) {
		return new ReviewDecision(Decision.APPROVE, reviewer, null, Map.of());
	}

	/**
	 * Rejects, as the authenticated principal.
	 * @param comment why
	 * @return the decision
	 */
	public static ReviewDecision reject(@Nullable String comment) {
		return new ReviewDecision(Decision.REJECT, null, comment, Map.of());
	}

	/**
	 * Approves with changed arguments, as the authenticated principal.
	 * @param edits the changed arguments by parameter name
	 * @return the decision
	 */
	public static ReviewDecision approveWithEdits(Map<String, Object> edits) {
		return new ReviewDecision(Decision.APPROVE, null, null, edits);
	}

	/**
	 * Approves with changed arguments.
	 * @param reviewer who decides
	 * @param edits the changed arguments by parameter name
	 * @return the decision
	 */
	public static ReviewDecision approveWithEdits(String reviewer, Map<String, Object> edits) {
		return new ReviewDecision(Decision.APPROVE, reviewer, null, edits);
	}

	/**
	 * Rejects.
	 * @param reviewer who decides
	 * @param comment why
	 * @return the decision
	 */
	public static ReviewDecision reject(String reviewer, @Nullable String comment) {
		return new ReviewDecision(Decision.REJECT, reviewer, comment, Map.of());
	}

	/**
	 * The two decisions a reviewer can take.
	 */
	public enum Decision {

		/**
		 * Let the action run.
		 */
		APPROVE,

		/**
		 * Do not run the action; the checkpoint throws
		 * {@link CheckpointRejectedException}.
		 */
		REJECT

	}

}
