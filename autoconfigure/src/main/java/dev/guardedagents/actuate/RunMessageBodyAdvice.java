package dev.guardedagents.actuate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.bind.annotation.ControllerAdvice;

/**
 * Lets a message posted to a run ({@code POST /actuator/agentruns/{runId}/messages})
 * carry any JSON value as its payload, as in
 * {@code {"topic":"payment","payload":{"reference":"r-1","amount":40}}}: the payload is
 * handed on as its JSON text, which {@link AgentRunsEndpoint} sends as it is. It applies
 * to the write operations on one run of {@code agentruns} (it rewrites {@code payload}
 * only, which the others do not take), and refuses a body over 8 MB (400) before reading
 * it whole; the journal's own limit applies to the payload
 * ({@code guarded-agents.journal.max-payload-size}, 413).
 */
@ControllerAdvice
public class RunMessageBodyAdvice extends JsonBodyAdvice {

	/**
	 * Creates a new advice.
	 * @param mapper the mapper that reads and writes the body
	 */
	public RunMessageBodyAdvice(JsonMapper mapper) {
		super(mapper, "/agentruns/{runId}/{part}", "A message must be at most " + MAX_BODY_BYTES
				+ " bytes; its payload has the journal's limit (guarded-agents.journal.max-payload-size)");
	}

	@Override
	void rewrite(ObjectNode body) {
		JsonNode payload = body.get("payload");
		if (payload != null && !payload.isNull()) {
			body.put("payload", payload.toString());
		}
	}

}
