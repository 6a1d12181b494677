package dev.guardedagents.internal.run;

import java.util.ArrayList;
import java.util.List;

import dev.guardedagents.internal.guard.AttemptRecord;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * The attempts of a transactional step: each runs the body in a new transaction and
 * records the step in that same transaction, so the body's writes and the journal row
 * commit together or not at all. Handed to the step's guard in place of the invocation.
 */
final class TransactionalAttempts extends StepAttempts {

	private final TransactionTemplate transactions;

	private final Recorder recorder;

	private final List<AttemptRecord> failures = new ArrayList<>();

	private int attempts;

	private boolean committed;

	private @Nullable Object result;

	TransactionalAttempts(MethodInvocation invocation, TransactionTemplate transactions, Recorder recorder) {
		super(invocation);
		this.transactions = transactions;
		this.recorder = recorder;
	}

	@Override
	public @Nullable Object proceed() throws Throwable {
		if (this.committed) {
			return this.result;
		}
		int attempt = ++this.attempts;
		long start = System.nanoTime();
		try {
			Object result = this.transactions.execute((status) -> {
				Object value = body();
				this.recorder.record(attempt, value, List.copyOf(this.failures));
				return value;
			});
			this.result = result;
			this.committed = true;
			return result;
		}
		catch (BodyFailure ex) {
			recordFailure(ex.getCause(), start);
			throw ex.getCause();
		}
		catch (RuntimeException ex) {
			recordFailure(ex, start);
			throw ex;
		}
	}

	private @Nullable Object body() {
		try {
			return attempt();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new BodyFailure(ex);
		}
	}

	private void recordFailure(Throwable failure, long start) {
		this.failures.add(new AttemptRecord(failure.getClass().getName(), String.valueOf(failure.getMessage()),
				(System.nanoTime() - start) / 1_000_000.0));
	}

	/**
	 * Whether an attempt committed, with its journal row: then the step is done, whatever
	 * the guard concluded afterwards (an attempt may commit after its timeout passed).
	 */
	boolean committed() {
		return this.committed;
	}

	@Nullable Object result() {
		return this.result;
	}

	/**
	 * Records the step inside the attempt's transaction.
	 */
	@FunctionalInterface
	interface Recorder {

		void record(int attempt, @Nullable Object result, List<AttemptRecord> failedAttempts);

	}

	/**
	 * Carries a checked exception of the body through the transaction callback.
	 */
	private static final class BodyFailure extends RuntimeException {

		BodyFailure(Throwable cause) {
			super(cause);
		}

	}

}
