package dev.guardedagents.actuate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Lets a decision posted to {@code agentreviews} carry its edits as a nested JSON object,
 * as in {@code {"decision":"APPROVE","reviewer":"ann","edits":{"offer":{"amount":400}}}}.
 * Spring Boot reads the body of an actuator write operation as a map of strings, which
 * refuses nested values; this advice hands nested values of such a body on as their JSON
 * text, which {@link AgentReviewsEndpoint} reads back. It applies to the write operation
 * of {@code agentreviews} only, and refuses a body over {@value #MAX_BODY_BYTES} bytes
 * (400) before reading it whole; the endpoint checks each field's own limit.
 */
@ControllerAdvice
public class ReviewDecisionBodyAdvice extends RequestBodyAdviceAdapter {

	/**
	 * The largest decision body read.
	 */
	public static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

	private static final String OPERATION_PATTERN = "/agentreviews/{reviewId}";

	private final JsonMapper mapper;

	/**
	 * Creates a new advice.
	 * @param mapper the mapper that reads and writes the body
	 */
	public ReviewDecisionBodyAdvice(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public boolean supports(MethodParameter methodParameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) {
		if (!(targetType instanceof Class<?> type ? Map.class.isAssignableFrom(type)
				: targetType.getTypeName().startsWith(Map.class.getName()))) {
			return false;
		}
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		if (!(attributes instanceof ServletRequestAttributes servlet)) {
			return false;
		}
		HttpServletRequest request = servlet.getRequest();
		Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		return "POST".equals(request.getMethod()) && pattern != null && pattern.toString().endsWith(OPERATION_PATTERN)
				&& methodParameter.getContainingClass().getName().startsWith("org.springframework.boot.")
				&& methodParameter.getContainingClass().getName().contains("EndpointHandlerMapping");
	}

	@Override
	public HttpInputMessage beforeBodyRead(HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
		byte[] body = inputMessage.getBody().readNBytes(MAX_BODY_BYTES + 1);
		if (body.length > MAX_BODY_BYTES) {
			throw new HttpMessageNotReadableException("A decision must be at most " + MAX_BODY_BYTES
					+ " bytes; its comment and edits have limits of their own "
					+ "(guarded-agents.reviews.max-comment-length, max-edits-size)", inputMessage);
		}
		JsonNode json;
		try {
			json = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			return message(inputMessage.getHeaders(), body);
		}
		if (!(json instanceof ObjectNode object)) {
			return message(inputMessage.getHeaders(), body);
		}
		for (Map.Entry<String, JsonNode> field : object.properties()) {
			JsonNode value = field.getValue();
			if (value.isContainer()) {
				object.put(field.getKey(), value.toString());
			}
		}
		return message(inputMessage.getHeaders(), this.mapper.writeValueAsBytes(object));
	}

	private static HttpInputMessage message(HttpHeaders headers, byte[] body) {
		return new HttpInputMessage() {

			@Override
			public InputStream getBody() {
				return new ByteArrayInputStream(body);
			}

			@Override
			public HttpHeaders getHeaders() {
				return headers;
			}

		};
	}

}
