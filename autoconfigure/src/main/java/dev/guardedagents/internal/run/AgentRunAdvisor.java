package dev.guardedagents.internal.run;

import java.util.function.Supplier;

import dev.guardedagents.AgentRun;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;

/**
 * Advises {@link AgentRun} methods: a call through the bean becomes a durable run.
 * Internal: not API.
 */
public final class AgentRunAdvisor extends AnnotatedMethodAdvisor {

	/**
	 * Creates a new advisor.
	 * @param engine the engine, looked up at the first call
	 */
	public AgentRunAdvisor(Supplier<RunEngine> engine) {
		super(AgentRun.class, new AgentRunInterceptor(engine), Ordered.LOWEST_PRECEDENCE - 300);
	}

	private static final class AgentRunInterceptor implements MethodInterceptor {

		private final Supplier<RunEngine> engine;

		AgentRunInterceptor(Supplier<RunEngine> engine) {
			this.engine = engine;
		}

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			return this.engine.get().invokeRun(invocation);
		}

	}

}
