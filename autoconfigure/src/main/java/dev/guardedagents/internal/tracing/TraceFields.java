package dev.guardedagents.internal.tracing;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The propagation fields of a run's start as journaled: one {@code name=value} per line,
 * at most {@value #MAX_LENGTH} characters (the journal's column), so that large baggage
 * leaves a run untraced across executions rather than failing its start.
 */
final class TraceFields {

	static final int MAX_LENGTH = 1000;

	private TraceFields() {
	}

	static @Nullable String write(Map<String, String> fields) {
		StringBuilder text = new StringBuilder();
		for (Map.Entry<String, String> field : fields.entrySet()) {
			if (field.getKey().indexOf('\n') >= 0 || field.getValue().indexOf('\n') >= 0) {
				continue;
			}
			text.append(field.getKey()).append('=').append(field.getValue()).append('\n');
		}
		return (text.length() > 0 && text.length() <= MAX_LENGTH) ? text.toString() : null;
	}

	static Map<String, String> read(@Nullable String text) {
		Map<String, String> fields = new LinkedHashMap<>();
		if (text != null) {
			for (String line : text.split("\n")) {
				int equals = line.indexOf('=');
				if (equals > 0) {
					fields.put(line.substring(0, equals), line.substring(equals + 1));
				}
			}
		}
		return fields;
	}

}
