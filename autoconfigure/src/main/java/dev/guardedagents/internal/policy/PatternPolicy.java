package dev.guardedagents.internal.policy;

import java.util.regex.Pattern;

import dev.guardedagents.spi.PolicyAction;
import dev.guardedagents.spi.StepPolicy;

/**
 * Denies or sends to review the step inputs or outputs in which a regular expression is
 * found, such as card numbers in model output. Internal: not API.
 */
public final class PatternPolicy implements StepPolicy {

	private final String name;

	private final Pattern pattern;

	private final boolean inputs;

	private final boolean outputs;

	private final PolicyAction action;

	/**
	 * Creates the policy.
	 * @param name the rule name
	 * @param pattern the regular expression
	 * @param inputs whether inputs are checked
	 * @param outputs whether outputs are checked
	 * @param action what a match means
	 */
	public PatternPolicy(String name, Pattern pattern, boolean inputs, boolean outputs, PolicyAction action) {
		this.name = name;
		this.pattern = pattern;
		this.inputs = inputs;
		this.outputs = outputs;
		this.action = action;
	}

	@Override
	public boolean checksModelOutputs() {
		return this.outputs;
	}

	@Override
	public Verdict check(Check check) {
		if (!(check.output() ? this.outputs : this.inputs) || !this.pattern.matcher(check.payload()).find()) {
			return Verdict.ALLOW;
		}
		return new Verdict(this.action, "its " + (check.output() ? "output" : "input") + " matches the rule '"
				+ this.name + "' (guarded-agents.policies.patterns." + this.name + ")");
	}

}
