package dev.guardedagents.autoconfigure;

/**
 * Thrown at start-up for a {@code guarded-agents.*} property with an invalid value;
 * explained by {@link GuardedAgentsFailureAnalyzer}.
 */
class InvalidPropertyException extends RuntimeException {

	private final String property;

	private final Object value;

	private final String reason;

	InvalidPropertyException(String property, Object value, String reason) {
		super("Invalid value '" + value + "' for property '" + property + "': " + reason);
		this.property = property;
		this.value = value;
		this.reason = reason;
	}

	String getProperty() {
		return this.property;
	}

	Object getValue() {
		return this.value;
	}

	String getReason() {
		return this.reason;
	}

}
