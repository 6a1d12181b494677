package dev.guardedagents.internal.run;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.guardedagents.RunContext;
import dev.guardedagents.internal.store.StepRow;
import org.jspecify.annotations.Nullable;

/**
 * One execution of a run on this instance: its journal (for a resumed run), its position,
 * and whether it was cancelled locally. Confined to one thread at a time, but for
 * {@link #cancel()} and {@link #done()}: the thread executing the run, or a thread a
 * streamed model call continues on while the run's thread waits for the stream
 * ({@link ExternalSteps.Carried}).
 */
final class Execution implements RunContext {

	private final String runId;

	private final AgentRunRegistry.Plan plan;

	private final long epoch;

	private final List<StepRow> journal;

	private final CompletableFuture<Object> done = new CompletableFuture<>();

	private final Origin origin;

	private volatile boolean cancelled;

	private int seq;

	private int stepSeq;

	/**
	 * The key of the step executing now when it is not its position's own: a
	 * compensation's.
	 */
	private @Nullable String stepKey;

	private @Nullable Method bodyMethod;

	/**
	 * The thread executing an interruptible step body, while it does.
	 */
	private volatile @Nullable Thread body;

	private boolean interruptedByCancel;

	private @Nullable RuntimeException poison;

	/**
	 * A signal that unwound a thread a streamed model call continued on: it reaches the
	 * plan wrapped by Reactor, or not at all, so the run settles by it however the plan
	 * ends.
	 */
	private volatile @Nullable RunSignal carriedSignal;

	private final @Nullable RunBudget budget;

	private volatile Instant confirmedAt = Instant.MIN;

	private int recoveries;

	private boolean recoveriesCleared;

	private final Conversation conversation = new Conversation();

	private @Nullable Lambdas lambdas;

	private @Nullable Sleeper sleeper;

	private @Nullable Receiver receiver;

	private @Nullable Awaiter awaiter;

	private @Nullable String parentId;

	private final Set<String> awaited = new HashSet<>();

	private InstantSource clock = InstantSource.system();

	private boolean replayOnly;

	private int poisonedAt;

	private @Nullable String businessKey;

	private @Nullable String trace;

	Execution(String runId, AgentRunRegistry.Plan plan, long epoch, List<StepRow> journal, Origin origin,
			@Nullable RunBudget budget) {
		this.runId = runId;
		this.plan = plan;
		this.epoch = epoch;
		this.journal = journal;
		this.origin = origin;
		this.budget = budget;
	}

	/**
	 * Sets the run's business key, for the logging MDC.
	 */
	void businessKey(@Nullable String businessKey) {
		this.businessKey = businessKey;
	}

	@Nullable String businessKey() {
		return this.businessKey;
	}

	/**
	 * Keeps the propagation fields of the run's start, known to the execution that
	 * recorded it; a resuming execution reads them from the journal.
	 */
	void trace(@Nullable String trace) {
		this.trace = trace;
	}

	@Nullable String trace() {
		return this.trace;
	}

	/**
	 * Makes this execution a check of its journal against the code: every step is
	 * answered from the journal, and the first one the journal does not have ends it.
	 */
	void replayOnly() {
		this.replayOnly = true;
	}

	/**
	 * Whether this execution only checks a recorded run against the code.
	 */
	boolean isReplayOnly() {
		return this.replayOnly;
	}

	/**
	 * Ends a check of the journal at a step the journal does not have.
	 * @throws ReplayEnd if this execution only replays
	 */
	void stopIfOnlyReplaying(int seq) {
		if (this.replayOnly) {
			throw new ReplayEnd(seq);
		}
	}

	/**
	 * Sets how this execution runs the lambdas its plan journals as steps.
	 */
	void lambdas(Lambdas lambdas) {
		this.lambdas = lambdas;
	}

	/**
	 * Sets how this execution's plan sleeps ({@code RunContext.sleep}).
	 */
	void sleeper(Sleeper sleeper) {
		this.sleeper = sleeper;
	}

	/**
	 * Puts the run to sleep, or goes on when its sleep is over.
	 * @throws IllegalStateException if this execution cannot sleep
	 */
	void sleep(Duration duration) throws Throwable {
		Sleeper sleeper = this.sleeper;
		if (sleeper == null) {
			throw new IllegalStateException("Run " + this.runId + " cannot sleep here");
		}
		sleeper.sleep(this, duration);
	}

	/**
	 * Sets how this execution's plan receives messages ({@code RunContext.receive}).
	 */
	void receiver(Receiver receiver) {
		this.receiver = receiver;
	}

	/**
	 * Receives a message on a topic, or puts the run to wait for one.
	 * @return the payload, or {@code null} when the time ran out
	 * @throws IllegalStateException if this execution cannot receive
	 */
	@Nullable Object receive(String topic, Type type, Duration timeout) throws Throwable {
		Receiver receiver = this.receiver;
		if (receiver == null) {
			throw new IllegalStateException("Run " + this.runId + " cannot receive messages here");
		}
		return receiver.receive(this, topic, type, timeout);
	}

	/**
	 * Sets how this execution's plan waits for child runs ({@code RunContext.await}).
	 */
	void awaiter(Awaiter awaiter) {
		this.awaiter = awaiter;
	}

	/**
	 * Returns how a child run ended, or puts the run to wait for its end.
	 * @return the child's result
	 * @throws IllegalStateException if this execution cannot wait for children
	 */
	@Nullable Object await(String childId, Type type) throws Throwable {
		Awaiter awaiter = this.awaiter;
		if (awaiter == null) {
			throw new IllegalStateException("Run " + this.runId + " cannot wait for child runs here");
		}
		return awaiter.await(this, childId, type);
	}

	/**
	 * Notes a wait for a child run, replayed or new.
	 * @return whether it is the plan's first wait for that child
	 */
	boolean awaitedFirst(String childId) {
		return this.awaited.add(childId);
	}

	/**
	 * Sets the run that started this execution's run as its child.
	 */
	void parentId(@Nullable String parentId) {
		this.parentId = parentId;
	}

	@Nullable String parentId() {
		return this.parentId;
	}

	/**
	 * Sets the clock this execution's plan reads through {@code RunContext.now()}.
	 */
	void clock(InstantSource clock) {
		this.clock = clock;
	}

	/**
	 * Reads the clock of runs.
	 */
	Instant now() {
		return this.clock.instant();
	}

	/**
	 * Runs a lambda of the plan as a step.
	 * @throws IllegalStateException if this execution runs none
	 */
	@Nullable Object lambdaStep(String name, Type resultType, Supplier<?> body) throws Throwable {
		Lambdas runner = this.lambdas;
		if (runner == null) {
			throw new IllegalStateException("Run " + this.runId + " cannot journal RunContext.step here");
		}
		return runner.run(name, resultType, body);
	}

	/**
	 * Returns the model conversations of this execution, journaled once each.
	 */
	Conversation conversation() {
		return this.conversation;
	}

	/**
	 * Notes when this execution's lease on its run was last known to be valid: its start
	 * when the lease was written, or a renewal that found the run still owned.
	 */
	void confirmed(Instant at) {
		if (at.isAfter(this.confirmedAt)) {
			this.confirmedAt = at;
		}
	}

	Instant confirmedAt() {
		return this.confirmedAt;
	}

	/**
	 * Notes the run's recoveries when this execution resumed it: its first recorded step
	 * clears them.
	 * @param recoveries how often in a row the run was resumed after a crash without
	 * progress, this resumption included
	 */
	void recoveries(int recoveries) {
		this.recoveries = recoveries;
	}

	/**
	 * Whether a recorded step must clear the run's recoveries: the first one of a
	 * resumption of a run that had any.
	 */
	boolean clearsRecoveries() {
		if (this.recoveriesCleared || this.recoveries == 0) {
			return false;
		}
		this.recoveriesCleared = true;
		return true;
	}

	/**
	 * Returns what the run spent against its budget profile.
	 * @return the budget, or {@code null} when the run is not capped
	 */
	@Nullable RunBudget budget() {
		return this.budget;
	}

	@Override
	public String runId() {
		return this.runId;
	}

	@Override
	public String runName() {
		return this.plan.name();
	}

	@Override
	public String stepIdempotencyKey() {
		if (this.stepSeq == 0) {
			throw new IllegalStateException("Run " + this.runId
					+ " is not executing a step; the step idempotency key is available inside @GuardedTool methods");
		}
		String key = this.stepKey;
		return (key != null) ? key : stepKey(this.stepSeq);
	}

	String stepKey(int seq) {
		return this.runId + "/" + seq;
	}

	/**
	 * The key of the compensation of a step: never the key of a position, since the
	 * position a compensation is journaled at may be one a step of the plan was executing
	 * at, unrecorded, when the run was cancelled.
	 * @param compensated the position of the step compensated
	 * @return the key
	 */
	String compensationKey(int compensated) {
		return this.runId + "/undo/" + compensated;
	}

	AgentRunRegistry.Plan plan() {
		return this.plan;
	}

	long epoch() {
		return this.epoch;
	}

	int nextSeq() {
		return ++this.seq;
	}

	int stepsRecorded() {
		return this.journal.size();
	}

	/**
	 * Whether a caller's thread executes the run and waits for its result (a synchronous
	 * call), rather than the run executor.
	 */
	boolean hasWaitingCaller() {
		return this.origin == Origin.CALLER;
	}

	/**
	 * Whether a reviewer's decision may wait at a position: only at the first position
	 * the journal of a resumed run does not hold, where the run parked. Later positions
	 * were never reached, so nobody was asked there and nothing is looked up.
	 * @param seq the position
	 * @return whether a review may exist there
	 */
	boolean mayHoldDecision(int seq) {
		return this.origin == Origin.RESUMED && seq == this.journal.size() + 1;
	}

	int stepCount() {
		return this.seq;
	}

	@Nullable StepRow recorded(int seq) {
		return (seq <= this.journal.size()) ? this.journal.get(seq - 1) : null;
	}

	boolean inStep() {
		return this.stepSeq != 0;
	}

	void enterStep(int seq) {
		this.stepSeq = seq;
	}

	/**
	 * Enters a step body that a cancel of the run interrupts.
	 * @param seq the position of the step
	 */
	synchronized void enterInterruptibleStep(int seq) {
		// cancelled between the check and here: the body must not start
		stopIfCancelled();
		this.stepSeq = seq;
		this.body = Thread.currentThread();
	}

	void enterCompensation(int seq, int compensated) {
		this.stepSeq = seq;
		this.stepKey = compensationKey(compensated);
	}

	/**
	 * Notes the bean method the current step runs as its body, so that the method's own
	 * interceptors let the call through instead of guarding it again.
	 */
	void bodyIs(Method method) {
		this.bodyMethod = method;
	}

	/**
	 * Whether the current step's body is a call of this method.
	 */
	boolean runsBody(Method method) {
		return method.equals(this.bodyMethod);
	}

	void exitStep() {
		this.stepSeq = 0;
		this.stepKey = null;
		this.bodyMethod = null;
		if (this.body != null) {
			synchronized (this) {
				this.body = null;
				if (this.interruptedByCancel) {
					// the interrupt was meant for the body: what follows (journal writes)
					// must not see it; the run stops at its cancel check
					Thread.interrupted();
					this.interruptedByCancel = false;
				}
			}
		}
	}

	/**
	 * Marks the run cancelled; a body executing in an interruptible step is interrupted.
	 */
	synchronized void cancel() {
		this.cancelled = true;
		Thread body = this.body;
		if (body != null) {
			this.interruptedByCancel = true;
			body.interrupt();
		}
	}

	/**
	 * Stops the run's execution here if it was cancelled.
	 * @throws RunSignal the cancellation
	 */
	void stopIfCancelled() {
		if (this.carriedSignal != null) {
			// the run stopped on a thread a stream continued on, and the plan went on
			throw this.carriedSignal;
		}
		if (this.cancelled) {
			throw RunSignal.cancelled(this.runId);
		}
	}

	boolean isCancelled() {
		return this.cancelled;
	}

	@Nullable RuntimeException poison() {
		return this.poison;
	}

	void carriedSignal(RunSignal signal) {
		if (this.carriedSignal == null) {
			this.carriedSignal = signal;
		}
	}

	@Nullable RunSignal carriedSignal() {
		return this.carriedSignal;
	}

	void poison(RuntimeException exception) {
		this.poison = exception;
	}

	/**
	 * Poisons this execution where the code departs from the journal; the first departure
	 * is the one reported (a later one may follow from it, when user code or Spring AI's
	 * tool loop swallowed the first).
	 * @param exception the mismatch
	 * @param seq the position where the journal and the code differ
	 */
	void poison(RuntimeException exception, int seq) {
		if (this.poison == null) {
			this.poisonedAt = seq;
			this.poison = exception;
		}
	}

	/**
	 * Returns the position where the code departed from the journal.
	 * @return the position, or 0
	 */
	int poisonedAt() {
		return this.poisonedAt;
	}

	/**
	 * Whether this execution resumes a recorded run.
	 */
	boolean resumed() {
		return this.origin == Origin.RESUMED;
	}

	CompletableFuture<Object> done() {
		return this.done;
	}

	/**
	 * Where an execution comes from.
	 */
	enum Origin {

		/**
		 * A new run executing in the thread of the caller, who waits for its result.
		 */
		CALLER,

		/**
		 * A new run started asynchronously, executing on the run executor.
		 */
		EXECUTOR,

		/**
		 * A recorded run resumed on the run executor.
		 */
		RESUMED

	}

	/**
	 * How an execution's plan sleeps.
	 */
	@FunctionalInterface
	interface Sleeper {

		void sleep(Execution execution, Duration duration) throws Throwable;

	}

	/**
	 * How an execution's plan receives messages.
	 */
	@FunctionalInterface
	interface Receiver {

		@Nullable Object receive(Execution execution, String topic, Type type, Duration timeout) throws Throwable;

	}

	/**
	 * How an execution's plan waits for a child run.
	 */
	@FunctionalInterface
	interface Awaiter {

		@Nullable Object await(Execution execution, String childId, Type type) throws Throwable;

	}

	/**
	 * Runs a lambda of a plan as a step.
	 */
	@FunctionalInterface
	interface Lambdas {

		@Nullable Object run(String name, Type resultType, Supplier<?> body) throws Throwable;

	}

}
