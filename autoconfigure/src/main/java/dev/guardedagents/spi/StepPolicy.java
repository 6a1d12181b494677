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
	 * Whether this policy may deny or send to review the output of a model call. A
	 * streamed model call ({@code ChatClient.stream()}) in a run reaches its caller chunk
	 * by chunk as it comes, unless a policy may judge its output: then the chunks are
	 * held until the completed output passed the policies, so the caller never sees what
	 * a policy stops. Return {@code false} from a policy that only checks inputs or
	 * tools.
	 * @return {@code true} (the default) when streams must wait for this policy
	 */
	default boolean checksModelOutputs() {
		return true;
	}

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
