package dev.guardedagents.internal.guard;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.ModelStreamBrokenException;
import dev.guardedagents.ToolTimeoutException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;

/**
 * The guard of one tool: retry, (a model's rate limit,) circuit breaker, time limit,
 * bulkhead, call (outermost first), then the fallback. The time limit interrupts the
 * calling thread when an attempt runs late, so the body keeps the caller's thread-bound
 * state (run context, transaction, security context). Internal: not API.
 */
public final class ToolGuard {

	private final String name;

	private final GuardSettings settings;

	private final Retry retry;

	private final @Nullable CircuitBreaker circuitBreaker;

	private final Bulkhead bulkhead;

	private final @Nullable Method fallback;

	private final Watchdog watchdog;

	private final @Nullable RateLimit rateLimit;

	ToolGuard(String name, GuardSettings settings, Retry retry, @Nullable CircuitBreaker circuitBreaker,
			Bulkhead bulkhead, @Nullable Method fallback, Watchdog watchdog, @Nullable RateLimit rateLimit) {
		this.name = name;
		this.settings = settings;
		this.retry = retry;
		this.circuitBreaker = circuitBreaker;
		this.bulkhead = bulkhead;
		this.fallback = fallback;
		this.watchdog = watchdog;
		this.rateLimit = rateLimit;
	}

	/**
	 * Returns the effective settings.
	 * @return the settings
	 */
	public GuardSettings settings() {
		return this.settings;
	}

	/**
	 * Counts the tokens a model call used against the model's rate limit, if it has one:
	 * the calls after it wait until they fit.
	 * @param tokens the input and output tokens
	 */
	public void used(long tokens) {
		if (this.rateLimit != null) {
			this.rateLimit.used(tokens);
		}
	}

	/**
	 * Calls the tool through its guards. Errors ({@link Error}, such as the engine's
	 * control signals) are not retried and propagate.
	 * @param invocation the invocation of the tool method
	 * @return the outcome
	 */
	public Guarded call(MethodInvocation invocation) {
		return call(() -> proceed(invocation), invocation);
	}

	/**
	 * Calls a body that is not a bean method (a model call, a tool the model picked)
	 * through the guards; there is no fallback method.
	 * @param body the body
	 * @return the outcome
	 */
	public Guarded call(CheckedSupplier<Object> body) {
		return call(body, null);
	}

	private Guarded call(CheckedSupplier<Object> call, @Nullable MethodInvocation invocation) {
		List<AttemptRecord> failures = new ArrayList<>();
		AtomicInteger attempts = new AtomicInteger();
		CheckedSupplier<Object> bulkheaded = Bulkhead.decorateCheckedSupplier(this.bulkhead, call);
		CheckedSupplier<Object> timed = () -> timeLimited(bulkheaded);
		CheckedSupplier<Object> broken = (this.circuitBreaker != null)
				? CircuitBreaker.decorateCheckedSupplier(this.circuitBreaker, timed) : timed;
		CheckedSupplier<Object> counted = () -> {
			attempts.incrementAndGet();
			long start = System.nanoTime();
			try {
				if (this.rateLimit != null) {
					this.rateLimit.await();
				}
				return broken.get();
			}
			catch (Exception ex) {
				failures.add(new AttemptRecord(ex.getClass().getName(), String.valueOf(ex.getMessage()),
						(System.nanoTime() - start) / 1_000_000.0));
				throw ex;
			}
		};
		try {
			Object result = Retry.decorateCheckedSupplier(this.retry, counted).get();
			return new Guarded(result, null, attempts.get(), failures, false, this.settings.onFailure());
		}
		catch (Error error) {
			throw error;
		}
		catch (Throwable failure) {
			if (this.fallback != null && invocation != null) {
				return fallBack(invocation, failure, attempts.get(), failures);
			}
			return new Guarded(null, failure, attempts.get(), failures, false, this.settings.onFailure());
		}
	}

	private Guarded fallBack(MethodInvocation invocation, Throwable failure, int attempts,
			List<AttemptRecord> failures) {
		Object[] args = invocation.getArguments();
		if (this.fallback.getParameterCount() > args.length) {
			args = Arrays.copyOf(args, args.length + 1);
			args[args.length - 1] = failure;
		}
		try {
			Object result = AopUtils.invokeJoinpointUsingReflection(invocation.getThis(), this.fallback, args);
			return new Guarded(result, null, attempts, failures, true, this.settings.onFailure());
		}
		catch (Error error) {
			throw error;
		}
		catch (Throwable fallbackFailure) {
			fallbackFailure.addSuppressed(failure);
			return new Guarded(null, fallbackFailure, attempts, failures, false, this.settings.onFailure());
		}
	}

	private static Object proceed(MethodInvocation invocation) throws Throwable {
		if (invocation instanceof ProxyMethodInvocation proxy) {
			return proxy.invocableClone().proceed();
		}
		return invocation.proceed();
	}

	/**
	 * Runs an attempt on the calling thread and interrupts it if it runs late; a late
	 * attempt fails with {@link ToolTimeoutException} whatever it returned.
	 */
	private Object timeLimited(CheckedSupplier<Object> attempt) throws Throwable {
		Watchdog.Attempt watched = this.watchdog.watch(this.settings.timeout());
		Object result = null;
		Throwable failure = null;
		try {
			result = attempt.get();
		}
		catch (Throwable ex) {
			failure = ex;
		}
		if (!watched.finish()) {
			if (failure instanceof Error error) {
				throw error;
			}
			ToolTimeoutException timeout = ToolTimeoutException.of(this.name, this.settings.timeout());
			if (failure instanceof ModelStreamBrokenException broken) {
				// a stream cut after its chunks reached the caller is not retried
				throw new ModelStreamBrokenException(broken.getChunks(), timeout);
			}
			throw timeout;
		}
		if (failure != null) {
			throw failure;
		}
		return result;
	}

}
