package dev.guardedagents.internal.guard;

import java.util.List;

import dev.guardedagents.FailureMode;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a guarded call. Internal: not API.
 *
 * @param result the result, if it succeeded or fell back
 * @param failure the last failure, if it failed
 * @param attempts how many attempts were made
 * @param failedAttempts the failed attempts in order
 * @param fellBack whether the fallback answered
 * @param onFailure what happens with a failure
 */
public record Guarded(@Nullable Object result, @Nullable Throwable failure, int attempts,
		List<AttemptRecord> failedAttempts, boolean fellBack, FailureMode onFailure) {

}
