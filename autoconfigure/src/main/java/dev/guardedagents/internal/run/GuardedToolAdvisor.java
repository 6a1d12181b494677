package dev.guardedagents.internal.run;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.guardedagents.GuardedTool;
import dev.guardedagents.internal.guard.ToolGuard;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;

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
			Execution execution = RunContextHolder.execution();
			if (execution != null && execution.runsBody(invocation.getMethod())) {
				// the body of the step its checkpoint runs: guarded and journaled there
				return invocation.proceed();
			}
			RunEngine engine = this.engine.get();
			Tool tool = this.tools.computeIfAbsent(invocation.getMethod(), (method) -> tool(engine, invocation));
			AgentRunRegistry.RegisteredTool definition = tool.definition();
			return engine.invokeStep(invocation, definition.name(), definition.method().getGenericReturnType(),
					tool.guard(), definition.idempotencyKey(invocation.getArguments()), definition.transactional());
		}

		private static Tool tool(RunEngine engine, MethodInvocation invocation) {
			Class<?> targetClass = AopUtils.getTargetClass(invocation.getThis());
			Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
			AgentRunRegistry.RegisteredTool definition = engine.registry().guardedTool(method);
			if (definition == null) {
				// a bean the registry did not see (not a singleton): named by the same
				// rule,
				// without an idempotency key
				GuardedTool annotation = AnnotatedElementUtils.findMergedAnnotation(method, GuardedTool.class);
				definition = new AgentRunRegistry.RegisteredTool(AgentRunRegistry.toolName(targetClass, method), method,
						null, annotation != null && annotation.transactional());
			}
			return new Tool(definition, engine.guards().guard(method, definition.name()));
		}

	}

	/**
	 * A tool's definition and its guard, resolved at its first call.
	 */
	private record Tool(AgentRunRegistry.RegisteredTool definition, ToolGuard guard) {
	}

}
