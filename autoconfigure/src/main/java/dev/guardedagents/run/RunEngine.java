package dev.guardedagents.run;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.guardedagents.CompensationStatus;
import dev.guardedagents.FailureMode;
import dev.guardedagents.NonDeterministicRunException;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewView;
import dev.guardedagents.RunCancelledException;
import dev.guardedagents.RunFailedException;
import dev.guardedagents.RunNotCancellableException;
import dev.guardedagents.RunNotFoundException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.RunView;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.budget.BudgetProfile;
import dev.guardedagents.budget.BudgetProfiles;
import dev.guardedagents.guard.Guarded;
import dev.guardedagents.spi.StepPolicy;
import dev.guardedagents.guard.ToolGuard;
import dev.guardedagents.guard.ToolGuards;
import dev.guardedagents.security.Principals;
import dev.guardedagents.security.ReviewAccess;
import dev.guardedagents.store.Cancellation;
import dev.guardedagents.store.DuplicateStepException;
import dev.guardedagents.store.JdbcIdempotencyStore;
import dev.guardedagents.store.JdbcReviewStore;
import dev.guardedagents.store.JdbcRunStore;
import dev.guardedagents.store.NewRun;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Executes runs and records their steps: the state machine behind the advisors. A fresh
 * run of S steps costs S + 2 single-statement commits and no reads; a resumed run reads
 * its journal once. Internal: not API.
 */
public final class RunEngine {

	private static final Log logger = LogFactory.getLog(RunEngine.class);

	private static final ThreadLocal<Object> directive = new ThreadLocal<>();

	private final JdbcRunStore store;

	private final JdbcReviewStore reviews;

	private final GuardedCalls calls;

	private final JournalRetry journal;

	private final ReviewEvents events;

	private final ToolGuards guards;

	private final Supplier<TransactionTemplate> transactions;

	private final AgentRunRegistry registry;

	private final JsonCodec codec;

	private final RunSettings settings;

	private final Clock clock;

	private volatile RunExecutor executor;

	private final BudgetProfiles budgets;

	private final BudgetGate budgetGate;

	private final Compensations compensations;

	private final Parking parking;

	private final Checkpoints checkpoints;

	private final ToolReviews toolReviews;

	private final PolicyGate policyGate;

	private final ReviewAccess access;

	private final Map<String, Execution> active = new ConcurrentHashMap<>();

	private final Set<String> queued = ConcurrentHashMap.newKeySet();

	private final Map<String, Long> abandoned = new ConcurrentHashMap<>();

	/**
	 * Set when the instance stops: failures seen from then on may be interruptions of the
	 * shutdown itself and are not recorded; the runs are resumed elsewhere.
	 */
	private volatile boolean stopping;

	private volatile boolean handedOver;

	private volatile RunObserver observer = RunObserver.NONE;

	/**
	 * Creates a new engine.
	 * @param store the run journal
	 * @param reviews the reviews of human checkpoints
	 * @param idempotency the claims of tool idempotency keys
	 * @param registry the registry of plans
	 * @param mapper the JSON mapper for arguments and results
	 * @param events the publisher of review events
	 * @param guards the guards of tool calls
	 * @param transactions the transactions of transactional steps, looked up at the first
	 * @param settings the settings
	 * @param clock the clock for timestamps and leases
	 * @param budgets the budget profiles
	 * @param policies the policies that check the inputs and outputs of steps
	 * @param access who is asked to decide each kind of review
	 */
	public RunEngine(JdbcRunStore store, JdbcReviewStore reviews, JdbcIdempotencyStore idempotency,
			AgentRunRegistry registry, JsonMapper mapper, ReviewEvents events, ToolGuards guards,
			Supplier<TransactionTemplate> transactions, RunSettings settings, Clock clock, BudgetProfiles budgets,
			List<StepPolicy> policies, ReviewAccess access) {
		this.access = access;
		this.budgets = budgets;
		this.policyGate = new PolicyGate(this, policies);
		this.budgetGate = new BudgetGate(this);
		this.compensations = new Compensations(this);
		this.parking = new Parking(this);
		this.checkpoints = new Checkpoints(this);
		this.toolReviews = new ToolReviews(this);
		this.store = store;
		this.guards = guards;
		this.transactions = transactions;
		this.reviews = reviews;
		this.events = events;
		this.registry = registry;
		this.codec = new JsonCodec(mapper);
		this.settings = settings;
		this.clock = clock;
		this.journal = new JournalRetry(settings.outageTolerance());
		this.calls = new GuardedCalls(idempotency, this.codec, settings.idempotencyWait(), clock,
				settings.returnRecordedOnKeyMismatch());
		this.executor = new RunExecutor(settings.poolSize(), settings.queueCapacity());
	}

	JdbcRunStore store() {
		return this.store;
	}

	AgentRunRegistry registry() {
		return this.registry;
	}

	RunSettings settings() {
		return this.settings;
	}

	ReviewAccess access() {
		return this.access;
	}

	/**
	 * Reports what the engine does to an observer, for metrics.
	 * @param observer the observer
	 */
	public void observe(RunObserver observer) {
		this.observer = observer;
	}

	/**
	 * Returns the number of runs executing (or queued) on this instance.
	 * @return the number of active runs
	 */
	public int activeRuns() {
		return this.active.size();
	}

	RunObserver observer() {
		return this.observer;
	}

	JdbcReviewStore reviews() {
		return this.reviews;
	}

	ReviewEvents events() {
		return this.events;
	}

	Parking parking() {
		return this.parking;
	}

	PolicyGate policyGate() {
		return this.policyGate;
	}

	BudgetGate budgetGate() {
		return this.budgetGate;
	}

	boolean isStopping() {
		return this.stopping;
	}

	JournalRetry journal() {
		return this.journal;
	}

	GuardedCalls calls() {
		return this.calls;
	}

	JsonCodec codec() {
		return this.codec;
	}

	ToolGuards guards() {
		return this.guards;
	}

	RunExecutor executor() {
		return this.executor;
	}

	Instant now() {
		return this.clock.instant();
	}

	@Nullable Execution active(String runId) {
		return this.active.get(runId);
	}

	// ---- runs

	/**
	 * Called by the {@code @AgentRun} interceptor.
	 */
	@Nullable Object invokeRun(MethodInvocation invocation) throws Throwable {
		Object instruction = directive.get();
		if (instruction instanceof Execution execution) {
			directive.remove();
			return execute(execution, invocation);
		}
		if (instruction == null && RunContextHolder.execution() != null) {
			return invocation.proceed();
		}
		AgentRunRegistry.Plan plan = plan(invocation);
		if (instruction instanceof StartRequest request) {
			request.started(start(plan, invocation.getArguments()));
			return defaultValue(invocation.getMethod().getReturnType());
		}
		return runSynchronously(plan, invocation);
	}

	private AgentRunRegistry.Plan plan(MethodInvocation invocation) {
		Class<?> targetClass = AopUtils.getTargetClass(invocation.getThis());
		Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
		AgentRunRegistry.Plan plan = this.registry.plan(method);
		if (plan == null) {
			throw new IllegalStateException("@AgentRun method " + method.toGenericString()
					+ " was not registered; its bean must be a singleton created by the Spring container");
		}
		return plan;
	}

	private @Nullable Object runSynchronously(AgentRunRegistry.Plan plan, MethodInvocation invocation)
			throws Throwable {
		NewRun run = newRun(plan, invocation.getArguments());
		Execution execution = record(run, plan, Execution.Origin.CALLER);
		if (execution == null) {
			return awaitUnchecked(existing(plan, run).id(), plan.returnType());
		}
		return execute(execution, invocation);
	}

	/**
	 * Records a run and queues it on the run executor.
	 */
	StartedRun start(AgentRunRegistry.Plan plan, Object[] args) {
		NewRun run = newRun(plan, args);
		this.executor.reserve();
		Execution execution;
		try {
			execution = record(run, plan, Execution.Origin.EXECUTOR);
		}
		catch (RuntimeException ex) {
			this.executor.release();
			throw ex;
		}
		if (execution == null) {
			this.executor.release();
			return new StartedRun(existing(plan, run).id(), plan.returnType());
		}
		try {
			this.executor.execute(() -> executeThroughProxy(execution, args));
		}
		catch (RejectedExecutionException ex) {
			// this instance is stopping: the run is recorded, and handed over at once so
			// that another instance (or this one, restarted) runs it
			this.executor.release();
			this.active.remove(run.id());
			handOver(run.id(), 1);
		}
		return new StartedRun(run.id(), plan.returnType());
	}

	private void handOver(String runId, long epoch) {
		try {
			this.store.releaseLease(runId, epoch, now());
		}
		catch (DataAccessException failure) {
			this.abandoned.put(runId, epoch);
		}
	}

	/**
	 * Records a new run, known locally as active before its row exists so that recovery
	 * and cancellation see it.
	 * @return its execution, or {@code null} if its idempotency key was used before
	 */
	private @Nullable Execution record(NewRun run, AgentRunRegistry.Plan plan, Execution.Origin origin) {
		Execution execution = new Execution(run.id(), plan, 1, List.of(), origin, budget(plan, run.now(), List.of()));
		execution.confirmed(run.now());
		this.active.put(run.id(), execution);
		boolean inserted = false;
		try {
			inserted = this.store.insertRun(run);
			if (inserted) {
				this.observer.runStarted(plan.name());
			}
			return inserted ? execution : null;
		}
		finally {
			if (!inserted) {
				this.active.remove(run.id());
			}
		}
	}

	private @Nullable RunBudget budget(AgentRunRegistry.Plan plan, Instant startedAt, List<StepView> journal) {
		BudgetProfile profile = this.budgets.forRun(plan.budget());
		return (profile != null) ? new RunBudget(profile, startedAt, journal, now()) : null;
	}

	private RunView existing(AgentRunRegistry.Plan plan, NewRun run) {
		RunView existing = this.store.findByIdempotencyKey(plan.name(), run.idempotencyKey()).orElseThrow();
		logger.debug("Run '" + plan.name() + "' with idempotency key '" + run.idempotencyKey() + "' exists already as "
				+ existing.id());
		return existing;
	}

	private NewRun newRun(AgentRunRegistry.Plan plan, Object[] args) {
		String arguments = this.codec.writeArguments(plan, args);
		Instant now = now();
		return new NewRun(UUID.randomUUID().toString(), plan.name(), plan.version(), arguments, plan.businessKey(args),
				plan.idempotencyKey(args), this.settings.instanceId(), now, now.plus(this.settings.leaseDuration()),
				Principals.currentName());
	}

	/**
	 * Resumes a run this instance just claimed, in the calling (executor) thread.
	 */
	void resume(String runId, long epoch, boolean afterCrash, int recoveries) {
		try {
			resumeQueued(runId, epoch, afterCrash, recoveries);
		}
		finally {
			this.queued.remove(runId);
		}
	}

	private void resumeQueued(String runId, long epoch, boolean afterCrash, int recoveries) {
		Instant confirmed;
		RunView run;
		List<StepView> journal;
		try {
			confirmed = this.journal.write(runId,
					() -> this.store.renewLease(runId, epoch, this::now, this.settings.leaseDuration()));
			if (confirmed == null) {
				logger.info("Run " + runId + " was taken over, cancelled or finished before it resumed here");
				return;
			}
			run = this.store.findRun(runId).orElse(null);
			journal = (run != null) ? this.store.steps(runId) : List.of();
		}
		catch (DataAccessException ex) {
			logger.warn("Run " + runId + " could not be resumed: the journal failed (" + ex.getMessage()
					+ "); released for recovery");
			this.abandoned.put(runId, epoch);
			return;
		}
		if (run == null || run.status() != RunStatus.RUNNING) {
			return;
		}
		int count = recoveries;
		if (afterCrash) {
			// a resumption after a crash counts when it starts: a poison run may kill its
			// instance anywhere, also outside a step body; the first recorded step clears
			// it
			count++;
			try {
				this.store.countRecovery(runId, epoch);
			}
			catch (DataAccessException ex) {
				logger.warn("Could not count the recovery of run " + runId + ": " + ex.getMessage());
			}
		}
		AgentRunRegistry.Plan plan = this.registry.plan(run.name());
		if (plan == null || !plan.version().equals(run.version())) {
			logger.warn("Run " + runId + " (" + run.name() + " version " + run.version()
					+ ") has no matching plan here; released for an instance that has it");
			this.store.releaseLease(runId, epoch, now());
			return;
		}
		if (run.compensation() == CompensationStatus.COMPENSATING) {
			Execution compensating = new Execution(runId, plan, epoch, journal, Execution.Origin.RESUMED, null);
			compensating.confirmed(confirmed);
			compensating.recoveries(count);
			compensate(compensating, journal);
			return;
		}
		Execution execution = new Execution(runId, plan, epoch, journal, Execution.Origin.RESUMED,
				budget(plan, run.createdAt(), journal));
		execution.confirmed(confirmed);
		execution.recoveries(count);
		Object[] args;
		try {
			args = this.codec.readArguments(plan, run.arguments());
		}
		catch (JacksonException ex) {
			fail(execution, new IllegalStateException(
					"The stored arguments of run " + runId + " cannot be read back: " + ex.getOriginalMessage(), ex));
			return;
		}
		logger.info("Resuming run " + runId + " (" + run.name() + ") after " + execution.stepsRecorded()
				+ " recorded steps");
		this.active.put(runId, execution);
		executeThroughProxy(execution, args);
	}

	/**
	 * Goes on compensating a run that was compensating when it stopped, or that was
	 * cancelled with steps to compensate.
	 */
	private void compensate(Execution execution, List<StepView> journal) {
		logger.info("Compensating run " + execution.runId() + " (" + execution.runName() + ")");
		this.active.put(execution.runId(), execution);
		try {
			this.compensations.compensate(execution, journal);
		}
		catch (RunSignal signal) {
			if (signal.reason() == RunSignal.Reason.JOURNAL_FAILED
					|| signal.reason() == RunSignal.Reason.LOST && this.stopping) {
				abandon(execution);
			}
			else if (signal.reason() != RunSignal.Reason.SUSPENDED) {
				logger.warn("Compensation of run " + execution.runId() + " stopped: " + signal.reason());
			}
		}
		catch (RuntimeException ex) {
			logger.error("Compensation of run " + execution.runId() + " failed; released for recovery", ex);
			abandon(execution);
		}
		finally {
			this.active.remove(execution.runId(), execution);
		}
	}

	/**
	 * Calls the run's method through its proxy, so that every advisor applies as for a
	 * direct call; the interceptor picks up the execution.
	 */
	private void executeThroughProxy(Execution execution, Object[] args) {
		AgentRunRegistry.Plan plan = execution.plan();
		directive.set(execution);
		try {
			plan.method().invoke(plan.bean(), args);
		}
		catch (InvocationTargetException ex) {
			logger.debug("Run " + execution.runId() + " ended with " + ex.getTargetException());
		}
		catch (IllegalAccessException | IllegalArgumentException ex) {
			logger.error("Run " + execution.runId() + " cannot be executed through its bean", ex);
			fail(execution, ex);
		}
		finally {
			directive.remove();
			this.active.remove(execution.runId(), execution);
		}
	}

	private @Nullable Object execute(Execution execution, MethodInvocation invocation) throws Throwable {
		Execution previous = RunContextHolder.bind(execution);
		boolean settled = false;
		try {
			Object result;
			try {
				execution.stopIfCancelled();
				result = invocation.proceed();
			}
			catch (RunSignal signal) {
				throw signal;
			}
			catch (Throwable ex) {
				if (!this.stopping) {
					fail(execution, (execution.poison() != null) ? execution.poison() : ex);
					settled = true;
				}
				throw ex;
			}
			if (execution.poison() != null) {
				fail(execution, execution.poison());
				settled = true;
				throw execution.poison();
			}
			String json;
			try {
				json = this.codec.writeResult(result, execution.plan().returnType());
			}
			catch (JacksonException ex) {
				IllegalStateException failure = new IllegalStateException(
						"The result of run '" + execution.plan().name() + "' cannot be written as JSON and read back: "
								+ ex.getOriginalMessage(),
						ex);
				fail(execution, failure);
				settled = true;
				throw failure;
			}
			if (!this.journal.write(execution.runId(), () -> this.store.finish(execution.runId(), execution.epoch(),
					RunStatus.SUCCEEDED, json, null, null, execution.stepCount(), now()))) {
				throw signal(execution);
			}
			settled = true;
			this.observer.runFinished(execution.runName(), RunStatus.SUCCEEDED);
			execution.done().complete(result);
			return result;
		}
		catch (RunSignal signal) {
			if (signal.reason() == RunSignal.Reason.JOURNAL_FAILED) {
				throw signal.journalFailure();
			}
			if (signal.reason() == RunSignal.Reason.FAIL_RUN) {
				fail(execution, signal.getCause());
				settled = true;
				if (execution.hasWaitingCaller()) {
					throw signal.getCause();
				}
				return null;
			}
			settled = true;
			return signalled(execution, signal);
		}
		finally {
			RunContextHolder.bind(previous);
			this.active.remove(execution.runId(), execution);
			if (!settled) {
				abandon(execution);
			}
		}
	}

	/**
	 * Gives up a run whose outcome could not be recorded (the database failed, or this
	 * instance is stopping): its lease is ended so that recovery resumes it, here or on
	 * another instance, instead of it staying owned by a live instance that no longer
	 * executes it.
	 */
	private void abandon(Execution execution) {
		execution.done().completeExceptionally(RunSignal.lost(execution.runId()));
		this.abandoned.put(execution.runId(), execution.epoch());
		releaseAbandoned();
	}

	/**
	 * Ends the leases of abandoned runs; retried at each lease renewal while the database
	 * is unreachable.
	 */
	void releaseAbandoned() {
		for (Map.Entry<String, Long> run : this.abandoned.entrySet()) {
			try {
				this.store.releaseLease(run.getKey(), run.getValue(), now());
				this.abandoned.remove(run.getKey());
				logger.warn("Run " + run.getKey() + " stopped without a recorded outcome; released for recovery");
			}
			catch (RuntimeException ex) {
				logger.debug("Could not release run " + run.getKey() + " yet", ex);
			}
		}
	}

	private void fail(Execution execution, Throwable failure) {
		boolean compensating;
		try {
			compensating = this.compensations.afterFailure(execution, failure);
		}
		finally {
			execution.done().completeExceptionally(failure);
		}
		if (compensating) {
			return;
		}
		if (!this.journal.write(execution.runId(),
				() -> this.store.finish(execution.runId(), execution.epoch(), RunStatus.FAILED, null,
						failure.getClass().getName(), failure.getMessage(), execution.stepCount(), now()))) {
			throw signal(execution);
		}
		this.observer.runFinished(execution.runName(), RunStatus.FAILED);
	}

	private @Nullable Object signalled(Execution execution, RunSignal signal) throws InterruptedException {
		if (signal.reason() == RunSignal.Reason.SUSPENDED) {
			if (execution.hasWaitingCaller()) {
				throw new RunSuspendedException(execution.runId(), signal.reviewId());
			}
			return null;
		}
		if (signal.reason() == RunSignal.Reason.CANCELLED) {
			this.observer.runFinished(execution.runName(), RunStatus.CANCELLED);
			RunCancelledException cancelled = new RunCancelledException(execution.runId());
			execution.done().completeExceptionally(cancelled);
			throw cancelled;
		}
		execution.done().completeExceptionally(signal);
		if (!execution.hasWaitingCaller()) {
			logger.warn("Run " + execution.runId() + " was taken over by another instance; this execution stopped");
			return null;
		}
		logger.warn("Run " + execution.runId() + " was taken over by another instance; this execution stopped "
				+ "and its caller waits for the result");
		return awaitUnchecked(execution.runId(), execution.plan().returnType());
	}

	RunSignal signal(Execution execution) {
		RunView run = this.store.findRun(execution.runId()).orElse(null);
		if (run != null && run.status() == RunStatus.CANCELLED) {
			return RunSignal.cancelled(execution.runId());
		}
		return RunSignal.lost(execution.runId());
	}

	// ---- steps

	/**
	 * Called by the {@code @GuardedTool} interceptor, and for the action of an approved
	 * checkpoint: inside a run, replays a recorded step or runs the call through its
	 * guard and records it; elsewhere only guards it.
	 */
	@Nullable Object invokeStep(MethodInvocation invocation, StepKind kind, String name, Type returnType, ToolGuard guard,
			@Nullable String idempotencyKey, boolean transactional) throws Throwable {
		Execution execution = RunContextHolder.execution();
		if (execution == null || execution.inStep()) {
			return unguarded(
					this.calls.call(guard, invocation, name, idempotencyKey, null, returnType, false, null, null));
		}
		execution.stopIfCancelled();
		int next = this.budgetGate.nextSeq(execution);
		StepView recorded = execution.recorded(next);
		if (recorded != null) {
			return replay(execution, recorded, kind, name, returnType, invocation.getMethod());
		}
		if (execution.poison() != null) {
			throw execution.poison();
		}
		int seq = this.budgetGate.admit(execution, kind, next);
		String input = this.codec.writeBestEffort(invocation.getArguments());
		if (guard.settings().onFailure() == FailureMode.HUMAN_REVIEW) {
			ReviewView review = this.parking.reviewAt(execution, seq, ReviewKind.TOOL_FAILURE);
			if (review != null) {
				ToolReviews.ToolReview decided = this.toolReviews.apply(execution, seq, kind, name, returnType, input,
						review);
				if (decided.overridden()) {
					this.budgetGate.spent(execution, kind, null);
					return decided.result();
				}
			}
		}
		Instant startedAt = now();
		long start = System.nanoTime();
		PolicyGate.Decision decision = this.policyGate.decided(execution, seq);
		if (decision != null && decision.output() != null) {
			record(execution, new StepView(seq, kind, name, true, 1, startedAt, since(start), input, decision.output(),
					null, null, execution.stepKey(seq)));
			this.budgetGate.spent(execution, kind, null);
			return this.codec.readResult(decision.output(), returnType);
		}
		Throwable denied = (decision != null) ? decision.rejection()
				: this.policyGate.checkInput(execution, kind, name, seq, input);
		GuardedCalls.Called called;
		TransactionalAttempts attempts = transactional
				? new TransactionalAttempts(invocation, this.transactions.get(),
						(attempt, result, errors) -> record(execution,
								new StepView(seq, kind, name, true, attempt, startedAt, since(start), input,
										this.codec.writeResult(result, returnType), null, null, execution.stepKey(seq),
										false, errors.isEmpty() ? null : this.codec.writeAttempts(errors)),
								true))
				: null;
		if (denied != null) {
			called = new GuardedCalls.Called(
					new Guarded(null, denied, 0, List.of(), false, guard.settings().onFailure()), denied, null);
		}
		else {
			boolean interruptible = guard.settings().cancelInterrupts();
			enterBody(execution, seq, interruptible);
			MethodInvocation body = (attempts != null) ? attempts : invocation;
			try {
				called = this.calls.call(guard, interruptible ? new CancellableInvocation(body, execution) : body, name,
						idempotencyKey, execution.runId(), returnType, true,
						(attempts != null) ? null : (output) -> this.policyGate.checkOutput(execution, kind, name, seq,
								input, output, null),
						input);
			}
			finally {
				execution.exitStep();
			}
		}
		if (attempts != null && attempts.committed()) {
			this.observer.stepExecuted(name, kind, "success", since(start));
			this.budgetGate.spent(execution, kind, null);
			return attempts.result();
		}
		Guarded outcome = called.outcome();
		String attemptErrors = outcome.failedAttempts().isEmpty() ? null
				: this.codec.writeAttempts(outcome.failedAttempts());
		Throwable failure = called.failure();
		String output = called.output();
		Duration duration = since(start);
		this.observer.stepExecuted(name, kind,
				(failure != null) ? "failed" : (outcome.fellBack() ? "fallback" : "success"), duration);
		if (failure != null && outcome.onFailure() == FailureMode.HUMAN_REVIEW && !this.stopping) {
			throw this.toolReviews.open(execution, seq, StepKind.TOOL, name, returnType, input, failure,
					outcome.attempts());
		}
		if (failure != null) {
			if (!this.stopping) {
				record(execution,
						new StepView(seq, kind, name, false, outcome.attempts(), startedAt, duration, input, null,
								failure.getClass().getName(), failure.getMessage(), execution.stepKey(seq),
								outcome.fellBack(), attemptErrors));
				this.budgetGate.spent(execution, kind, null);
			}
			if (outcome.onFailure() == FailureMode.FAIL_RUN) {
				throw RunSignal.failRun(execution.runId(), failure);
			}
			throw failure;
		}
		record(execution, new StepView(seq, kind, name, true, outcome.attempts(), startedAt, duration, input, output,
				null, null, execution.stepKey(seq), outcome.fellBack(), attemptErrors));
		this.budgetGate.spent(execution, kind, null);
		return outcome.result();
	}

	private static @Nullable Object unguarded(GuardedCalls.Called called) throws Throwable {
		if (called.failure() != null) {
			throw called.failure();
		}
		return called.outcome().result();
	}

	/**
	 * Called by the {@code @HumanCheckpoint} interceptor: asks a human, or applies the
	 * decision taken, then runs the method as a step.
	 */
	@Nullable Object invokeCheckpoint(MethodInvocation invocation, AgentRunRegistry.Checkpoint checkpoint) throws Throwable {
		return this.checkpoints.invoke(invocation, checkpoint);
	}

	private @Nullable Object replay(Execution execution, StepView recorded, StepKind kind, String name, Type returnType,
			Method method) throws Throwable {
		checkReplay(execution, recorded, kind, name);
		if (recorded.succeeded()) {
			return this.codec.readResult(recorded.output(), returnType);
		}
		throw JsonCodec.recreate(recorded.errorType(), recorded.errorMessage(), method);
	}

	static void checkReplay(Execution execution, StepView recorded, StepKind kind, String name) {
		if (recorded.kind() != kind || !recorded.name().equals(name)) {
			NonDeterministicRunException mismatch = new NonDeterministicRunException("Run " + execution.runId() + " ("
					+ execution.runName() + ") recorded " + recorded.kind() + " '" + recorded.name() + "' as step "
					+ recorded.seq() + " but the code now calls " + kind + " '" + name
					+ "'; the plan changed under a recorded run. Give the changed plan a new @AgentRun(version) "
					+ "so that runs recorded under the old one are left to instances that still have it");
			execution.poison(mismatch);
			throw mismatch;
		}
	}

	void record(Execution execution, StepView step) {
		record(execution, step, false);
	}

	/**
	 * Records a step, fenced by the execution's epoch: on a connection of its own, or
	 * (for a transactional step) in the transaction of its body, so that a rejected write
	 * rolls the body's writes back with it.
	 */
	private void record(Execution execution, StepView step, boolean inTransaction) {
		boolean recorded;
		try {
			recorded = inTransaction ? this.store.insertStepInTransaction(execution.runId(), execution.epoch(), step)
					: this.journal.write(execution.runId(),
							() -> this.store.insertStep(execution.runId(), execution.epoch(), step));
		}
		catch (DuplicateStepException ex) {
			if (landedEarlier(execution, step)) {
				// a retried write whose first attempt had committed: the row is ours
				recorded = true;
			}
			else {
				// a write of an earlier owner landed first at this position: the journal
				// holds it, so this execution stops and hands the run back to recovery,
				// which replays it (a live owner must not keep renewing a run nobody
				// executes)
				handOver(execution.runId(), execution.epoch());
				throw RunSignal.lost(execution.runId());
			}
		}
		catch (DataAccessException ex) {
			throw RunSignal.journalFailed(execution.runId(), ex);
		}
		if (!recorded) {
			throw signal(execution);
		}
		if (execution.clearsRecoveries()) {
			try {
				this.store.clearRecoveries(execution.runId(), execution.epoch());
			}
			catch (DataAccessException ex) {
				logger.warn("Could not clear the recoveries of run " + execution.runId() + ": " + ex.getMessage());
			}
		}
	}

	/**
	 * Called before any step body starts, in every pipeline: makes sure this execution
	 * still owns its run (a body must not run for a run another instance took over while
	 * this one was paused or cut off).
	 */
	void enterBody(Execution execution, int seq) {
		enterBody(execution, seq, false);
	}

	/**
	 * Called before a step body starts: makes sure this execution still owns its run.
	 * @param interruptible whether a cancel of the run interrupts the body
	 */
	void enterBody(Execution execution, int seq, boolean interruptible) {
		if (this.handedOver) {
			// stopped past the grace period: the leases are released, another instance
			// may already run this run
			throw RunSignal.lost(execution.runId());
		}
		RunSettings settings = this.settings;
		Instant now = now();
		try {
			if (!now.isBefore(execution.confirmedAt().plus(settings.leaseDuration()).minus(settings.renewInterval()))) {
				Instant confirmed = this.journal.write(execution.runId(), () -> this.store.renewLease(execution.runId(),
						execution.epoch(), this::now, settings.leaseDuration()));
				if (confirmed == null) {
					throw signal(execution);
				}
				execution.confirmed(confirmed);
			}
		}
		catch (DataAccessException ex) {
			throw RunSignal.journalFailed(execution.runId(), ex);
		}
		if (interruptible) {
			execution.enterInterruptibleStep(seq);
		}
		else {
			execution.enterStep(seq);
		}
	}

	/**
	 * Notes the runs a lease renewal found still owned by this instance.
	 * @param owned the run ids
	 * @param at when the renewed leases start
	 */
	void leasesConfirmed(Set<String> owned, Instant at) {
		for (String runId : owned) {
			Execution execution = this.active.get(runId);
			if (execution != null) {
				execution.confirmed(at);
			}
		}
	}

	/**
	 * Whether this instance executes a run now, or holds it queued to resume.
	 * @param runId the run id
	 * @return whether the run is here
	 */
	boolean isHere(String runId) {
		return this.active.containsKey(runId) || this.queued.contains(runId);
	}

	ToolReviews toolReviews() {
		return this.toolReviews;
	}

	/**
	 * The runs this instance executes now or holds queued to resume.
	 * @return a snapshot of their ids
	 */
	Set<String> here() {
		Set<String> here = new HashSet<>(this.active.keySet());
		here.addAll(this.queued);
		return here;
	}

	/**
	 * Notes a run about to be queued for {@link #resume}, which forgets it when done.
	 * @param runId the run id
	 */
	void queue(String runId) {
		this.queued.add(runId);
	}

	/**
	 * Forgets a run that was not queued after all.
	 * @param runId the run id
	 */
	void unqueue(String runId) {
		this.queued.remove(runId);
	}

	/**
	 * Whether the step found at a position is the one this execution was recording, and
	 * the run is still its own: an earlier attempt of a retried write committed although
	 * its connection failed before it could say so.
	 */
	private boolean landedEarlier(Execution execution, StepView step) {
		try {
			List<StepView> journal = this.store.steps(execution.runId());
			StepView found = (step.seq() <= journal.size()) ? journal.get(step.seq() - 1) : null;
			return found != null && found.kind() == step.kind() && found.name().equals(step.name())
					&& found.succeeded() == step.succeeded() && Objects.equals(found.output(), step.output())
					&& Objects.equals(found.idempotencyKey(), step.idempotencyKey())
					&& this.store.renewLease(execution.runId(), execution.epoch(), this::now,
							this.settings.leaseDuration()) != null;
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

	static Duration since(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	// ---- waiting for results

	/**
	 * Waits until a run is finished and returns its result, read back from the journal.
	 */
	@Nullable Object await(String runId, Type returnType, @Nullable Duration timeout)
			throws TimeoutException, InterruptedException {
		return await(runId, returnType, timeout, false);
	}

	/**
	 * Waits until a run is finished and returns its result; a caller that runs the plan
	 * synchronously gets {@link RunSuspendedException} for a run that waits for a review.
	 */
	private @Nullable Object await(String runId, Type returnType, @Nullable Duration timeout, boolean caller)
			throws TimeoutException, InterruptedException {
		long deadline = (timeout != null) ? System.nanoTime() + timeout.toNanos() : Long.MAX_VALUE;
		long pause = 5;
		while (true) {
			RunView run = this.store.findRun(runId).orElseThrow();
			if (run.status().isTerminal()) {
				return result(run, returnType);
			}
			if (caller && run.status() == RunStatus.WAITING) {
				throw new RunSuspendedException(runId,
						this.reviews.pendingOf(runId).map(ReviewView::id).orElse("none"));
			}
			long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			if (remaining <= 0) {
				throw new TimeoutException("Run " + runId + " is still " + run.status() + " after " + timeout);
			}
			long wait = Math.min(remaining, pause);
			Execution local = this.active.get(runId);
			if (local != null) {
				try {
					local.done().get(wait, TimeUnit.MILLISECONDS);
				}
				catch (ExecutionException | TimeoutException ex) {
					// read the recorded outcome on the next turn
				}
			}
			else {
				Thread.sleep(wait);
			}
			pause = Math.min(pause * 2, 500);
		}
	}

	private @Nullable Object awaitUnchecked(String runId, Type returnType) throws InterruptedException {
		try {
			return await(runId, returnType, null, true);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private @Nullable Object result(RunView run, Type returnType) {
		if (run.status() == RunStatus.SUCCEEDED) {
			return this.codec.readResult(run.result(), returnType);
		}
		if (run.status() == RunStatus.CANCELLED) {
			throw new RunCancelledException(run.id());
		}
		throw new RunFailedException(run.id(), run.errorType(), run.errorMessage(), null);
	}

	/**
	 * Cancels a run; an execution on this instance stops before its next step, and the
	 * completed steps with compensations are compensated on this instance.
	 * @return {@code true} if the run was cancelled, {@code false} if it had finished
	 * @throws RunNotFoundException if there is no such run
	 * @throws RunNotCancellableException if it resumes to act on an approval, or is
	 * compensated already
	 */
	boolean cancel(String runId) {
		Instant now = now();
		Cancellation cancellation = this.store.cancel(runId, now, this.registry.compensatedTools(),
				this.settings.instanceId(), now.plus(this.settings.leaseDuration()),
				now.minus(this.settings.leaseDuration()));
		switch (cancellation.result()) {
			case NOT_FOUND -> throw new RunNotFoundException(runId);
			case FINISHED -> {
				return false;
			}
			case COMPENSATING -> throw new RunNotCancellableException(runId, cancellation.status(), "Run " + runId
					+ " is being compensated already, after it failed or was cancelled; it ends once compensated");
			case APPROVED -> throw new RunNotCancellableException(runId, cancellation.status(),
					"Run " + runId + " is not cancelled: " + cancellation.approval()
							+ " and the run is resuming to act on it; cancel it once it has (its compensations undo "
							+ "what it did), or after " + this.settings.leaseDuration() + " if it does not resume");
			default -> {
				Execution execution = this.active.get(runId);
				if (execution != null) {
					execution.cancel();
				}
				if (cancellation.result() == Cancellation.Result.COMPENSATING_NOW) {
					if (this.executor.tryReserve()) {
						this.queued.add(runId);
						this.executor.execute(() -> resume(runId, cancellation.epoch(), false, 0));
					}
					else {
						this.store.releaseLease(runId, cancellation.epoch(), now);
					}
				}
				return true;
			}
		}
	}

	Optional<Type> returnType(String runName) {
		AgentRunRegistry.Plan plan = this.registry.plan(runName);
		return Optional.ofNullable((plan != null) ? plan.returnType() : null);
	}

	/**
	 * Runs a call that should invoke one {@code @AgentRun} method, capturing it as an
	 * asynchronous start instead of running it.
	 */
	StartedRun capture(Runnable call) {
		StartRequest request = new StartRequest();
		directive.set(request);
		try {
			call.run();
		}
		finally {
			directive.remove();
		}
		if (request.started == null) {
			throw new IllegalArgumentException("AgentRuns.start(..) expects a call of an @AgentRun method through its "
					+ "bean (not through 'this', and not inside a running run); the call made none");
		}
		return request.started;
	}

	/**
	 * Opens the engine for work again after it was stopped (a context may be stopped and
	 * started again).
	 */
	void open() {
		if (this.stopping) {
			this.executor = new RunExecutor(this.settings.poolSize(), this.settings.queueCapacity());
			this.stopping = false;
			this.handedOver = false;
		}
	}

	void shutdown() throws InterruptedException {
		this.stopping = true;
		if (!this.executor.shutdown(this.settings.shutdownGracePeriod())) {
			logger.warn("Runs still executing after " + this.settings.shutdownGracePeriod()
					+ " were interrupted; their leases are released so another instance resumes them");
		}
		this.handedOver = true;
	}

	private static @Nullable Object defaultValue(Class<?> type) {
		if (!type.isPrimitive() || type == void.class) {
			return null;
		}
		return java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(type, 1), 0);
	}

	/**
	 * A run started asynchronously.
	 *
	 * @param runId the run id
	 * @param returnType the return type of its method
	 */
	record StartedRun(String runId, Type returnType) {
	}

	private static final class StartRequest {

		private @Nullable StartedRun started;

		void started(StartedRun run) {
			if (this.started != null) {
				throw new IllegalArgumentException("AgentRuns.start(..) expects a call of exactly one @AgentRun "
						+ "method; the call made a second one");
			}
			this.started = run;
		}

	}

}
