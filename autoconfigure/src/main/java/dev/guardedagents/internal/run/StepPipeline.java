package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import dev.guardedagents.FailureMode;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.NonDeterministicRunException;
import dev.guardedagents.PayloadTooLargeException;
import dev.guardedagents.PolicyViolationException;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.internal.store.ReviewRow;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.guard.Guarded;
import dev.guardedagents.internal.store.NewStep;
import dev.guardedagents.internal.store.StepRow;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one way through a step, for every kind of {@link StepBody}: inside a run, a
 * recorded step is replayed (kind and name checked); a new one is admitted by the budget,
 * answered by a reviewer's decision on its earlier failure or a policy reviewer's
 * approved output, checked by the policies, run through its guard once this execution is
 * known to own the run, journaled with one fenced write, counted against the budget and
 * reported to the metrics. A failure after the guard's retries is recorded and thrown,
 * fails the run, or parks it for a reviewer, as the guard's {@code on-failure} says.
 * Outside a run (or inside another step) the body is only guarded.
 */
final class StepPipeline {

	/**
	 * What the journal keeps of an input a policy denied.
	 */
	static final String DENIED_INPUT = "\"(input denied by a policy: not journaled)\"";

	private final RunJournal journal;

	private final JsonCodec codec;

	private final BudgetGate budget;

	private final PolicyGate policies;

	private final Parking parking;

	private final ToolReviews reviews;

	private final GuardedCalls calls;

	private final Supplier<TransactionTemplate> transactions;

	private final RunObserver observer;

	private final SimulatedCrashes crashes;

	private final Supplier<RunTracing> tracing;

	/**
	 * Creates the pipeline.
	 * @param journal the run journal
	 * @param codec the journal's JSON
	 * @param budget the budget gate
	 * @param policies the policy gate
	 * @param parking the parking of runs for reviewers
	 * @param reviews the reviews of failed steps
	 * @param calls the calls of bean methods, once per idempotency key
	 * @param transactions the transactions of transactional steps, looked up at the first
	 * @param observer told of each executed step
	 * @param crashes the crashes tests ask for
	 * @param tracing the tracing of executed steps, looked up at each step
	 */
	StepPipeline(RunJournal journal, JsonCodec codec, BudgetGate budget, PolicyGate policies, Parking parking,
			ToolReviews reviews, GuardedCalls calls, Supplier<TransactionTemplate> transactions, RunObserver observer,
			SimulatedCrashes crashes, Supplier<RunTracing> tracing) {
		this.journal = journal;
		this.codec = codec;
		this.budget = budget;
		this.policies = policies;
		this.parking = parking;
		this.reviews = reviews;
		this.calls = calls;
		this.transactions = transactions;
		this.observer = observer;
		this.crashes = crashes;
		this.tracing = tracing;
	}

	/**
	 * Whether a streamed model call must hold its chunks until its output passed the
	 * policies.
	 */
	boolean holdsModelStreams() {
		return this.policies.holdsModelStreams();
	}

	/**
	 * Runs a step of the run this thread executes, or only guards it outside a run.
	 * @param body the step's body
	 * @return its answer: recorded, decided or from the body
	 * @throws Throwable the failure of the body, or recorded
	 */
	<T> @Nullable T run(StepBody.Planned<T> body) throws Throwable {
		Execution execution = RunContextHolder.execution();
		if (execution == null || execution.inStep()) {
			return unjournaled(body);
		}
		execution.stopIfCancelled();
		StepKind kind = body.kind();
		String name = body.name();
		int next = this.budget.nextSeq(execution);
		StepRow recorded = execution.recorded(next);
		if (recorded != null) {
			checkReplay(execution, recorded, kind, name);
			if (kind == StepKind.LLM) {
				execution.conversation().replayed(recorded.seq(), recorded.input(), this.codec.mapper());
			}
			if (recorded.succeeded()) {
				return body.answer(this.codec, recorded.output(), recorded.usage(), true);
			}
			throw body.recreate(recorded.errorType(), recorded.errorMessage());
		}
		if (execution.poison() != null) {
			throw execution.poison();
		}
		execution.stopIfOnlyReplaying(next);
		this.crashes.before(execution, next, name);
		int seq = this.budget.admit(execution, kind, next);
		// a model request is checked whole, and journaled as the continuation of an
		// earlier request of the run when it is one
		ModelRequest request = (body instanceof StepBody.Model model) ? model.request().get() : null;
		String whole = (request != null) ? request.full() : body.input(this.codec);
		String written = (request != null) ? execution.conversation().journaled(request) : whole;
		PayloadTooLargeException inputTooLarge = this.journal.oversized(name, "input", written);
		String input = (inputTooLarge != null) ? RunJournal.omitted(inputTooLarge) : written;
		Runnable remember = (request != null && inputTooLarge == null)
				? () -> execution.conversation().remember(seq, request.messages()) : () -> {
				};
		FailureMode onFailure = body.guard().settings().onFailure();
		if (onFailure == FailureMode.HUMAN_REVIEW) {
			ReviewRow review = this.parking.reviewAt(execution, seq, ReviewKind.TOOL_FAILURE);
			if (review != null) {
				String output = this.reviews.decide(execution, seq, kind, name, input, review, body::supplied);
				if (output != null) {
					this.budget.spent(execution, kind, null);
					return body.answer(this.codec, output, null, true);
				}
			}
		}
		Instant startedAt = this.journal.now();
		long start = System.nanoTime();
		PolicyGate.Decision decision = this.policies.decided(execution, seq);
		if (decision != null && decision.output() != null) {
			Attempt approved = new Attempt(new Guarded(null, null, 1, List.of(), false, onFailure), null, null,
					decision.output(), decision.usage(), false);
			succeeded(execution, body, seq, input, startedAt, start, approved);
			remember.run();
			this.crashes.after(execution, seq, name);
			return body.answer(this.codec, decision.output(), decision.usage(), false);
		}
		Throwable denied = (inputTooLarge != null) ? inputTooLarge : (decision != null) ? decision.rejection()
				: this.policies.checkInput(execution, kind, name, seq, (request != null) ? whole : input);
		Attempt attempt = (denied != null) ? new Attempt(null, denied, null, null, null, false)
				: attempt(execution, body, seq, input, startedAt, start);
		// an input a policy denied is not journaled: it may be what the policy keeps out
		String journaled = (denied instanceof PolicyViolationException) ? DENIED_INPUT : input;
		if (denied == null) {
			this.crashes.during(execution, seq, name);
		}
		if (attempt.committed()) {
			this.observer.stepExecuted(name, kind, "success", since(start));
			this.budget.spent(execution, kind, null);
			this.crashes.after(execution, seq, name);
			return body.executed(attempt.value(), null, null);
		}
		Throwable failure = attempt.failure();
		if (failure == null) {
			succeeded(execution, body, seq, input, startedAt, start, attempt);
			remember.run();
			this.crashes.after(execution, seq, name);
			return body.executed(attempt.value(), attempt.output(), attempt.usage());
		}
		Duration duration = since(start);
		this.observer.stepExecuted(name, kind, "failed", duration);
		int attempts = attempt.attempts();
		if (onFailure == FailureMode.HUMAN_REVIEW && !this.journal.isStopping()) {
			throw this.reviews.open(execution, seq, kind, name, body.resultType(), journaled, failure, attempts);
		}
		if (!this.journal.isStopping()) {
			this.journal.record(execution,
					NewStep.failed(seq, kind, name, execution.stepKey(seq), startedAt, duration, journaled, failure)
						.withAttempts(attempts)
						.withGuard(attempt.fellBack(), attempt.errors(this.codec)));
			if (journaled == input) {
				remember.run();
			}
			this.budget.spent(execution, kind, null);
			this.crashes.after(execution, seq, name);
		}
		if (onFailure == FailureMode.FAIL_RUN) {
			throw RunSignal.failRun(execution.runId(), failure);
		}
		throw failure;
	}

	/**
	 * Records a step that answered, and counts it.
	 */
	private void succeeded(Execution execution, StepBody.Planned<?> body, int seq, String input, Instant startedAt,
			long start, Attempt attempt) {
		Duration duration = since(start);
		this.observer.stepExecuted(body.name(), body.kind(), attempt.fellBack() ? "fallback" : "success", duration);
		ModelUsage usage = attempt.usage();
		this.journal.record(execution,
				NewStep
					.succeeded(seq, body.kind(), body.name(), execution.stepKey(seq), startedAt, duration, input,
							attempt.output())
					.withAttempts(attempt.attempts())
					.withGuard(attempt.fellBack(), attempt.errors(this.codec))
					.withUsage(usage));
		if (usage != null && body.kind() == StepKind.LLM) {
			// a child's usage was reported by its own model calls
			this.observer.modelCalled(execution.runName(), usage);
		}
		this.budget.spent(execution, body.kind(), usage);
	}

	/**
	 * Runs the body through its guard, once this execution is known to own the run; the
	 * output is checked by the policies before it is recorded (and, for a bean method,
	 * before it completes an idempotency key).
	 */
	private Attempt attempt(Execution execution, StepBody.Planned<?> body, int seq, String input, Instant startedAt,
			long start) throws InterruptedException {
		boolean interruptible = body.guard().settings().cancelInterrupts();
		RunTracing.Scope traced = this.tracing.get()
			.step(execution.runId(), execution.runName(), body.kind(), body.name(), seq);
		if (body instanceof StepBody.Model model) {
			traced.requested(model.requested());
		}
		Attempt attempt = null;
		try {
			this.journal.enterBody(execution, seq, interruptible);
			RunMdc.step(body.name());
			try {
				attempt = (body instanceof StepBody.BeanMethod method)
						? attemptMethod(execution, method, seq, input, startedAt, start, interruptible)
						: attemptExternal(execution, (StepBody.External<?>) body, interruptible);
			}
			finally {
				execution.exitStep();
				RunMdc.step(null);
			}
			if (body instanceof StepBody.External && attempt.failure() == null) {
				Throwable denied = checkOutput(execution, body.kind(), body.name(), seq, input, attempt.output(),
						attempt.usage());
				attempt = (denied != null) ? attempt.denied(denied) : attempt;
			}
			return attempt;
		}
		finally {
			traced(traced, attempt, body.kind());
		}
	}

	/**
	 * Runs the compensation of a completed step at a position past the plan's, once this
	 * execution is known to own the run: through the compensation's guard, traced,
	 * journaled under a key of its own when it succeeds, reported to the metrics. Neither
	 * the budget nor the policies stop it, and no cancel interrupts it (see
	 * {@link StepBody}).
	 * @param execution the execution compensating its run
	 * @param body the compensation
	 * @param seq its position
	 * @return the guarded call: its failure is the caller's to hand to a reviewer
	 */
	Guarded compensate(Execution execution, StepBody.Compensation body, int seq) {
		Instant startedAt = this.journal.now();
		long start = System.nanoTime();
		RunTracing.Scope traced = this.tracing.get()
			.step(execution.runId(), execution.runName(), StepKind.COMPENSATION, body.name(), seq);
		Attempt attempt = null;
		try {
			this.journal.enterBody(execution, seq, false);
			execution.enterCompensation(seq, body.undoes());
			RunMdc.step(body.name());
			try {
				Guarded outcome = body.guard().call(body.undo());
				attempt = new Attempt(outcome, outcome.failure(), outcome.result(), null, null, false);
			}
			finally {
				execution.exitStep();
				RunMdc.step(null);
			}
		}
		finally {
			traced(traced, attempt, StepKind.COMPENSATION);
		}
		Duration duration = since(start);
		Guarded outcome = attempt.outcome();
		this.observer.stepExecuted(body.name(), StepKind.COMPENSATION,
				(outcome.failure() != null) ? "failed" : "success", duration);
		if (outcome.failure() == null) {
			this.journal.record(execution,
					NewStep
						.succeeded(seq, StepKind.COMPENSATION, body.name(), execution.compensationKey(body.undoes()),
								startedAt, duration, body.input(), this.codec.writeBestEffort(outcome.result()))
						.withAttempts(outcome.attempts()));
		}
		return outcome;
	}

	private static void traced(RunTracing.Scope traced, @Nullable Attempt attempt, StepKind kind) {
		if (attempt == null) {
			traced.close("interrupted", null);
			return;
		}
		if (attempt.usage() != null && kind == StepKind.LLM) {
			traced.model(attempt.usage());
		}
		Throwable failure = attempt.failure();
		traced.close((failure != null) ? "failed" : attempt.fellBack() ? "fallback" : "success", failure);
	}

	private Attempt attemptExternal(Execution execution, StepBody.External<?> body, boolean interruptible) {
		Guarded outcome = body.guard().call(interruptible ? () -> {
			// no attempt starts once the run is cancelled
			execution.stopIfCancelled();
			return body.produce(this.codec);
		} : () -> body.produce(this.codec));
		if (outcome.failure() != null) {
			return new Attempt(outcome, outcome.failure(), null, null, null, false);
		}
		StepBody.Produced produced = (StepBody.Produced) outcome.result();
		return new Attempt(outcome, null, produced.value(), produced.output(), produced.usage(), false);
	}

	private Attempt attemptMethod(Execution execution, StepBody.BeanMethod method, int seq, String input,
			Instant startedAt, long start, boolean interruptible) throws InterruptedException {
		TransactionalAttempts transactional = method
			.transactional()
					? new TransactionalAttempts(method.invocation(), this.transactions.get(),
							(attempt, result,
									errors) -> this.journal
										.recordInTransaction(execution,
												NewStep
													.succeeded(seq, StepKind.TOOL, method.name(),
															execution.stepKey(seq), startedAt, since(start), input,
															withinLimit(method.name(),
																	this.codec.writeResult(result,
																			method.resultType())))
													.withAttempts(attempt)
													.withGuard(false, errors.isEmpty() ? null
															: this.codec.writeAttempts(errors))))
					: null;
		MethodInvocation invocation = (transactional != null) ? transactional : method.invocation();
		execution.bodyIs(method.invocation().getMethod());
		GuardedCalls.Called called = this.calls.call(method.guard(),
				interruptible ? new CancellableInvocation(invocation, execution) : invocation, method.name(),
				method.idempotencyKey(), execution.runId(), method.resultType(), true,
				(transactional != null) ? null
						: (output) -> checkOutput(execution, StepKind.TOOL, method.name(), seq, input, output, null),
				input);
		Guarded outcome = called.outcome();
		boolean committed = transactional != null && transactional.committed();
		return new Attempt(outcome, committed ? null : called.failure(),
				committed ? transactional.result() : outcome.result(), called.output(), null, committed);
	}

	/**
	 * Checks a step's output before it is recorded: its size against the journal's limit,
	 * then the policies.
	 * @return the failure of an output that may not be recorded, or {@code null}
	 */
	private @Nullable RuntimeException checkOutput(Execution execution, StepKind kind, String name, int seq,
			String input, @Nullable String output, @Nullable ModelUsage usage) {
		PayloadTooLargeException tooLarge = this.journal.oversized(name, "output", output);
		return (tooLarge != null) ? tooLarge
				: this.policies.checkOutput(execution, kind, name, seq, input, String.valueOf(output), usage);
	}

	/**
	 * Returns the output of a transactional step, failing the attempt (and rolling its
	 * transaction back) when it is over the journal's limit.
	 */
	private String withinLimit(String name, String output) {
		PayloadTooLargeException tooLarge = this.journal.oversized(name, "output", output);
		if (tooLarge != null) {
			throw tooLarge;
		}
		return output;
	}

	/**
	 * Calls a body outside a run, or inside another step: guarded, not journaled. A bean
	 * method still claims its idempotency key.
	 */
	private <T> @Nullable T unjournaled(StepBody.Planned<T> body) throws Throwable {
		if (body instanceof StepBody.BeanMethod method) {
			GuardedCalls.Called called = this.calls.call(method.guard(), method.invocation(), method.name(),
					method.idempotencyKey(), null, method.resultType(), false, null, null);
			if (called.failure() != null) {
				throw called.failure();
			}
			return body.executed(called.outcome().result(), null, null);
		}
		StepBody.External<T> external = (StepBody.External<T>) body;
		Guarded outcome = body.guard().call(external::unjournaled);
		if (outcome.failure() != null) {
			throw outcome.failure();
		}
		@SuppressWarnings("unchecked")
		T result = (T) outcome.result();
		return result;
	}

	/**
	 * Checks that the step recorded at a position is the one the code calls now; a
	 * mismatch poisons the run.
	 * @throws NonDeterministicRunException if it is not
	 */
	static void checkReplay(Execution execution, StepRow recorded, StepKind kind, String name) {
		if (recorded.kind() != kind || !recorded.name().equals(name)) {
			NonDeterministicRunException mismatch = new NonDeterministicRunException("Run " + execution.runId() + " ("
					+ execution.runName() + ") recorded " + recorded.kind() + " '" + recorded.name() + "' as step "
					+ recorded.seq() + " but the code now calls " + kind + " '" + name
					+ "'; the plan changed under a recorded run. Give the changed plan a new @AgentRun(version) "
					+ "so that runs recorded under the old one are left to instances that still have it");
			execution.poison(mismatch, recorded.seq());
			throw mismatch;
		}
	}

	static Duration since(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/**
	 * What running a body gave.
	 *
	 * @param outcome the guarded call, {@code null} when no attempt was made
	 * @param failure its failure, or the denial of its input or output
	 * @param value what the body returned
	 * @param output its result as JSON
	 * @param usage what a model call used
	 * @param committed whether a transactional body was recorded with its transaction
	 */
	private record Attempt(@Nullable Guarded outcome, @Nullable Throwable failure, @Nullable Object value,
			@Nullable String output, @Nullable ModelUsage usage, boolean committed) {

		Attempt denied(Throwable denial) {
			return new Attempt(this.outcome, denial, null, null, null, false);
		}

		int attempts() {
			return (this.outcome != null) ? this.outcome.attempts() : 0;
		}

		boolean fellBack() {
			return this.outcome != null && this.outcome.fellBack();
		}

		@Nullable String errors(JsonCodec codec) {
			return (this.outcome == null || this.outcome.failedAttempts().isEmpty()) ? null
					: codec.writeAttempts(this.outcome.failedAttempts());
		}

	}

}
