package dev.guardedagents;

import java.time.Duration;

/**
 * Implemented by exceptions that know when a retry may succeed, such as an HTTP 429 with
 * a {@code Retry-After} header: the backoff of a {@link GuardedTool} waits that long
 * before the next attempt (capped by the configured maximum backoff).
 */
public interface RetryAfterHint {

	/**
	 * Returns how long to wait before the next attempt.
	 * @return the wait, or {@code null} for the configured backoff
	 */
	Duration retryAfter();

}
