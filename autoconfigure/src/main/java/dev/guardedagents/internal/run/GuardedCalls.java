package dev.guardedagents.internal.run;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import dev.guardedagents.IdempotencyConflictException;
import dev.guardedagents.internal.guard.Guarded;
import dev.guardedagents.internal.guard.ToolGuard;
import dev.guardedagents.internal.store.JdbcIdempotencyStore;
import dev.guardedagents.internal.redaction.Sensitivity;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

/**
 * Tool calls through their guards, once per idempotency key when they have one, with
 * their result written as JSON once for the journal and the key.
 */
final class GuardedCalls {

	private final JdbcIdempotencyStore idempotency;

	private final JsonCodec codec;

	private final Duration wait;

	private final Clock clock;

	private final boolean returnRecordedOnMismatch;

	GuardedCalls(JdbcIdempotencyStore idempotency, JsonCodec codec, Duration wait, Clock clock,
			boolean returnRecordedOnMismatch) {
		this.idempotency = idempotency;
		this.codec = codec;
		this.wait = wait;
		this.clock = clock;
		this.returnRecordedOnMismatch = returnRecordedOnMismatch;
	}

	/**
	 * Calls a tool through its guard, at most once per idempotency key across runs: the
	 * first call claims the key and completes it with its output; later calls return that
	 * output; a call that finds the key claimed by another run waits for it, and the run
	 * that claimed it (resumed after a crash) executes it again. A key is bound to the
	 * arguments of the call that claimed it: a call with other arguments is refused.
	 */
	Called call(ToolGuard guard, MethodInvocation invocation, String tool, @Nullable String key, @Nullable String runId,
			Type returnType, boolean journaled, @Nullable OutputCheck check, @Nullable String arguments)
			throws InterruptedException {
		if (key == null) {
			Guarded outcome = guard.call(invocation);
			return journaled ? checked(serialized(outcome, tool, returnType), check)
					: new Called(outcome, outcome.failure(), null);
		}
		String owner = (runId != null) ? runId : "call:" + UUID.randomUUID();
		Sensitivity sensitivity = Sensitivity.of(invocation);
		String input = (arguments != null) ? arguments : this.codec.writeInput(invocation.getArguments(), sensitivity);
		// a key is bound to the real arguments, also where the journal keeps them masked
		String fingerprint = fingerprint(this.codec
			.canonical(sensitivity.hasParameters() ? this.codec.writeBestEffort(invocation.getArguments()) : input));
		long deadline = System.nanoTime() + this.wait.toNanos();
		long pause = 10;
		while (!this.idempotency.claim(tool, key, owner, fingerprint, this.clock.instant())) {
			JdbcIdempotencyStore.Claim claim = this.idempotency.find(tool, key).orElse(null);
			if (claim == null) {
				continue;
			}
			if (claim.mismatches(fingerprint) && !claim.owner().equals(owner) && !this.returnRecordedOnMismatch) {
				throw new IdempotencyConflictException(tool, key, claim.owner(), input);
			}
			if (claim.completed()) {
				// attempts: 1 when this run made the call before it crashed, 0 when
				// another run did
				Guarded recorded = new Guarded(this.codec.readResult(claim.output(), returnType), null,
						claim.owner().equals(owner) ? 1 : 0, List.of(), false, guard.settings().onFailure());
				return new Called(recorded, null, claim.output());
			}
			if (claim.owner().equals(owner)) {
				break;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IdempotencyConflictException(tool, key, claim.owner());
			}
			Thread.sleep(pause);
			pause = Math.min(pause * 2, 200);
		}
		Called called;
		try {
			called = checked(serialized(guard.call(invocation), tool, returnType), check);
		}
		catch (Error signal) {
			this.idempotency.release(tool, key, owner);
			throw signal;
		}
		if (called.output() != null) {
			this.idempotency.complete(tool, key, owner, called.output(), this.clock.instant());
		}
		else {
			this.idempotency.release(tool, key, owner);
		}
		return called;
	}

	/**
	 * Whether a call would be answered from its completed idempotency key without
	 * executing, so that nobody is asked to approve what was already done.
	 * @throws IdempotencyConflictException if the key was completed with other arguments
	 */
	boolean completed(String tool, String key, @Nullable Object[] args, Sensitivity sensitivity) {
		JdbcIdempotencyStore.Claim claim = this.idempotency.find(tool, key).orElse(null);
		if (claim == null || !claim.completed()) {
			return false;
		}
		if (claim.mismatches(fingerprint(this.codec.canonical(this.codec.writeBestEffort(args))))
				&& !this.returnRecordedOnMismatch) {
			throw new IdempotencyConflictException(tool, key, claim.owner(), this.codec.writeInput(args, sensitivity));
		}
		return true;
	}

	/**
	 * The SHA-256 of a call's arguments as JSON, in hex.
	 */
	static String fingerprint(String arguments) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(arguments.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/**
	 * Checks an output before it is recorded or completes a key: a denied output fails
	 * the call, and one sent to review parks the run (the check throws its signal).
	 */
	private static Called checked(Called called, @Nullable OutputCheck check) {
		if (check == null || called.output() == null) {
			return called;
		}
		Throwable denied = check.check(called.output());
		return (denied != null) ? new Called(called.outcome(), denied, null) : called;
	}

	/**
	 * Writes the result of a call as JSON once, for the journal and the idempotency key;
	 * a result that cannot be written and read back fails the call.
	 */
	private Called serialized(Guarded outcome, String tool, Type returnType) {
		if (outcome.failure() != null) {
			return new Called(outcome, outcome.failure(), null);
		}
		try {
			return new Called(outcome, null, this.codec.writeResult(outcome.result(), returnType));
		}
		catch (JacksonException ex) {
			return new Called(outcome, new IllegalStateException("The result of step '" + tool
					+ "' cannot be written as JSON and read back: " + ex.getOriginalMessage(), ex), null);
		}
	}

	/**
	 * A check of a call's output, as JSON.
	 */
	@FunctionalInterface
	interface OutputCheck {

		/**
		 * Checks an output.
		 * @param output the output as JSON
		 * @return the failure of a denied output, or {@code null}
		 */
		@Nullable Throwable check(String output);

	}

	/**
	 * A guarded call and its result as JSON.
	 *
	 * @param outcome the guarded call
	 * @param failure its failure, or the failure to write its result
	 * @param output its result as JSON, when written
	 */
	record Called(Guarded outcome, @Nullable Throwable failure, @Nullable String output) {
	}

}
