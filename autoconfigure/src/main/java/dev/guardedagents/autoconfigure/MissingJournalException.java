package dev.guardedagents.autoconfigure;

import java.util.List;

/**
 * Thrown at start-up when the application uses Guarded Agents' annotations but there is
 * no single {@code DataSource} for the run journal; explained by
 * {@link GuardedAgentsFailureAnalyzer}.
 */
class MissingJournalException extends RuntimeException {

	private final List<String> methods;

	private final int dataSources;

	MissingJournalException(List<String> methods, int dataSources) {
		super("Guarded Agents annotations on " + methods + " but " + dataSources
				+ " DataSource beans for the run journal (one is needed)");
		this.methods = List.copyOf(methods);
		this.dataSources = dataSources;
	}

	List<String> getMethods() {
		return this.methods;
	}

	int getDataSources() {
		return this.dataSources;
	}

}
