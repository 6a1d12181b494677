package dev.guardedagents.internal.policy;

import java.nio.charset.StandardCharsets;

import dev.guardedagents.spi.StepPolicy;

/**
 * Denies step inputs and outputs larger than a maximum size. Internal: not API.
 */
public final class PayloadSizePolicy implements StepPolicy {

	private final long maxBytes;

	/**
	 * Creates the policy.
	 * @param maxBytes the largest payload, in bytes of UTF-8
	 */
	public PayloadSizePolicy(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	/**
	 * A size limit guards the journal, not the caller: a stream reaches the caller as it
	 * comes, and an output too large fails the step once it completed.
	 */
	@Override
	public boolean checksModelOutputs() {
		return false;
	}

	@Override
	public Verdict check(Check check) {
		if (check.payload().length() * 3L <= this.maxBytes) {
			return Verdict.ALLOW;
		}
		long bytes = check.payload().getBytes(StandardCharsets.UTF_8).length;
		return (bytes <= this.maxBytes) ? Verdict.ALLOW
				: Verdict.deny("its " + (check.output() ? "output" : "input") + " is " + bytes
						+ " bytes, more than guarded-agents.policies.max-payload-size (" + this.maxBytes + " bytes)");
	}

}
