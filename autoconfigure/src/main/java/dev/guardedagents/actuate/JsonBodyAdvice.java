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
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Reads the JSON body of one write operation of our endpoints for Spring MVC: Spring Boot
 * reads the body of an actuator write operation as a map of strings, which refuses nested
 * values, so the advice rewrites the fields the operation takes as JSON into their JSON
 * text, which the endpoint reads back. It refuses a body over {@value #MAX_BODY_BYTES}
 * bytes (400) before reading it whole; the endpoint checks each field's own limit.
 */
abstract class JsonBodyAdvice extends RequestBodyAdviceAdapter {

	/**
	 * The largest body read.
	 */
	static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

	private final JsonMapper mapper;

	private final String operationPattern;

	private final String tooLarge;

	/**
	 * Creates a new advice.
	 * @param mapper the mapper that reads and writes the body
	 * @param operationPattern the end of the path pattern of the operation
	 * @param tooLarge the error of a body over {@value #MAX_BODY_BYTES} bytes
	 */
	JsonBodyAdvice(JsonMapper mapper, String operationPattern, String tooLarge) {
		this.mapper = mapper;
		this.operationPattern = operationPattern;
		this.tooLarge = tooLarge;
	}

	/**
	 * Rewrites the fields of a body that the operation takes as JSON text.
	 * @param body the body, changed in place
	 */
	abstract void rewrite(ObjectNode body);

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
		return "POST".equals(request.getMethod()) && pattern != null
				&& pattern.toString().endsWith(this.operationPattern)
				&& methodParameter.getContainingClass().getName().startsWith("org.springframework.boot.")
				&& methodParameter.getContainingClass().getName().contains("EndpointHandlerMapping");
	}

	@Override
	public HttpInputMessage beforeBodyRead(HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
		byte[] body = inputMessage.getBody().readNBytes(MAX_BODY_BYTES + 1);
		if (body.length > MAX_BODY_BYTES) {
			throw new HttpMessageNotReadableException(this.tooLarge, inputMessage);
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
		rewrite(object);
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
