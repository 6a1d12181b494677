package dev.guardedagents.run;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.guardedagents.AgentRun;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.StringUtils;

/**
 * Finds the {@link AgentRun} methods of the application's beans, after they were proxied,
 * so that a run recorded under a name can be resumed through its bean. Internal: not API.
 */
public final class AgentRunRegistry implements BeanPostProcessor, Ordered {

	private static final SpelExpressionParser parser = new SpelExpressionParser();

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Map<String, Plan> byName = new ConcurrentHashMap<>();

	private final Map<Method, Plan> byMethod = new ConcurrentHashMap<>();

	private final Set<Class<?>> withoutRuns = Collections.newSetFromMap(new ConcurrentHashMap<>());

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.withoutRuns.contains(targetClass)) {
			return bean;
		}
		Map<Method, AgentRun> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<AgentRun>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, AgentRun.class));
		if (methods.isEmpty()) {
			this.withoutRuns.add(targetClass);
			return bean;
		}
		if (!AopUtils.isAopProxy(bean)) {
			throw new BeanInitializationException("Bean '" + beanName
					+ "' declares @AgentRun methods but is not proxied, "
					+ "so its runs could not be journaled; make sure it is a Spring bean created by the container "
					+ "(not a final class) and that spring.aop.auto is not false");
		}
		methods.forEach((method, annotation) -> register(bean, targetClass, method, annotation));
		return bean;
	}

	private void register(Object bean, Class<?> targetClass, Method method, AgentRun annotation) {
		String name = StringUtils.hasText(annotation.name()) ? annotation.name()
				: targetClass.getSimpleName() + "." + method.getName();
		if (name.length() > 200 || annotation.version().isEmpty() || annotation.version().length() > 50) {
			throw new BeanInitializationException("@AgentRun on " + method.toGenericString()
					+ " needs a name of at most 200 characters and a version of 1 to 50 characters");
		}
		Plan plan = new Plan(name, annotation.version(), bean, method, method.getGenericParameterTypes(),
				method.getGenericReturnType(), expression(annotation.idempotencyKey()),
				expression(annotation.businessKey()));
		Plan existing = this.byName.putIfAbsent(name, plan);
		if (existing != null && !existing.method().equals(method)) {
			throw new BeanInitializationException(
					"Two @AgentRun methods are named '" + name + "': " + existing.method().toGenericString() + " and "
							+ method.toGenericString() + "; give one of them another name with @AgentRun(name = ...)");
		}
		this.byMethod.put(method, plan);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	/**
	 * Finds the plan of an invoked method.
	 * @param method the method as declared by the target class
	 * @return the plan, or {@code null} if the method was not registered
	 */
	@Nullable Plan plan(Method method) {
		return this.byMethod.get(method);
	}

	@Nullable Plan plan(String name) {
		return this.byName.get(name);
	}

	/**
	 * Returns the plans this instance can run.
	 * @return plan names to versions
	 */
	Map<String, String> versions() {
		Map<String, String> versions = new ConcurrentHashMap<>();
		this.byName.forEach((name, plan) -> versions.put(name, plan.version()));
		return versions;
	}

	private static @Nullable Expression expression(String text) {
		return StringUtils.hasText(text) ? parser.parseExpression(text) : null;
	}

	/**
	 * An {@link AgentRun} method and what is needed to start and resume its runs.
	 *
	 * @param name the run name
	 * @param version the plan version
	 * @param bean the proxied bean to call on resume
	 * @param method the method as declared by the target class
	 * @param parameterTypes the generic parameter types
	 * @param returnType the generic return type
	 * @param idempotencyKey the idempotency key expression
	 * @param businessKey the business key expression
	 */
	record Plan(String name, String version, Object bean, Method method, Type[] parameterTypes, Type returnType,
			@Nullable Expression idempotencyKey, @Nullable Expression businessKey) {

		@Nullable String idempotencyKey(Object[] args) {
			return evaluate(this.idempotencyKey, args, "idempotencyKey");
		}

		@Nullable String businessKey(Object[] args) {
			return evaluate(this.businessKey, args, "businessKey");
		}

		private @Nullable String evaluate(@Nullable Expression expression, Object[] args, String attribute) {
			if (expression == null) {
				return null;
			}
			try {
				Object value = expression
					.getValue(new MethodBasedEvaluationContext(null, this.method, args, parameterNames));
				return (value != null) ? value.toString() : null;
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException("@AgentRun(" + attribute + " = \"" + expression.getExpressionString()
						+ "\") of run '" + this.name + "' cannot be evaluated: " + ex.getMessage(), ex);
			}
		}

	}

}
