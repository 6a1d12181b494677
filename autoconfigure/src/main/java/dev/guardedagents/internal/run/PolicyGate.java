package dev.guardedagents.internal.run;

import java.util.List;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.PolicyViolationException;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.internal.store.ReviewRow;
import dev.guardedagents.StepKind;
import dev.guardedagents.spi.PolicyAction;
import dev.guardedagents.spi.StepPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Checks the inputs and outputs of a run's model and tool calls against the step
 * policies. A denied payload fails the step with {@link PolicyViolationException}; a
 * payload sent to review parks the run, and a resumed run applies the decision at the
 * same step: an approved input lets the call go on, an approved output is used without
 * calling again, a rejection fails the step as a denial would.
 */
final class PolicyGate {

	static final String POLICY = "policy";

	private final Parking parking;

	private final JsonCodec codec;

	private final List<StepPolicy> policies;

	private final boolean holdsModelStreams;

	PolicyGate(Parking parking, JsonCodec codec, List<StepPolicy> policies) {
		this.parking = parking;
		this.codec = codec;
		this.policies = List.copyOf(policies);
		this.holdsModelStreams = this.policies.stream().anyMatch(StepPolicy::checksModelOutputs);
	}

	/**
	 * Whether a streamed model call must hold its chunks until its output passed the
	 * policies.
	 */
	boolean holdsModelStreams() {
		return this.holdsModelStreams;
	}

	/**
	 * Applies a decision a reviewer took on this step before the run resumed.
	 * @return the decision, or {@code null} when no policy review was opened here
	 */
	@Nullable Decision decided(Execution execution, int seq) {
		if (this.policies.isEmpty()) {
			return null;
		}
		ReviewRow review = this.parking.reviewAt(execution, seq, ReviewKind.POLICY);
		if (review == null) {
			return null;
		}
		if (review.status() == ReviewStatus.PENDING) {
			throw this.parking.waitFor(execution, review);
		}
		Held held = this.codec.readPolicyPayload(review.payload());
		if (review.status() != ReviewStatus.APPROVED) {
			return new Decision(new PolicyViolationException("Step '" + held.step() + "' " + held.reason()
					+ "; reviewer " + review.reviewer() + " rejected it (" + review.status() + ")"), null, null);
		}
		return new Decision(null, held.output(), held.usage());
	}

	/**
	 * Checks a step's input before the call.
	 * @return the denial, or {@code null} when the call may go on
	 */
	@Nullable PolicyViolationException checkInput(Execution execution, StepKind kind, String name, int seq, String input) {
		return check(execution, kind, name, seq, input, false, input, null);
	}

	/**
	 * Checks a step's output after the call.
	 * @return the denial, or {@code null} when the output may be recorded
	 */
	@Nullable PolicyViolationException checkOutput(Execution execution, StepKind kind, String name, int seq, String input,
			String output, @Nullable ModelUsage usage) {
		return check(execution, kind, name, seq, output, true, input, usage);
	}

	private @Nullable PolicyViolationException check(Execution execution, StepKind kind, String name, int seq,
			String payload, boolean output, String input, @Nullable ModelUsage usage) {
		for (StepPolicy policy : this.policies) {
			StepPolicy.Verdict verdict = policy
				.check(new StepPolicy.Check(execution.runId(), execution.runName(), kind, name, output, payload));
			if (verdict.action() == PolicyAction.DENY) {
				return new PolicyViolationException(
						"Step '" + name + "' of run " + execution.runId() + " was denied: " + verdict.reason());
			}
			if (verdict.action() == PolicyAction.REVIEW) {
				throw open(execution, seq, new Held(name, verdict.reason(), input, output ? payload : null, usage));
			}
		}
		return null;
	}

	private RunSignal open(Execution execution, int seq, Held held) {
		return this.parking.open(execution, seq, ReviewKind.POLICY, POLICY,
				"Step '" + held.step() + "' " + held.reason() + ". Approve to let it "
						+ ((held.output() != null) ? "answer with this output" : "run") + ", reject to fail it.",
				this.codec.writePolicyPayload(held), StepKind.CHECKPOINT);
	}

	/**
	 * A reviewer's decision on a step.
	 *
	 * @param rejection the failure of a rejected step
	 * @param output the approved output, when the output was reviewed
	 * @param usage what the reviewed model call used
	 */
	record Decision(@Nullable PolicyViolationException rejection, @Nullable String output, @Nullable ModelUsage usage) {
	}

	/**
	 * What a policy review holds.
	 *
	 * @param step the step name
	 * @param reason why the policy asked for a review
	 * @param input the step's input
	 * @param output the step's output, when the output was reviewed
	 * @param usage what a reviewed model call used
	 */
	record Held(String step, String reason, String input, @Nullable String output, @Nullable ModelUsage usage) {
	}

}
