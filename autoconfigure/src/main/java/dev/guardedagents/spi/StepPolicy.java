package dev.guardedagents.spi;

import dev.guardedagents.StepKind;

/**
 * A check of the inputs and outputs of the model and tool calls of runs. Declare beans of
 * this type; they are consulted in order, and the first verdict other than
 * {@link PolicyAction#ALLOW} applies. A policy must be deterministic for a given payload:
 * it is not consulted again for steps replayed from the journal.
 */
@FunctionalInterface
public interface StepPolicy {

	/**
	 * Checks a payload of a step.
	 * @param check the step and its payload
	 * @return the verdict
	 */
	Verdict check(Check check);

	/**
	 * A payload to check.
	 *
	 * @param runId the run id
	 * @param runName the run name
	 * @param kind the kind of step ({@code LLM} or {@code TOOL})
	 * @param stepName the step name: the tool name, or {@code chat} for model calls
	 * @param output whether the payload is the step's output ({@code false}: its input)
	 * @param payload the payload as JSON text
	 */
	record Check(String runId, String runName, StepKind kind, String stepName, boolean output, String payload) {
	}

	/**
	 * A verdict.
	 *
	 * @param action what the policy decides
	 * @param reason why, for the exception or the reviewer
	 */
	record Verdict(PolicyAction action, String reason) {

		/**
		 * The step goes on.
		 */
		public static final Verdict ALLOW = new Verdict(PolicyAction.ALLOW, "allowed");

		/**
		 * Denies the step.
		 * @param reason why
		 * @return the verdict
		 */
		public static Verdict deny(String reason) {
			return new Verdict(PolicyAction.DENY, reason);
		}

		/**
		 * Asks a human.
		 * @param reason why
		 * @return the verdict
		 */
		public static Verdict review(String reason) {
			return new Verdict(PolicyAction.REVIEW, reason);
		}

	}

}
