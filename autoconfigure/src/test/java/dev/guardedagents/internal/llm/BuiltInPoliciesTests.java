package dev.guardedagents.internal.llm;

import java.util.regex.Pattern;

import dev.guardedagents.StepKind;
import dev.guardedagents.internal.policy.PatternPolicy;
import dev.guardedagents.internal.policy.PayloadSizePolicy;
import dev.guardedagents.spi.PolicyAction;
import dev.guardedagents.spi.StepPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in step policies on their own: payload size in bytes of UTF-8, and pattern
 * rules limited to inputs or outputs.
 */
class BuiltInPoliciesTests {

	@Test
	void payloadSizeCountsBytesOfUtf8() {
		PayloadSizePolicy policy = new PayloadSizePolicy(10);
		assertThat(policy.check(check("\"abcdefgh\"", false)).action()).isEqualTo(PolicyAction.ALLOW);
		StepPolicy.Verdict denied = policy.check(check("\"ééééé\"", true));
		assertThat(denied.action()).isEqualTo(PolicyAction.DENY);
		assertThat(denied.reason())
			.isEqualTo("its output is 12 bytes, more than guarded-agents.policies.max-payload-size (10 bytes)");
	}

	@Test
	void patternRuleChecksOnlyThePayloadsItAppliesTo() {
		PatternPolicy outputs = new PatternPolicy("card-number", Pattern.compile("\\b(?:\\d[ -]?){13,16}\\b"), false,
				true, PolicyAction.REVIEW);
		assertThat(outputs.check(check("card 4111 1111 1111 1111", false)).action()).isEqualTo(PolicyAction.ALLOW);
		StepPolicy.Verdict verdict = outputs.check(check("card 4111 1111 1111 1111", true));
		assertThat(verdict.action()).isEqualTo(PolicyAction.REVIEW);
		assertThat(verdict.reason()).contains("'card-number'").contains("guarded-agents.policies.patterns.card-number");
		assertThat(outputs.check(check("order 12345", true)).action()).isEqualTo(PolicyAction.ALLOW);
	}

	private static StepPolicy.Check check(String payload, boolean output) {
		return new StepPolicy.Check("run", "plan", StepKind.TOOL, "tool", output, payload);
	}

}
