package dev.guardedagents.internal.run;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;

/**
 * A step's invocation as its guard sees it, one {@link #proceed()} an attempt: each
 * attempt proceeds on a fresh copy of the proxy's invocation, so that a retry runs the
 * method again. Subclasses add what happens around an attempt.
 */
abstract class StepAttempts implements MethodInvocation {

	final MethodInvocation invocation;

	StepAttempts(MethodInvocation invocation) {
		this.invocation = invocation;
	}

	/**
	 * Runs the method once.
	 * @return its result
	 * @throws Throwable its failure
	 */
	@Nullable Object attempt() throws Throwable {
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
