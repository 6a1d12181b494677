package dev.guardedagents.autoconfigure;

import java.util.List;

/**
 * Thrown at start-up when a kind of review can occur but nobody may decide it; explained
 * by {@link GuardedAgentsFailureAnalyzer}.
 */
class MissingReviewersException extends RuntimeException {

	private final List<String> problems;

	MissingReviewersException(List<String> problems) {
		super("Reviews that nobody may decide: " + String.join("; ", problems));
		this.problems = List.copyOf(problems);
	}

	List<String> getProblems() {
		return this.problems;
	}

}
