package dev.guardedagents.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.guardedagents.BudgetAction;
import dev.guardedagents.FailureMode;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.spi.PolicyAction;
import dev.guardedagents.spi.StepPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Checks at start-up that every kind of review the application can open has reviewers,
 * unless anonymous decisions are allowed, which it warns about.
 */
final class ReviewersCheck {

	private static final Log logger = LogFactory.getLog(ReviewersCheck.class);

	private ReviewersCheck() {
	}

	static void check(ReviewAccess access, AgentRunRegistry registry, GuardedAgentsProperties properties,
			List<StepPolicy> policyBeans) {
		if (access.allowsAnonymous()) {
			logger.warn("guarded-agents.reviews.allow-anonymous=true: anyone who reaches the agentreviews endpoint "
					+ "may decide reviews under any name. Use it for local development only.");
			return;
		}
		List<String> problems = new ArrayList<>();
		if (access.reviewers(ReviewKind.CHECKPOINT).isEmpty()) {
			for (String checkpoint : registry.checkpointsWithoutReviewers()) {
				problems.add("@HumanCheckpoint '" + checkpoint + "' names no reviewers: set its reviewers attribute "
						+ "or guarded-agents.reviews.kinds.checkpoint.reviewers");
			}
		}
		List<String> toolFailures = new ArrayList<>(registry.humanReviewTools());
		properties.getTools().forEach((name, tool) -> {
			if (tool.getOnFailure() == FailureMode.HUMAN_REVIEW) {
				toolFailures.add("guarded-agents.tools." + name + ".on-failure");
			}
		});
		require(access, ReviewKind.TOOL_FAILURE, toolFailures, problems);
		List<String> policies = new ArrayList<>();
		properties.getPolicies().getPatterns().forEach((name, rule) -> {
			if (rule.getVerdict() == PolicyAction.REVIEW) {
				policies.add("guarded-agents.policies.patterns." + name);
			}
		});
		policyBeans.forEach((policy) -> policies.add("StepPolicy " + policy.getClass().getName()));
		require(access, ReviewKind.POLICY, policies, problems);
		List<String> budgets = new ArrayList<>();
		properties.getBudgets().forEach((name, budget) -> {
			if (budget.getOnExceeded() == BudgetAction.ESCALATE) {
				budgets.add("guarded-agents.budgets." + name + ".on-exceeded=escalate");
			}
		});
		require(access, ReviewKind.BUDGET, budgets, problems);
		require(access, ReviewKind.COMPENSATION,
				registry.compensatedTools().stream().map((tool) -> "compensation of tool " + tool).toList(), problems);
		if (!problems.isEmpty()) {
			throw new MissingReviewersException(problems);
		}
	}

	private static void require(ReviewAccess access, ReviewKind kind, List<String> sources, List<String> problems) {
		if (!sources.isEmpty() && access.reviewers(kind).isEmpty()) {
			problems.add(ReviewAccess.name(kind) + " reviews can occur ("
					+ String.join(", ", sources.stream().sorted().toList()) + ") but guarded-agents.reviews.kinds."
					+ ReviewAccess.name(kind) + ".reviewers is not set");
		}
	}

}
