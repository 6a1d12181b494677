package dev.guardedagents.internal.run;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.guardedagents.RunArgumentException;
import dev.guardedagents.Sensitive;
import dev.guardedagents.StepFailedException;
import dev.guardedagents.internal.guard.AttemptRecord;
import dev.guardedagents.internal.redaction.Sensitivity;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.util.ClassUtils;

/**
 * Writes arguments and results as JSON and reads them back with the method's generic
 * types; recreates recorded failures.
 */
final class JsonCodec {

	private final JsonMapper mapper;

	/**
	 * The payload field that marks a review as a budget review.
	 */
	static final String BUDGET_PROFILE = "budgetProfile";

	private final Map<Type, Codec> codecs = new ConcurrentHashMap<>();

	private final boolean hashSensitive;

	JsonCodec(JsonMapper mapper) {
		this(mapper, false);
	}

	/**
	 * Creates a codec.
	 * @param mapper the journal's mapper
	 * @param hashSensitive whether a {@code @Sensitive} argument is journaled as its hash
	 * rather than as {@link Sensitive#MASK}
	 */
	JsonCodec(JsonMapper mapper, boolean hashSensitive) {
		this.mapper = mapper;
		this.hashSensitive = hashSensitive;
	}

	/**
	 * Returns the journal's mapper.
	 */
	JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Writes the arguments of a step as the journal keeps them: each {@code @Sensitive}
	 * one as {@link Sensitive#MASK}, or as {@code sha256:<hex>} of its JSON.
	 */
	String writeInput(@Nullable Object[] args, Sensitivity sensitivity) {
		if (!sensitivity.hasParameters()) {
			return writeBestEffort(args);
		}
		@Nullable Object[] kept = args.clone();
		for (int position : sensitivity.positions()) {
			if (position < kept.length) {
				kept[position] = this.hashSensitive
						? "sha256:" + GuardedCalls.fingerprint(writeBestEffort(kept[position])) : Sensitive.MASK;
			}
		}
		return writeBestEffort(kept);
	}

	/**
	 * Writes the arguments of a run as a JSON array, after checking that each can be read
	 * back with its parameter type: a run that could not be resumed never starts.
	 */
	String writeArguments(AgentRunRegistry.Plan plan, Object[] args) {
		StringJoiner array = new StringJoiner(",", "[", "]");
		Type[] types = plan.parameterTypes();
		for (int i = 0; i < args.length; i++) {
			try {
				array.add(codec(types[i]).roundTrip(args[i]));
			}
			catch (JacksonException ex) {
				String parameter = plan.method().getParameters()[i].getName();
				throw new RunArgumentException("Cannot start run '" + plan.name() + "': argument '" + parameter
						+ "' (parameter " + (i + 1) + " of " + plan.method().getDeclaringClass().getSimpleName() + "."
						+ plan.method().getName() + ", type " + types[i].getTypeName()
						+ ") cannot be written as JSON and read back: " + ex.getOriginalMessage()
						+ ". Pass a value Jackson can bind (a record, or a class with a JSON constructor), or an id to look the value up in a step.",
						ex);
			}
		}
		return array.toString();
	}

	Object[] readArguments(AgentRunRegistry.Plan plan, String json) {
		return readArguments(plan.parameterTypes(), json);
	}

	/**
	 * Reads arguments written as a JSON array back with their parameter types.
	 */
	Object[] readArguments(Type[] types, String json) {
		JsonNode array = this.mapper.readTree(json);
		Object[] args = new Object[types.length];
		for (int i = 0; i < types.length; i++) {
			args[i] = codec(types[i]).reader().readValue(array.get(i));
		}
		return args;
	}

	/**
	 * Writes the arguments of a checkpoint as a JSON object by parameter name, the
	 * payload a reviewer sees and may edit.
	 */
	String writePayload(AgentRunRegistry.Checkpoint checkpoint, Object[] args) {
		ObjectNode payload = this.mapper.createObjectNode();
		for (int i = 0; i < args.length; i++) {
			payload.set(checkpoint.parameterNames()[i], this.mapper.valueToTree(args[i]));
		}
		return payload.toString();
	}

	/**
	 * Replaces the arguments a reviewer edited, read with their parameter types.
	 */
	Object[] applyEdits(AgentRunRegistry.Checkpoint checkpoint, Object[] args, String edits) {
		Object[] edited = args.clone();
		JsonNode values = this.mapper.readTree(edits);
		for (Map.Entry<String, JsonNode> edit : values.properties()) {
			int index = checkpoint.indexOf(edit.getKey());
			if (index >= 0) {
				edited[index] = codec(checkpoint.parameterTypes()[index]).reader().readValue(edit.getValue());
			}
		}
		return edited;
	}

	/**
	 * Writes the payload of a review of a tool that failed for good: its arguments, the
	 * last error, the attempts and the type a reviewer's override must bind to.
	 */
	String writeFailurePayload(String input, Throwable failure, int attempts, Type returnType) {
		ObjectNode payload = this.mapper.createObjectNode();
		payload.set("arguments", this.mapper.readTree(input));
		ObjectNode error = payload.putObject("error");
		error.put("type", failure.getClass().getName());
		error.put("message", failure.getMessage());
		payload.put("attempts", attempts);
		payload.put("resultType", returnType.getTypeName());
		return payload.toString();
	}

	/**
	 * Returns the result a reviewer supplied in the edit {@code result}, as JSON.
	 */
	@Nullable String overrideOf(@Nullable String edits) {
		if (edits == null) {
			return null;
		}
		JsonNode result = this.mapper.readTree(edits).get("result");
		return (result != null) ? result.toString() : null;
	}

	String writeAttempts(List<AttemptRecord> attempts) {
		return this.mapper.writeValueAsString(attempts);
	}

	String writeVerdict(Verdict verdict) {
		return this.mapper.writeValueAsString(verdict);
	}

	Map<String, String> readEdits(@Nullable String json) {
		Map<String, String> edits = new LinkedHashMap<>();
		if (json != null) {
			this.mapper.readTree(json)
				.properties()
				.forEach((edit) -> edits.put(edit.getKey(),
						edit.getValue().isString() ? edit.getValue().asString() : edit.getValue().toString()));
		}
		return edits;
	}

	String writeCompensationPayload(String tool, int seq, String input, Throwable failure, int attempts) {
		ObjectNode payload = this.mapper.createObjectNode();
		payload.put(Compensations.REVIEW, tool);
		payload.put("step", seq);
		payload.set("input", this.mapper.readTree(input));
		payload.put("errorType", failure.getClass().getName());
		payload.put("errorMessage", failure.getMessage());
		payload.put("attempts", attempts);
		return this.mapper.writeValueAsString(payload);
	}

	String writeBudgetPayload(String profile, Map<String, @Nullable Object> caps) {
		Map<String, @Nullable Object> payload = new LinkedHashMap<>(caps);
		payload.put(BUDGET_PROFILE, profile);
		return this.mapper.writeValueAsString(payload);
	}

	String writePolicyPayload(PolicyGate.Held held) {
		ObjectNode payload = this.mapper.valueToTree(held);
		payload.put(PolicyGate.POLICY, held.reason());
		return this.mapper.writeValueAsString(payload);
	}

	PolicyGate.Held readPolicyPayload(String json) {
		ObjectNode payload = (ObjectNode) this.mapper.readTree(json);
		payload.remove(PolicyGate.POLICY);
		return this.mapper.treeToValue(payload, PolicyGate.Held.class);
	}

	Verdict readVerdict(@Nullable String json) {
		return this.mapper.readValue(json, Verdict.class);
	}

	/**
	 * Writes a value that is never read back (a step input, what a compensation
	 * returned): best effort, for operators only.
	 */
	String writeBestEffort(@Nullable Object value) {
		try {
			return this.mapper.writeValueAsString(value);
		}
		catch (JacksonException ex) {
			return this.mapper.writeValueAsString("<not serializable: " + ex.getOriginalMessage() + ">");
		}
	}

	/**
	 * Rewrites JSON with the keys of every object sorted, so that equal arguments give
	 * equal text whatever the iteration order of their maps.
	 */
	String canonical(String json) {
		try {
			return this.mapper.writeValueAsString(sorted(this.mapper.readValue(json, Object.class)));
		}
		catch (JacksonException ex) {
			return json;
		}
	}

	private static @Nullable Object sorted(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, @Nullable Object> sorted = new TreeMap<>();
			map.forEach((key, entry) -> sorted.put(String.valueOf(key), sorted(entry)));
			return sorted;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(JsonCodec::sorted).toList();
		}
		return value;
	}

	/**
	 * Writes a result with its declared type, after checking it can be read back.
	 * @throws JacksonException if it cannot
	 */
	String writeResult(@Nullable Object value, Type type) {
		return codec(type).roundTrip(value);
	}

	@Nullable Object readResult(@Nullable String json, Type type) {
		if (json == null) {
			return null;
		}
		return codec(type).reader().readValue(json);
	}

	private Codec codec(Type type) {
		return this.codecs.computeIfAbsent(type, (key) -> {
			JavaType javaType = this.mapper.getTypeFactory().constructType(key);
			return new Codec(this.mapper.writerFor(javaType), this.mapper.readerFor(javaType));
		});
	}

	/**
	 * The writer and reader of one declared type, resolved once.
	 */
	private record Codec(ObjectWriter writer, ObjectReader reader) {

		String roundTrip(@Nullable Object value) {
			String json = this.writer.writeValueAsString(value);
			this.reader.readValue(json);
			return json;
		}

	}

	/**
	 * Recreates a recorded failure with its original type when that type can carry it out
	 * of the method (unchecked, or declared) and has a message constructor.
	 */
	static Throwable recreate(String errorType, @Nullable String message, Method method) {
		try {
			Class<?> type = ClassUtils.forName(errorType, method.getDeclaringClass().getClassLoader());
			if (Throwable.class.isAssignableFrom(type) && canThrow(type, method)) {
				Constructor<?> constructor = type.getConstructor(String.class);
				return (Throwable) constructor.newInstance(message);
			}
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			// fall through to the generic exception
		}
		return new StepFailedException(errorType, message);
	}

	/**
	 * Recreates a recorded failure of a step that is not a method (a model call, a tool
	 * the model picked): its unchecked type when it has a message constructor, else a
	 * {@link StepFailedException}.
	 */
	static Throwable recreate(String errorType, @Nullable String message) {
		try {
			Class<?> type = ClassUtils.forName(errorType, JsonCodec.class.getClassLoader());
			if (RuntimeException.class.isAssignableFrom(type)) {
				return (Throwable) type.getConstructor(String.class).newInstance(message);
			}
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			// fall through to the generic exception
		}
		return new StepFailedException(errorType, message);
	}

	private static boolean canThrow(Class<?> type, Method method) {
		if (RuntimeException.class.isAssignableFrom(type) || Error.class.isAssignableFrom(type)) {
			return true;
		}
		for (Class<?> declared : method.getExceptionTypes()) {
			if (declared.isAssignableFrom(type)) {
				return true;
			}
		}
		return false;
	}

}
