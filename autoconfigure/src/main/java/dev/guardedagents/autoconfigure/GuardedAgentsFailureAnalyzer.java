package dev.guardedagents.autoconfigure;

import dev.guardedagents.store.UnsupportedDatabaseException;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Explains start-up failures caused by Guarded Agents' configuration: an invalid
 * {@code guarded-agents.*} property, reviews that nobody may decide, or a journal
 * database without migrations.
 */
class GuardedAgentsFailureAnalyzer implements FailureAnalyzer {

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidPropertyException invalid) {
				return new FailureAnalysis(
						"Invalid value '" + invalid.getValue() + "' for property '" + invalid.getProperty() + "': it "
								+ invalid.getReason() + ".",
						"Update '" + invalid.getProperty() + "' in your application's configuration. The reference "
								+ "of every guarded-agents property is in docs/configuration.md.",
						invalid);
			}
			if (cause instanceof MissingReviewersException missing) {
				return new FailureAnalysis(
						"Reviews can occur that nobody may decide:\n - " + String.join("\n - ", missing.getProblems()),
						"Name who decides each kind of review: the reviewers of each @HumanCheckpoint, and "
								+ "guarded-agents.reviews.kinds.<kind>.reviewers (authorities or user names) for "
								+ "tool-failure, policy, budget and compensation reviews. For local development only, "
								+ "set guarded-agents.reviews.allow-anonymous=true. See docs/human-checkpoints.md.",
						missing);
			}
			if (cause instanceof UnsupportedDatabaseException unsupported) {
				return new FailureAnalysis(
						"The Guarded Agents run journal cannot be stored in " + unsupported.getProductName()
								+ ": it has migrations for H2 and PostgreSQL only.",
						"Use PostgreSQL (or H2 for development) as the application's DataSource, or set "
								+ "guarded-agents.enabled=false.",
						unsupported);
			}
		}
		return null;
	}

}
