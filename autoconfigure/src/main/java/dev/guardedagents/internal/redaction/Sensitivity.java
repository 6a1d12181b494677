package dev.guardedagents.internal.redaction;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.guardedagents.Sensitive;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.MergedAnnotations;

/**
 * Which parameters and whether the return value of a method are {@link Sensitive}.
 *
 * @param positions the positions of the sensitive parameters, from 0
 * @param names the names of the sensitive parameters
 * @param result whether the return value is sensitive
 */
public record Sensitivity(Set<Integer> positions, Set<String> names, boolean result) {

	/**
	 * Nothing sensitive.
	 */
	public static final Sensitivity NONE = new Sensitivity(Set.of(), Set.of(), false);

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private static final Map<Method, Sensitivity> declared = new ConcurrentHashMap<>();

	private static final Map<Call, Sensitivity> calls = new ConcurrentHashMap<>();

	/**
	 * Returns what a method declares sensitive.
	 * @param method the method
	 * @return its sensitivity, {@link #NONE} when it declares nothing
	 */
	public static Sensitivity of(Method method) {
		return declared.computeIfAbsent(method, Sensitivity::read);
	}

	/**
	 * Returns what the method of a call declares, as called (an interface method through
	 * a JDK proxy) or as declared by the bean's class.
	 * @param invocation the call
	 * @return its sensitivity
	 */
	public static Sensitivity of(MethodInvocation invocation) {
		Method called = invocation.getMethod();
		Object target = invocation.getThis();
		if (target == null) {
			return of(called);
		}
		return called(new Call(called, AopUtils.getTargetClass(target)));
	}

	private static Sensitivity called(Call call) {
		return calls.computeIfAbsent(call, (key) -> {
			Method declared = AopUtils.getMostSpecificMethod(key.method(), key.targetClass());
			return declared.equals(key.method()) ? of(key.method()) : of(key.method()).and(of(declared));
		});
	}

	private static Sensitivity read(Method method) {
		Parameter[] parameters = method.getParameters();
		@Nullable String[] discovered = parameterNames.getParameterNames(method);
		Set<Integer> positions = new LinkedHashSet<>();
		Set<String> names = new LinkedHashSet<>();
		for (int i = 0; i < parameters.length; i++) {
			if (MergedAnnotations.from(parameters[i]).isPresent(Sensitive.class)) {
				positions.add(i);
				names.add((discovered != null && discovered[i] != null) ? discovered[i] : parameters[i].getName());
			}
		}
		boolean result = MergedAnnotations.from(method, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
			.isPresent(Sensitive.class);
		return (positions.isEmpty() && !result) ? NONE
				: new Sensitivity(Set.copyOf(positions), Set.copyOf(names), result);
	}

	/**
	 * Returns what this or the other declares sensitive.
	 * @param other the other
	 * @return both
	 */
	public Sensitivity and(Sensitivity other) {
		if (other == NONE || other.equals(this)) {
			return this;
		}
		if (this == NONE) {
			return other;
		}
		Set<Integer> positions = new LinkedHashSet<>(this.positions);
		positions.addAll(other.positions);
		Set<String> names = new LinkedHashSet<>(this.names);
		names.addAll(other.names);
		return new Sensitivity(Set.copyOf(positions), Set.copyOf(names), this.result || other.result);
	}

	/**
	 * Whether any parameter is sensitive.
	 * @return whether arguments need masking
	 */
	public boolean hasParameters() {
		return !this.positions.isEmpty();
	}

	/**
	 * Returns arguments with the sensitive ones masked: by position in an array, by name
	 * in an object.
	 * @param arguments the arguments as JSON (changed in place)
	 * @return the arguments
	 */
	JsonNode maskArguments(JsonNode arguments) {
		if (arguments instanceof ArrayNode array) {
			for (int position : this.positions) {
				if (position < array.size()) {
					array.set(position, StringNode.valueOf(Sensitive.MASK));
				}
			}
		}
		else if (arguments instanceof ObjectNode object) {
			for (String name : this.names) {
				if (object.has(name)) {
					object.put(name, Sensitive.MASK);
				}
			}
		}
		return arguments;
	}

	/**
	 * A method as called on a bean of a class.
	 *
	 * @param method the method called
	 * @param targetClass the bean's class
	 */
	private record Call(Method method, Class<?> targetClass) {
	}

}
