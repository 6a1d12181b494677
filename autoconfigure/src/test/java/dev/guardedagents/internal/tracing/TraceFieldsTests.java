package dev.guardedagents.internal.tracing;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journaled form of a run start's propagation fields.
 */
class TraceFieldsTests {

	@Test
	void fieldsAreWrittenOnePerLineAndReadBack() {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
		fields.put("baggage", "tenant=acme,region=eu");
		String text = TraceFields.write(fields);
		assertThat(text).isEqualTo("traceparent=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n"
				+ "baggage=tenant=acme,region=eu\n");
		assertThat(TraceFields.read(text)).isEqualTo(fields);
	}

	@Test
	void nothingToPropagateOrTooMuchIsNotJournaled() {
		assertThat(TraceFields.write(Map.of())).isNull();
		assertThat(TraceFields.write(Map.of("baggage", "x".repeat(TraceFields.MAX_LENGTH)))).isNull();
		assertThat(TraceFields.read(null)).isEmpty();
		assertThat(TraceFields.write(Map.of("b3", "line\nbreak"))).as("a value that would break the format").isNull();
	}

}
