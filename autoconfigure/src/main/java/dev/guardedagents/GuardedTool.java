package dev.guardedagents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as a step: a call with side effects or non-determinism (an API
 * call, a database write, a tool a model may call).
 * <p>
 * Every call is guarded: a timeout per attempt, retries with exponential backoff and
 * jitter, a circuit breaker and a bulkhead, configured under
 * {@code guarded-agents.tools.defaults.*} and {@code guarded-agents.tools.<name>.*} and
 * overridable here. After the last attempt the {@link #fallbackMethod()} answers, or
 * {@link #onFailure()} decides.
 * <p>
 * Inside a run each call is journaled once it completes: its input, its output or
 * failure, its attempts and their errors, its timing. When the run is resumed, a
 * journaled call returns its recorded output (or rethrows its recorded failure) without
 * executing again. A call that was executing when the process died has no journal entry
 * and runs again, so the body should pass {@link RunContext#stepIdempotencyKey()} to
 * external systems that accept one. Outside a run the guards apply and nothing is
 * journaled.
 *
 * @see AgentRun
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface GuardedTool {

	/**
	 * Name of the step, as recorded in the journal and checked on replay, and the key of
	 * its settings under {@code guarded-agents.tools.<name>}. Defaults to the simple
	 * class name and method name.
	 * @return the step name
	 */
	String name() default "";

	/**
	 * SpEL expression over the arguments (such as {@code #order.id + ':charge'}) giving
	 * an idempotency key for write-once semantics across runs: the first completed call
	 * with a key records its output, and every later call with the same key, from any run
	 * or instance, returns that output without executing. A concurrent call waits for the
	 * first (at most {@code guarded-agents.idempotency.wait-timeout}, then
	 * {@link IdempotencyConflictException}). A failed call gives the key up.
	 * @return the idempotency key expression, empty for none
	 */
	String idempotencyKey() default "";

	/**
	 * Whether the body's writes to the application's database and the step's journal row
	 * commit in one transaction (a new one per attempt, through the application's
	 * {@code PlatformTransactionManager} over the journal's {@code DataSource}): the
	 * write happens exactly once, also across crashes. Serialization failures and
	 * deadlocks are retried like any other failure.
	 * @return whether the step is transactional
	 */
	boolean transactional() default false;

	/**
	 * Name of the method on the same bean that undoes this step (saga compensation). It
	 * takes the tool's parameters, optionally followed by the tool's result. When a run
	 * fails, is cancelled, or is aborted by a reviewer, the compensations of its
	 * completed steps run in reverse order, each as a journaled {@code COMPENSATION} step
	 * with this tool's guards; one that still fails parks the run for a reviewer (retry,
	 * mark done, give up).
	 * @return the compensation method name, empty for none
	 */
	String compensation() default "";

	/**
	 * Timeout of one attempt, as a duration ({@code 10s}, {@code PT10S}); the attempt's
	 * thread is interrupted when it passes. Overrides the configured value when set.
	 * @return the timeout
	 */
	String timeout() default "";

	/**
	 * How many attempts at most, the first included. Overrides the configured value when
	 * positive.
	 * @return the maximum number of attempts
	 */
	int maxAttempts() default 0;

	/**
	 * Wait before the second attempt, as a duration. Overrides the configured value when
	 * set.
	 * @return the initial backoff
	 */
	String backoffInitial() default "";

	/**
	 * Factor between two waits, at least 1. Overrides the configured value when set (not
	 * 0).
	 * @return the backoff multiplier
	 */
	double backoffMultiplier() default 0;

	/**
	 * Longest wait, as a duration. Overrides the configured value when set.
	 * @return the maximum backoff
	 */
	String backoffMax() default "";

	/**
	 * Randomization of each wait, from 0 to below 1. Overrides the configured value when
	 * set (not negative).
	 * @return the jitter
	 */
	double jitter() default -1;

	/**
	 * Failure rate, in percent, that opens the circuit. Overrides the configured value
	 * when set (not 0).
	 * @return the failure rate threshold
	 */
	float failureRateThreshold() default 0;

	/**
	 * Number of calls the failure rate is computed over. Overrides the configured value
	 * when positive.
	 * @return the sliding window size
	 */
	int slidingWindowSize() default 0;

	/**
	 * How long an open circuit fails calls at once, as a duration. Overrides the
	 * configured value when set.
	 * @return the wait in open state
	 */
	String waitInOpenState() default "";

	/**
	 * Calls of the tool that may run at once. Overrides the configured value when
	 * positive.
	 * @return the bulkhead size
	 */
	int maxConcurrentCalls() default 0;

	/**
	 * Exceptions that are retried; all but those of {@link #noRetryFor()} when empty.
	 * Overrides the configured value when set.
	 * @return the retried exception types
	 */
	Class<? extends Throwable>[] retryFor() default {};

	/**
	 * Exceptions that are never retried. Overrides the configured value when set.
	 * @return the exception types that are not retried
	 */
	Class<? extends Throwable>[] noRetryFor() default {};

	/**
	 * A method on the same bean with the same parameters, optionally followed by a
	 * {@link Throwable} (the last failure), that answers after the last attempt failed.
	 * The step records that it fell back.
	 * @return the fallback method name, empty for none
	 */
	String fallbackMethod() default "";

	/**
	 * What happens after the last attempt failed and there is no fallback; the configured
	 * value when empty.
	 * @return at most one failure mode
	 */
	FailureMode[] onFailure() default {};

}
