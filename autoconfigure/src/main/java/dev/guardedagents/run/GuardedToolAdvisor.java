package dev.guardedagents.run;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.guardedagents.GuardedTool;
import dev.guardedagents.guard.ToolGuard;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;

/**
 * Advises {@link GuardedTool} methods: inside a run each call is a journaled step.
 * Internal: not API.
 */
public final class GuardedToolAdvisor extends AnnotatedMethodAdvisor {

	/**
	 * Creates a new advisor.
	 * @param engine the engine, looked up at the first call
	 */
	public GuardedToolAdvisor(Supplier<RunEngine> engine) {
		super(GuardedTool.class, new GuardedToolInterceptor(engine), Ordered.LOWEST_PRECEDENCE - 100);
	}

	private static final class GuardedToolInterceptor implements MethodInterceptor {

		private final Supplier<RunEngine> engine;

		private final Map<Method, Tool> tools = new ConcurrentHashMap<>();

		GuardedToolInterceptor(Supplier<RunEngine> engine) {
			this.engine = engine;
		}

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			RunEngine engine = this.engine.get();
			Tool tool = this.tools.computeIfAbsent(invocation.getMethod(), (method) -> tool(engine, invocation));
			return engine.invokeStep(invocation, tool.name(), tool.returnType(), tool.guard(),
					tool.idempotencyKey(invocation.getArguments()), tool.transactional());
		}

		private static Tool tool(RunEngine engine, MethodInvocation invocation) {
			Class<?> targetClass = AopUtils.getTargetClass(invocation.getThis());
			Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
			GuardedTool annotation = AnnotatedElementUtils.findMergedAnnotation(method, GuardedTool.class);
			AgentRunRegistry.RegisteredTool registered = engine.registry().guardedTool(method);
			String name = (registered != null) ? registered.name()
					: AgentRunRegistry.toolName(targetClass, method, annotation);
			return new Tool(name, method, engine.guards().guard(method, name),
					(registered != null) ? registered.idempotencyKey() : null,
					annotation != null && annotation.transactional());
		}

	}

	private record Tool(String name, Method method, ToolGuard guard, @Nullable Expression idempotencyKey,
			boolean transactional) {

		Type returnType() {
			return this.method.getGenericReturnType();
		}

		@Nullable String idempotencyKey(Object[] args) {
			if (this.idempotencyKey == null) {
				return null;
			}
			Object key = AgentRunRegistry.evaluate(this.idempotencyKey, this.method, args, "idempotencyKey", this.name);
			if (key == null) {
				throw new IllegalArgumentException(
						"@GuardedTool(idempotencyKey = \"" + this.idempotencyKey.getExpressionString() + "\") of tool '"
								+ this.name + "' evaluated to null");
			}
			return key.toString();
		}

	}

}
