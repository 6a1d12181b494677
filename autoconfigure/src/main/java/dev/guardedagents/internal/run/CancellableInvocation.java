package dev.guardedagents.internal.run;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * The body of a step that a cancel interrupts: no attempt starts once the run is
 * cancelled, so the guard's retries never repeat a body the cancel interrupted.
 */
final class CancellableInvocation extends StepAttempts {

	private final Execution execution;

	CancellableInvocation(MethodInvocation invocation, Execution execution) {
		super(invocation);
		this.execution = execution;
	}

	@Override
	public @Nullable Object proceed() throws Throwable {
		this.execution.stopIfCancelled();
		return attempt();
	}

}
