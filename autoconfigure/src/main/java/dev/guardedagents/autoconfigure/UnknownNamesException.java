package dev.guardedagents.autoconfigure;

import java.util.List;

/**
 * Thrown at start-up when configuration names a tool or budget the application does not
 * have; explained by {@link GuardedAgentsFailureAnalyzer}.
 */
class UnknownNamesException extends RuntimeException {

	private final List<String> problems;

	UnknownNamesException(List<String> problems) {
		super("Configuration names what the application does not have: " + String.join("; ", problems));
		this.problems = List.copyOf(problems);
	}

	List<String> getProblems() {
		return this.problems;
	}

}
