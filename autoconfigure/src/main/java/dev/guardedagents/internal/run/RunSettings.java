package dev.guardedagents.internal.run;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of the run engine, taken from {@code guarded-agents.*} properties. Internal:
 * not API.
 *
 * @param instanceId the id of this instance, stable across its restarts
 * @param poolSize the number of threads executing asynchronous and recovered runs
 * @param queueCapacity how many runs may wait for a thread
 * @param shutdownGracePeriod how long a stopping instance waits for its runs
 * @param leaseDuration how long an owner holds a run without renewing its lease
 * @param renewInterval how often an owner renews its leases
 * @param scanInterval how often expired leases are looked for
 * @param maxRecoveries how often a run may be resumed after its owner stopped before it
 * is failed
 * @param reviewTimeout the timeout of a checkpoint that names none
 * @param idempotencyWait how long a call waits for another run's call with the same
 * idempotency key
 * @param failRunOnWhenError whether a checkpoint condition that cannot be evaluated fails
 * the run instead of asking a reviewer
 * @param returnRecordedOnKeyMismatch whether a call whose idempotency key was completed
 * with other arguments gets the recorded result instead of a conflict
 * @param outageTolerance how long a journal write is retried through an outage
 * @param maxPayloadBytes the largest input or output of a step the journal takes, in
 * bytes of JSON
 * @param hashSensitiveInputs whether a {@code @Sensitive} argument of a step is journaled
 * as its SHA-256 hash rather than masked
 * @param maxConcurrent the most runs of a plan that execute at once, by run name, for the
 * plans that have a limit
 */
public record RunSettings(String instanceId, int poolSize, int queueCapacity, Duration shutdownGracePeriod,
		Duration leaseDuration, Duration renewInterval, Duration scanInterval, int maxRecoveries,
		Duration reviewTimeout, Duration idempotencyWait, boolean failRunOnWhenError,
		boolean returnRecordedOnKeyMismatch, Duration outageTolerance, long maxPayloadBytes,
		boolean hashSensitiveInputs, Map<String, Integer> maxConcurrent) {

}
