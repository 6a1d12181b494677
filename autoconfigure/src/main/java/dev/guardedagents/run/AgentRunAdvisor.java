package dev.guardedagents.run;

import java.util.function.Supplier;

import dev.guardedagents.AgentRun;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.Ordered;

/**
 * Advises {@link AgentRun} methods: a call through the bean becomes a durable run.
 * Internal: not API.
 */
public final class AgentRunAdvisor extends AbstractPointcutAdvisor {

	private final Pointcut pointcut = AnnotationMatchingPointcut.forMethodAnnotation(AgentRun.class);

	private final Advice advice;

	/**
	 * Creates a new advisor.
	 * @param engine the engine, looked up at the first call
	 */
	public AgentRunAdvisor(Supplier<RunEngine> engine) {
		this.advice = new AgentRunInterceptor(engine);
		setOrder(Ordered.LOWEST_PRECEDENCE - 300);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
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
