package dev.guardedagents.internal.guard;

import java.time.Duration;
import java.util.List;

import dev.guardedagents.FailureMode;

/**
 * The effective guard settings of one tool: the annotation over
 * {@code guarded-agents.tools.<name>} over {@code guarded-agents.tools.defaults} over the
 * built-in defaults. Internal: not API.
 *
 * @param timeout the timeout of one attempt
 * @param maxAttempts the maximum number of attempts
 * @param backoffInitial the wait before the second attempt
 * @param backoffMultiplier the factor between two waits
 * @param backoffMax the longest wait
 * @param jitter the randomization of each wait, 0 to 1
 * @param retryFor the exceptions retried, all when empty
 * @param noRetryFor the exceptions never retried
 * @param circuitBreaker whether a circuit breaker guards the tool
 * @param failureRateThreshold the failure rate, in percent, that opens the circuit
 * @param slidingWindowSize the number of calls the failure rate is computed over
 * @param minimumNumberOfCalls the number of calls before the failure rate counts
 * @param waitInOpenState how long the circuit stays open before it lets calls try again
 * @param maxConcurrentCalls the bulkhead's number of concurrent calls
 * @param onFailure what happens after the last attempt without a fallback
 * @param cancelInterrupts whether cancelling the run interrupts the body while it
 * executes
 */
public record GuardSettings(Duration timeout, int maxAttempts, Duration backoffInitial, double backoffMultiplier,
		Duration backoffMax, double jitter, List<Class<? extends Throwable>> retryFor,
		List<Class<? extends Throwable>> noRetryFor, boolean circuitBreaker, float failureRateThreshold,
		int slidingWindowSize, int minimumNumberOfCalls, Duration waitInOpenState, int maxConcurrentCalls,
		FailureMode onFailure, boolean cancelInterrupts) {

	/**
	 * The built-in defaults.
	 */
	public static final GuardSettings DEFAULTS = new GuardSettings(Duration.ofSeconds(30), 3, Duration.ofMillis(200),
			2.0, Duration.ofSeconds(10), 0.5, List.of(), List.of(), true, 50, 20, 10, Duration.ofSeconds(30), 100,
			FailureMode.THROW, false);

	/**
	 * The built-in defaults of model calls: as for tools, with a longer timeout.
	 */
	public static final GuardSettings MODEL_DEFAULTS = new GuardSettings(Duration.ofSeconds(120), 3,
			Duration.ofMillis(500), 2.0, Duration.ofSeconds(20), 0.5, List.of(), List.of(), true, 50, 20, 10,
			Duration.ofSeconds(30), 100, FailureMode.THROW, false);

	/**
	 * Returns these settings with another {@link #cancelInterrupts()}.
	 * @param interrupts whether cancelling the run interrupts the body
	 * @return the settings
	 */
	public GuardSettings withCancelInterrupts(boolean interrupts) {
		return new GuardSettings(this.timeout, this.maxAttempts, this.backoffInitial, this.backoffMultiplier,
				this.backoffMax, this.jitter, this.retryFor, this.noRetryFor, this.circuitBreaker,
				this.failureRateThreshold, this.slidingWindowSize, this.minimumNumberOfCalls, this.waitInOpenState,
				this.maxConcurrentCalls, this.onFailure, interrupts);
	}

}
