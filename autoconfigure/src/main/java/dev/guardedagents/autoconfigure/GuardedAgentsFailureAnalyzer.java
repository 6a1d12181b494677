package dev.guardedagents.autoconfigure;

import dev.guardedagents.store.UnsupportedDatabaseException;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Explains start-up failures caused by Guarded Agents' configuration: an invalid
 * {@code guarded-agents.*} property, or a journal database without migrations.
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
