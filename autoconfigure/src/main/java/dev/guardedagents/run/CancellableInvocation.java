package dev.guardedagents.run;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;

/**
 * The body of a step that a cancel interrupts: no attempt starts once the run is
 * cancelled, so the guard's retries never repeat a body the cancel interrupted.
 */
final class CancellableInvocation implements MethodInvocation {

	private final MethodInvocation invocation;

	private final Execution execution;

	CancellableInvocation(MethodInvocation invocation, Execution execution) {
		this.invocation = invocation;
		this.execution = execution;
	}

	@Override
	public @Nullable Object proceed() throws Throwable {
		if (this.execution.isCancelled()) {
			throw RunSignal.cancelled(this.execution.runId());
		}
		return (this.invocation instanceof ProxyMethodInvocation proxy) ? proxy.invocableClone().proceed()
				: this.invocation.proceed();
	}

	@Override
	public Method getMethod() {
		return this.invocation.getMethod();
	}

	@Override
	public Object[] getArguments() {
		return this.invocation.getArguments();
	}

	@Override
	public @Nullable Object getThis() {
		return this.invocation.getThis();
	}

	@Override
	public AccessibleObject getStaticPart() {
		return this.invocation.getStaticPart();
	}

}
