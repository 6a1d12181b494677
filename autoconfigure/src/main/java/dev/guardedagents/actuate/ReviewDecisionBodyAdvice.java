package dev.guardedagents.actuate;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.bind.annotation.ControllerAdvice;

/**
 * Lets a decision posted to {@code agentreviews} carry its edits as a nested JSON object,
 * as in {@code {"decision":"APPROVE","reviewer":"ann","edits":{"offer":{"amount":400}}}}:
 * nested values of such a body are handed on as their JSON text, which
 * {@link AgentReviewsEndpoint} reads back. It applies to the write operation of
 * {@code agentreviews} only, and refuses a body over {@value #MAX_BODY_BYTES} bytes (400)
 * before reading it whole; the endpoint checks each field's own limit
 * ({@code guarded-agents.reviews.max-comment-length}, {@code max-edits-size}).
 */
@ControllerAdvice
public class ReviewDecisionBodyAdvice extends JsonBodyAdvice {

	/**
	 * The largest decision body read.
	 */
	public static final int MAX_BODY_BYTES = JsonBodyAdvice.MAX_BODY_BYTES;

	/**
	 * Creates a new advice.
	 * @param mapper the mapper that reads and writes the body
	 */
	public ReviewDecisionBodyAdvice(JsonMapper mapper) {
		super(mapper, "/agentreviews/{reviewId}",
				"A decision must be at most " + MAX_BODY_BYTES
						+ " bytes; its comment and edits have limits of their own "
						+ "(guarded-agents.reviews.max-comment-length, max-edits-size)");
	}

	@Override
	void rewrite(ObjectNode body) {
		for (Map.Entry<String, JsonNode> field : body.properties()) {
			JsonNode value = field.getValue();
			if (value.isContainer()) {
				body.put(field.getKey(), value.toString());
			}
		}
	}

}
