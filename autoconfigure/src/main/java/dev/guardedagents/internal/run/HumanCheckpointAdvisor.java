package dev.guardedagents.internal.run;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import dev.guardedagents.HumanCheckpoint;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.Ordered;

/**
 * Advises {@link HumanCheckpoint} methods: inside a run the call waits for a human
 * decision. Ordered outside the {@link GuardedToolAdvisor}, so that a method carrying
 * both annotations is decided first and then runs as its guarded step. Internal: not API.
 */
public final class HumanCheckpointAdvisor extends AnnotatedMethodAdvisor {

	/**
	 * Creates a new advisor.
	 * @param engine the engine, looked up at the first call
	 * @param registry the registry of checkpoints
	 */
	public HumanCheckpointAdvisor(Supplier<RunEngine> engine, AgentRunRegistry registry) {
		super(HumanCheckpoint.class, new CheckpointInterceptor(engine, registry), Ordered.LOWEST_PRECEDENCE - 200);
	}

	private static final class CheckpointInterceptor implements MethodInterceptor {

		private final Supplier<RunEngine> engine;

		private final AgentRunRegistry registry;

		CheckpointInterceptor(Supplier<RunEngine> engine, AgentRunRegistry registry) {
			this.engine = engine;
			this.registry = registry;
		}

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			if (RunContextHolder.execution() == null) {
				return invocation.proceed();
			}
			Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(),
					AopUtils.getTargetClass(invocation.getThis()));
			AgentRunRegistry.Checkpoint checkpoint = this.registry.checkpoint(method);
			if (checkpoint == null) {
				throw new IllegalStateException("@HumanCheckpoint method " + method.toGenericString()
						+ " was not registered; its bean must be a singleton created by the Spring container");
			}
			return this.engine.get().invokeCheckpoint(invocation, checkpoint);
		}

	}

}
