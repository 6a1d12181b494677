package dev.guardedagents.test;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips PostgreSQL tests only where no PostgreSQL was configured and none is required.
 */
class PostgresCondition implements ExecutionCondition {

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (PostgresDatabase.serverUrl() != null) {
			return ConditionEvaluationResult.enabled(PostgresDatabase.URL_VARIABLE + " is set");
		}
		if (PostgresDatabase.required()) {
			throw new IllegalStateException(
					"GUARDED_AGENTS_TEST_POSTGRES_REQUIRED=true but " + PostgresDatabase.URL_VARIABLE + " is not set");
		}
		String reason = PostgresDatabase.URL_VARIABLE + " is not set";
		System.err.println("[WARN] SKIPPED PostgreSQL tests in " + context.getDisplayName() + ": " + reason);
		return ConditionEvaluationResult.disabled(reason);
	}

}
