package dev.guardedagents.internal.run;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.guardedagents.CompensationStatus;
import dev.guardedagents.internal.store.ReviewRow;
import dev.guardedagents.PayloadTooLargeException;
import dev.guardedagents.RunCancelledException;
import dev.guardedagents.RunContext;
import dev.guardedagents.RunFailedException;
import dev.guardedagents.RunNotCancellableException;
import dev.guardedagents.RunNotFoundException;
import dev.guardedagents.RunNotReceivingException;
import dev.guardedagents.RunNotRetryableException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.internal.store.RunRow;
import dev.guardedagents.RunView;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.budget.BudgetProfile;
import dev.guardedagents.internal.budget.BudgetProfiles;
import dev.guardedagents.spi.StepPolicy;
import dev.guardedagents.internal.guard.ToolGuard;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.security.Principals;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.internal.store.Cancellation;
import dev.guardedagents.internal.store.JdbcIdempotencyStore;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.Retry;
import dev.guardedagents.internal.store.NewRun;
import dev.guardedagents.internal.store.StepRow;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * Executes runs and records their steps: the state machine behind the advisors. A fresh
 * run of S steps costs S + 2 single-statement commits and no reads; a resumed run reads
 * its journal once. Internal: not API.
 */
public final class RunEngine implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(RunEngine.class);

	private static final ThreadLocal<Object> directive = new ThreadLocal<>();

	/**
	 * The format of an exported run.
	 */
	public static final String EXPORT_FORMAT = "guarded-agents-run/1";

	private final JdbcRunStore store;

	private final JdbcReviewStore reviews;

	private final RunJournal journal;

	private final ToolGuards guards;

	private final AgentRunRegistry registry;

	private final JsonCodec codec;

	private final RunSettings settings;

	private final LocalRuns runs;

	private final BudgetProfiles budgets;

	private final StepPipeline pipeline;

	private final Compensations compensations;

	private final Checkpoints checkpoints;

	private final ExternalSteps externalSteps;

	private final ObserverRelay observer = new ObserverRelay();

	private final SimulatedCrashes crashes = new SimulatedCrashes();

	private volatile RunTracing tracing = RunTracing.NONE;

	private volatile Runnable recoverSoon = () -> {
	};

	private volatile Consumer<Instant> wakeUp = (at) -> {
	};

	/**
	 * The longest key of a message, as the journal keeps it.
	 */
	private static final int MAX_MESSAGE_KEY_LENGTH = 200;

	private final Sleeps sleeps;

	private final Receives receives;

	private final Children children;

	/**
	 * The limits of runs at once the journal holds, by run name, as last read: this
	 * instance's own until the first recovery pass publishes and reads them.
	 */
	private volatile Map<String, Integer> limits;

	private volatile boolean limitsPublished;

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
		this.budgets = budgets;
		this.store = store;
		this.guards = guards;
		this.reviews = reviews;
		this.registry = registry;
		this.codec = new JsonCodec(mapper, settings.hashSensitiveInputs());
		this.settings = settings;
		this.journal = new RunJournal(store, settings, clock);
		this.runs = new LocalRuns(this.journal, settings, this.crashes);
		Parking parking = new Parking(this.journal, reviews, access, settings.reviewTimeout(), this.observer, events);
		BudgetGate budget = new BudgetGate(this.journal, parking, this.codec, events, this.observer);
		GuardedCalls calls = new GuardedCalls(idempotency, this.codec, settings.idempotencyWait(), clock,
				settings.returnRecordedOnKeyMismatch());
		this.pipeline = new StepPipeline(this.journal, this.codec, budget,
				new PolicyGate(parking, this.codec, policies), parking,
				new ToolReviews(this.journal, parking, this.codec), calls, transactions, this.observer, this.crashes,
				() -> this.tracing);
		this.checkpoints = new Checkpoints(this.journal, parking, budget, this.pipeline, guards, calls, this.codec,
				access, settings);
		this.compensations = new Compensations(this.journal, store, reviews, parking, registry, guards, this.codec,
				this.pipeline, this.observer);
		this.externalSteps = new ExternalSteps(this.pipeline, budget);
		this.sleeps = new Sleeps(this.journal, (at) -> this.wakeUp.accept(at));
		this.receives = new Receives(this.journal, store, this.codec, budget, (at) -> this.wakeUp.accept(at));
		this.children = new Children(this.journal, store, this.codec, budget, this.pipeline, guards, this::startChild,
				(at) -> this.wakeUp.accept(at));
		this.limits = Map.of();
	}

	/**
	 * Resolves the guard of every tool and compensation the registry found, once all
	 * singletons exist: a tool's settings are resolved once, at start-up, and its circuit
	 * breaker, retry and bulkhead (with their metrics) exist before its first call. A
	 * tool of a bean the registry did not see (not a singleton) is resolved at its first
	 * call. A limit of runs at once for a plan that does not exist fails start-up.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		for (String name : this.settings.maxConcurrent().keySet()) {
			if (this.registry.plan(name) == null) {
				throw new InvalidAnnotationException("guarded-agents.plans." + name,
						"names no @AgentRun plan; the plans are " + new TreeSet<>(this.registry.planNames()),
						"Use the run name of an @AgentRun method.");
			}
		}
		AgentRunRegistry.Tools tools = this.registry.tools();
		for (AgentRunRegistry.RegisteredTool tool : tools.tools()) {
			this.guards.guard(tool.method(), tool.name());
		}
		for (AgentRunRegistry.Compensation compensation : tools.compensations()) {
			this.guards.compensation(compensation.tool(), compensation.name());
		}
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

	/**
	 * Reports what the engine does to an observer, for metrics.
	 * @param observer the observer
	 */
	public void observe(RunObserver observer) {
		this.observer.relayTo(observer);
	}

	/**
	 * Traces runs and their executed steps, for observability.
	 * @param tracing the tracing
	 */
	public void trace(RunTracing tracing) {
		this.tracing = tracing;
	}

	/**
	 * Returns the crashes tests ask for ({@code guarded-agents-test}).
	 * @return the crash points of this engine
	 */
	public SimulatedCrashes crashes() {
		return this.crashes;
	}

	/**
	 * Returns the steps whose body is not a bean method (model calls, model-picked
	 * tools), for the model advisors.
	 * @return the steps, over this engine's pipeline
	 */
	public ExternalSteps externalSteps() {
		return this.externalSteps;
	}

	/**
	 * Returns the number of runs executing (or queued) on this instance.
	 * @return the number of active runs
	 */
	public int activeRuns() {
		return this.runs.activeCount();
	}

	RunObserver observer() {
		return this.observer;
	}

	ToolGuards guards() {
		return this.guards;
	}

	LocalRuns runs() {
		return this.runs;
	}

	Instant now() {
		return this.journal.now();
	}

	RunJournal journal() {
		return this.journal;
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
			Execution parent = RunContextHolder.execution();
			// started in a plan, it is the plan's child; in a step's body, a run of its
			// own
			request.started(
					(parent != null && !parent.inStep()) ? this.children.start(parent, plan, invocation.getArguments())
							: start(plan, invocation.getArguments()));
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
		NewRun run = newRun(plan, invocation.getArguments(), plan.idempotencyKey(invocation.getArguments()));
		Recorded recorded = record(run, plan, Execution.Origin.CALLER);
		if (recorded.execution() == null) {
			// queued (it starts on any instance once a slot frees), or recorded before
			return awaitUnchecked(recorded.queued() ? run.id() : existing(plan, run).id(), plan.returnType());
		}
		return execute(recorded.execution(), invocation);
	}

	/**
	 * Records a run and queues it on the run executor.
	 */
	StartedRun start(AgentRunRegistry.Plan plan, Object[] args) {
		return start(plan, args, plan.idempotencyKey(args));
	}

	/**
	 * Builds the schedules of plans: those of {@code @AgentRun(schedule = ...)} and those
	 * configured, the configuration winning. They are read, and checked, once every plan
	 * is registered ({@link RunSchedules#afterSingletonsInstantiated()}): a setting that
	 * names no plan, or a plan that cannot be scheduled, fails start-up.
	 * @param configured the configured settings, by run name
	 * @return the schedules, not started
	 */
	public RunSchedules schedules(Map<String, RunSchedules.Settings> configured) {
		return new RunSchedules(() -> schedulesOf(configured), this::startTick, this.store::newestIdempotencyKey,
				this::now);
	}

	private List<RunSchedules.Schedule> schedulesOf(Map<String, RunSchedules.Settings> configured) {
		Map<String, String> declared = this.registry.schedules();
		List<RunSchedules.Schedule> schedules = new ArrayList<>();
		configured.forEach((name, settings) -> {
			if (this.registry.plan(name) == null) {
				throw new InvalidAnnotationException("guarded-agents.schedules." + name,
						"names no @AgentRun plan; the plans are " + new TreeSet<>(this.registry.planNames()),
						"Use the run name of an @AgentRun method.");
			}
			if (settings.cron() == null && !declared.containsKey(name)) {
				throw new InvalidAnnotationException("guarded-agents.schedules." + name,
						"has no cron expression, and the plan declares no schedule",
						"Set guarded-agents.schedules." + name + ".cron, or @AgentRun(schedule = ...).");
			}
		});
		for (String name : new TreeSet<>(this.registry.planNames())) {
			RunSchedules.Settings settings = configured.getOrDefault(name, RunSchedules.Settings.DEFAULTS);
			String cron = (settings.cron() != null) ? settings.cron() : declared.get(name);
			if (cron == null || !settings.enabled()) {
				continue;
			}
			AgentRunRegistry.Plan plan = this.registry.plan(name);
			String where = (settings.cron() != null) ? "guarded-agents.schedules." + name + ".cron"
					: "@AgentRun '" + name + "'";
			schedules.add(new RunSchedules.Schedule(plan, cron, RunSchedules.check(plan, cron, where),
					(settings.zone() != null) ? settings.zone() : ZoneId.systemDefault(), settings.catchUp(),
					settings.maxCatchUp()));
		}
		return schedules;
	}

	/**
	 * Starts the run of a schedule's tick, once across instances: the tick is its
	 * idempotency key.
	 * @return whether this call recorded it ({@code false}: another instance, or an
	 * earlier call, did)
	 */
	boolean startTick(AgentRunRegistry.Plan plan, Instant tick) {
		Object[] args = (plan.parameterTypes().length == 1) ? new Object[] { tick } : new Object[0];
		boolean started = start(plan, args, RunSchedules.TICK + tick).created();
		this.observer.ticked(plan.name(), started);
		return started;
	}

	private StartedRun start(AgentRunRegistry.Plan plan, Object[] args, @Nullable String idempotencyKey) {
		NewRun run = newRun(plan, args, idempotencyKey);
		this.runs.executor().reserve();
		Recorded recorded;
		try {
			recorded = record(run, plan, Execution.Origin.EXECUTOR);
		}
		catch (RuntimeException ex) {
			this.runs.executor().release();
			throw ex;
		}
		Execution execution = recorded.execution();
		if (execution == null) {
			this.runs.executor().release();
			return recorded.queued() ? new StartedRun(run.id(), plan.returnType(), true)
					: new StartedRun(existing(plan, run).id(), plan.returnType(), false);
		}
		try {
			this.runs.executor().execute(() -> executeThroughProxy(execution, args));
		}
		catch (RejectedExecutionException ex) {
			// this instance is stopping: the run is recorded, and handed over at once so
			// that another instance (or this one, restarted) runs it
			this.runs.executor().release();
			this.runs.notExecuted(run.id());
			this.journal.handOver(run.id(), 1);
		}
		return new StartedRun(run.id(), plan.returnType(), true);
	}

	/**
	 * Records a new run, known locally as active before its row exists so that recovery
	 * and cancellation see it; a run of a plan at its limit of runs at once is recorded
	 * queued instead, for any instance to start once a slot frees.
	 * @return its execution, or none if it was queued or its idempotency key was used
	 * before
	 */
	private Recorded record(NewRun run, AgentRunRegistry.Plan plan, Execution.Origin origin) {
		Execution execution = execution(run.id(), plan, 1, List.of(), origin, budget(plan, run.now(), List.of()),
				run.businessKey());
		execution.parentId(run.parentId());
		execution.confirmed(run.now());
		execution.trace(run.trace());
		this.runs.executing(execution);
		JdbcRunStore.Admission admission = JdbcRunStore.Admission.DUPLICATE;
		try {
			admission = this.store.insertRun(run, limited(plan.name()), configuredLimit(plan.name()));
			if (admission != JdbcRunStore.Admission.DUPLICATE) {
				this.observer.runStarted(plan.name());
			}
			return (admission == JdbcRunStore.Admission.STARTED) ? new Recorded(execution, false)
					: new Recorded(null, admission == JdbcRunStore.Admission.QUEUED);
		}
		finally {
			if (admission != JdbcRunStore.Admission.STARTED) {
				this.runs.notExecuted(run.id());
			}
		}
	}

	/**
	 * A new run as recorded: executed here, queued, or recorded before.
	 */
	private record Recorded(@Nullable Execution execution, boolean queued) {
	}

	/**
	 * Whether a plan has a limit of runs at once, in the journal (written by any
	 * instance) or in this instance's configuration.
	 */
	private boolean limited(String name) {
		readLimits();
		return this.limits.containsKey(name) || configuredLimit(name) > 0;
	}

	private int configuredLimit(String name) {
		return this.settings.maxConcurrent().getOrDefault(name, 0);
	}

	/**
	 * Writes this instance's limits to the journal once, and reads all of them back; a
	 * journal that does not answer leaves it for the next recovery pass (meanwhile this
	 * instance's own limits apply).
	 */
	private void readLimits() {
		if (this.limitsPublished) {
			return;
		}
		try {
			this.store.publishLimits(this.settings.maxConcurrent());
			this.limits = this.store.limits();
			this.limitsPublished = true;
		}
		catch (DataAccessException ex) {
			logger.debug("Could not write the limits of runs at once yet: " + ex.getMessage());
		}
	}

	/**
	 * Starts the queued runs of the plans with a limit that have free slots, and those of
	 * plans whose limit was removed: each is handed over for the recovery of any instance
	 * to claim. Reads the limits the journal holds first.
	 * @return how many were started
	 */
	int dequeue() {
		readLimits();
		Map<String, Integer> limits = this.store.limits();
		this.limits = limits;
		int started = this.store.dequeueUnlimited(now());
		Map<String, String> versions = this.registry.versions();
		for (String name : limits.keySet()) {
			String version = versions.get(name);
			if (version != null) {
				started += this.store.dequeue(name, version, now());
			}
		}
		return started;
	}

	private @Nullable RunBudget budget(AgentRunRegistry.Plan plan, Instant startedAt, List<StepRow> journal) {
		BudgetProfile profile = this.budgets.forRun(plan.budget());
		return (profile != null) ? new RunBudget(profile, startedAt, journal, now()) : null;
	}

	private RunRow existing(AgentRunRegistry.Plan plan, NewRun run) {
		RunRow existing = this.store.findByIdempotencyKey(plan.name(), run.idempotencyKey()).orElseThrow();
		logger.debug("Run '" + plan.name() + "' with this idempotency key exists already as " + existing.id());
		return existing;
	}

	private NewRun newRun(AgentRunRegistry.Plan plan, Object[] args, @Nullable String idempotencyKey) {
		return newRun(plan, args, idempotencyKey, UUID.randomUUID().toString(), null);
	}

	private NewRun newRun(AgentRunRegistry.Plan plan, Object[] args, @Nullable String idempotencyKey, String id,
			@Nullable String parentId) {
		String arguments = this.codec.writeArguments(plan, args);
		Instant now = now();
		String businessKey = plan.businessKey(args);
		return new NewRun(id, plan.name(), plan.version(), arguments, businessKey, idempotencyKey,
				this.settings.instanceId(), now, now.plus(this.settings.leaseDuration()), Principals.currentName(),
				this.tracing.started(id, plan.name(), businessKey), parentId);
	}

	/**
	 * Records the child run a plan's step started, unless it exists (the step replays),
	 * and executes it here, or hands it over for recovery when this instance's run
	 * executor is full or stopping: a parent never fails because its instance is busy. A
	 * child has no idempotency key of its own: its parent's step makes it once.
	 */
	private @Nullable Void startChild(Execution parent, AgentRunRegistry.Plan plan, Object[] args, String childId) {
		// also for a new child: an attempt retried through an outage after its insert
		// committed finds it
		if (this.store.findRun(childId).isPresent()) {
			return null;
		}
		NewRun run = newRun(plan, args, null, childId, parent.runId());
		boolean reserved = this.runs.executor().tryReserve();
		Recorded recorded;
		try {
			recorded = record(run, plan, Execution.Origin.EXECUTOR);
		}
		catch (RuntimeException ex) {
			if (reserved) {
				this.runs.executor().release();
			}
			throw ex;
		}
		Execution execution = recorded.execution();
		if (execution == null) {
			if (reserved) {
				this.runs.executor().release();
			}
			return null;
		}
		if (reserved) {
			try {
				this.runs.executor().execute(() -> executeThroughProxy(execution, args));
				return null;
			}
			catch (RejectedExecutionException ex) {
				this.runs.executor().release();
			}
		}
		this.runs.notExecuted(childId);
		this.journal.handOver(childId, 1);
		this.recoverSoon.run();
		return null;
	}

	/**
	 * Resumes a run this instance just claimed, in the calling (executor) thread.
	 */
	void resume(String runId, long epoch, boolean afterCrash, int recoveries) {
		try {
			resumeQueued(runId, epoch, afterCrash, recoveries);
		}
		finally {
			this.runs.unqueue(runId);
		}
	}

	private void resumeQueued(String runId, long epoch, boolean afterCrash, int recoveries) {
		Instant confirmed;
		RunRow run;
		List<StepRow> journal;
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
			this.journal.abandonLater(runId, epoch);
			return;
		}
		if (run == null || run.status() != RunStatus.RUNNING) {
			return;
		}
		int count = recoveries;
		if (afterCrash) {
			// a resumption after a crash counts when it starts (a poison run may kill its
			// instance outside a step body too); its first recorded step clears it
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
			compensating.parentId(run.parentId());
			compensating.confirmed(confirmed);
			compensating.recoveries(count);
			compensate(compensating, journal);
			return;
		}
		Execution execution = execution(runId, plan, epoch, journal, Execution.Origin.RESUMED,
				budget(plan, run.createdAt(), journal), run.businessKey());
		execution.parentId(run.parentId());
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
		this.runs.executing(execution);
		executeThroughProxy(execution, args);
	}

	/**
	 * Goes on compensating a run that was compensating when it stopped, or that was
	 * cancelled with steps to compensate.
	 */
	private void compensate(Execution execution, List<StepRow> journal) {
		logger.info("Compensating run " + execution.runId() + " (" + execution.runName() + ")");
		this.runs.executing(execution);
		try {
			this.compensations.compensate(execution, journal);
		}
		catch (RunSignal signal) {
			if (signal.reason() == RunSignal.Reason.JOURNAL_FAILED
					|| signal.reason() == RunSignal.Reason.LOST && this.journal.isStopping()) {
				this.journal.abandon(execution);
			}
			else if (signal.reason() != RunSignal.Reason.SUSPENDED) {
				logger.warn("Compensation of run " + execution.runId() + " stopped: " + signal.reason());
			}
		}
		catch (RuntimeException ex) {
			logger.error("Compensation of run " + execution.runId() + " failed; released for recovery", ex);
			this.journal.abandon(execution);
		}
		finally {
			this.runs.left(execution);
			slotFreed(execution);
			ended(execution);
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
			this.runs.left(execution);
		}
	}

	private @Nullable Object execute(Execution execution, MethodInvocation invocation) throws Throwable {
		RunTracing.Scope traced = this.tracing.run(execution.runId(), execution.runName(), execution.businessKey(),
				execution.resumed(), () -> execution.resumed() ? trace(execution.runId()) : execution.trace());
		try {
			return executeBound(execution, invocation);
		}
		finally {
			traced(traced, execution);
			slotFreed(execution);
			ended(execution);
		}
	}

	/**
	 * Wakes the parent of a child run whose execution left its thread, if the child ended
	 * and the parent waits for it; should this fail, any instance's recovery scan wakes
	 * it, as it wakes a run that awaits a run it did not start.
	 */
	private void ended(Execution execution) {
		if (execution.parentId() != null) {
			childEnded(execution.runId());
		}
	}

	private void childEnded(String runId) {
		try {
			Instant now = now();
			if (this.store.wakeAwaiting(runId, now)) {
				this.wakeUp.accept(now);
			}
		}
		catch (DataAccessException ex) {
			logger.debug("Could not wake the runs that await run " + runId + " yet: " + ex.getMessage());
		}
	}

	/**
	 * Cancels the children of a run that have not ended (and theirs), after it was
	 * cancelled or failed; those that cannot be cancelled now (resuming to act on an
	 * approval) are left to recovery, which cancels the children of ended parents.
	 */
	private void cancelChildren(String parentId, String actor) {
		List<String> children;
		try {
			children = this.store.unfinishedChildren(parentId);
		}
		catch (DataAccessException ex) {
			logger.debug("Could not read the children of run " + parentId + " yet: " + ex.getMessage());
			return;
		}
		for (String child : children) {
			try {
				cancel(child, actor);
			}
			catch (RuntimeException ex) {
				// recovery cancels it later
				logger
					.debug("Child run " + child + " of run " + parentId + " is not cancelled now: " + ex.getMessage());
			}
		}
	}

	/**
	 * Cancels the children that have not ended of runs that failed or were cancelled,
	 * which their instance could not cancel (it stopped, or the journal failed).
	 * @return how many were cancelled
	 */
	int cancelOrphans() {
		int cancelled = 0;
		for (String[] orphan : this.store.orphans(100)) {
			try {
				if (cancel(orphan[0], "run " + orphan[1])) {
					cancelled++;
				}
			}
			catch (RunNotFoundException | RunNotCancellableException ex) {
				logger.debug("Child run " + orphan[0] + " is not cancelled now: " + ex.getMessage());
			}
		}
		return cancelled;
	}

	/**
	 * Starts the next queued run of a plan with a limit once an execution of one of its
	 * runs left its thread (finished, parked, stopped): recovery dequeues and claims it.
	 */
	private void slotFreed(Execution execution) {
		if (limited(execution.runName())) {
			this.recoverSoon.run();
		}
	}

	/**
	 * Reads the propagation fields of a run's start for an execution that resumes it; a
	 * journal that cannot say leaves the execution in a trace of its own.
	 */
	private @Nullable String trace(String runId) {
		try {
			return this.store.trace(runId).orElse(null);
		}
		catch (DataAccessException ex) {
			logger.debug("Could not read the trace of run " + runId + ": " + ex.getMessage());
			return null;
		}
	}

	/**
	 * Closes the trace of an execution with how it ended: {@code succeeded},
	 * {@code failed}, {@code cancelled}, {@code crashed} (a test's simulated crash), or
	 * {@code stopped} when it left the thread without an outcome (parked for a review,
	 * handed over, or stopped by a journal fault: the run's status tells which).
	 */
	private static void traced(RunTracing.Scope traced, Execution execution) {
		CompletableFuture<Object> done = execution.done();
		if (!done.isDone()) {
			traced.close("stopped", null);
			return;
		}
		try {
			done.getNow(null);
			traced.close("succeeded", null);
		}
		catch (CompletionException | CancellationException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			String outcome = (cause instanceof RunCancelledException) ? "cancelled"
					: (cause instanceof RunSignal signal) ? signal.reason().name().toLowerCase(Locale.ROOT) : "failed";
			traced.close(outcome, cause);
		}
	}

	/**
	 * Executes a run's plan on this thread and settles the run with how the plan ended.
	 */
	private @Nullable Object executeBound(Execution execution, MethodInvocation invocation) throws Throwable {
		Execution previous = RunContextHolder.bind(execution);
		try {
			return settle(execution, ended(execution, invocation)).answer();
		}
		finally {
			RunContextHolder.bind(previous);
			this.runs.left(execution);
		}
	}

	/**
	 * Runs the plan.
	 */
	private static Ending ended(Execution execution, MethodInvocation invocation) {
		Ending ending;
		try {
			execution.stopIfCancelled();
			ending = new Ending.Returned(invocation.proceed());
		}
		catch (RunSignal signal) {
			return new Ending.Signalled(signal);
		}
		catch (Throwable ex) {
			ending = new Ending.Threw(ex);
		}
		// a signal raised where a streamed call continued reaches the plan as Reactor's
		// wrapper, which user code may also have caught
		RunSignal carried = execution.carriedSignal();
		return (carried != null) ? new Ending.Signalled(carried) : ending;
	}

	/**
	 * Settles a run with how its plan ended: records its outcome, or leaves it to
	 * recovery when the outcome cannot be recorded here. A signal that refuses the
	 * recording (the journal failed, the run was cancelled or moved on) settles it as
	 * that signal says; anything else that goes wrong while settling abandons the run.
	 * @return what the plan's caller gets
	 */
	private Settled settle(Execution execution, Ending ending) {
		try {
			if (ending instanceof Ending.Returned returned) {
				return succeeded(execution, returned.result());
			}
			if (ending instanceof Ending.Threw threw) {
				return threw(execution, threw.failure());
			}
			return signalled(execution, ((Ending.Signalled) ending).signal());
		}
		catch (RunSignal refused) {
			if (ending instanceof Ending.Signalled) {
				this.journal.abandon(execution);
				return Settled
					.thrown((refused.reason() == RunSignal.Reason.JOURNAL_FAILED) ? refused.journalFailure() : refused);
			}
			return settle(execution, new Ending.Signalled(refused));
		}
		catch (RuntimeException | Error ex) {
			this.journal.abandon(execution);
			return Settled.thrown(ex);
		}
	}

	private Settled succeeded(Execution execution, @Nullable Object result) {
		if (execution.poison() != null) {
			fail(execution, execution.poison());
			return Settled.thrown(execution.poison());
		}
		String json;
		try {
			json = this.codec.writeResult(result, execution.plan().returnType());
		}
		catch (JacksonException ex) {
			IllegalStateException failure = new IllegalStateException("The result of run '" + execution.plan().name()
					+ "' cannot be written as JSON and read back: " + ex.getOriginalMessage(), ex);
			fail(execution, failure);
			return Settled.thrown(failure);
		}
		if (!this.journal.write(execution.runId(), () -> this.store.finish(execution.runId(), execution.epoch(),
				RunStatus.SUCCEEDED, json, null, null, execution.stepCount(), now()))) {
			throw this.journal.signal(execution);
		}
		this.observer.runFinished(execution.runName(), RunStatus.SUCCEEDED);
		execution.done().complete(result);
		return Settled.returned(result);
	}

	/**
	 * The plan threw: the run fails (a step that poisoned it fails it with its own
	 * failure), unless this instance is stopping, which leaves it to recovery.
	 */
	private Settled threw(Execution execution, Throwable failure) {
		if (this.journal.isStopping()) {
			this.journal.abandon(execution);
			return Settled.thrown(failure);
		}
		fail(execution, (execution.poison() != null) ? execution.poison() : failure);
		return Settled.thrown(failure);
	}

	private void fail(Execution execution, Throwable failure) {
		// a failed run's children are not waited for any more: cancelled once its failure
		// is written (by this execution, still the owner), before it compensates
		Runnable cancelChildren = () -> cancelChildren(execution.runId(), "run " + execution.runId());
		boolean compensating;
		try {
			compensating = this.compensations.afterFailure(execution, failure, cancelChildren);
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
			throw this.journal.signal(execution);
		}
		this.observer.runFinished(execution.runName(), RunStatus.FAILED);
		cancelChildren.run();
	}

	/**
	 * Settles a run that a signal stopped, one row per reason.
	 */
	private Settled signalled(Execution execution, RunSignal signal) {
		return switch (signal.reason()) {
			case JOURNAL_FAILED -> {
				// no outcome recorded: recovery resumes the run, the caller gets the
				// journal's failure
				this.journal.abandon(execution);
				yield Settled.thrown(signal.journalFailure());
			}
			case FAIL_RUN -> {
				fail(execution, signal.getCause());
				yield execution.hasWaitingCaller() ? Settled.thrown(signal.getCause()) : Settled.returned(null);
			}
			case SUSPENDED -> execution.hasWaitingCaller()
					? Settled.thrown(new RunSuspendedException(execution.runId(), signal.reviewId()))
					: Settled.returned(null);
			case SLEEPING -> execution.hasWaitingCaller()
					? Settled.thrown((signal.wakeAt() != null)
							? new RunSuspendedException(execution.runId(), signal.wakeAt())
							: RunSuspendedException.awaiting(execution.runId(), Objects.requireNonNull(signal.child())))
					: Settled.returned(null);
			case CRASHED -> {
				// as a dead instance: nothing written, the lease kept; a waiting caller
				// dies too
				execution.done().completeExceptionally(signal);
				yield execution.hasWaitingCaller() ? Settled.thrown(signal) : Settled.returned(null);
			}
			case CANCELLED -> {
				this.observer.runFinished(execution.runName(), RunStatus.CANCELLED);
				RunCancelledException cancelled = new RunCancelledException(execution.runId());
				execution.done().completeExceptionally(cancelled);
				yield Settled.thrown(cancelled);
			}
			case LOST -> takenOver(execution, signal);
		};
	}

	private Settled takenOver(Execution execution, RunSignal signal) {
		execution.done().completeExceptionally(signal);
		if (!execution.hasWaitingCaller()) {
			logger.warn("Run " + execution.runId() + " was taken over by another instance; this execution stopped");
			return Settled.returned(null);
		}
		logger.warn("Run " + execution.runId() + " was taken over by another instance; this execution stopped "
				+ "and its caller waits for the result");
		try {
			return Settled.returned(awaitUnchecked(execution.runId(), execution.plan().returnType()));
		}
		catch (RuntimeException | InterruptedException ex) {
			return Settled.thrown(ex);
		}
	}

	/**
	 * How a run's plan ended on this thread.
	 */
	private sealed interface Ending {

		record Returned(@Nullable Object result) implements Ending {
		}

		record Threw(Throwable failure) implements Ending {
		}

		record Signalled(RunSignal signal) implements Ending {
		}

	}

	/**
	 * What the caller of a settled run's plan gets: its result, or what it throws.
	 */
	private record Settled(@Nullable Object result, @Nullable Throwable thrown) {

		static Settled returned(@Nullable Object result) {
			return new Settled(result, null);
		}

		static Settled thrown(Throwable thrown) {
			return new Settled(null, thrown);
		}

		@Nullable Object answer() throws Throwable {
			if (this.thrown != null) {
				throw this.thrown;
			}
			return this.result;
		}

	}

	// ---- steps

	/**
	 * Called by the {@code @GuardedTool} interceptor: inside a run, replays a recorded
	 * step or runs the call through its guard and records it; elsewhere only guards it.
	 */
	@Nullable Object invokeStep(MethodInvocation invocation, String name, Type returnType, ToolGuard guard,
			@Nullable String idempotencyKey, boolean transactional) throws Throwable {
		return this.pipeline
			.run(new StepBody.BeanMethod(invocation, name, returnType, guard, idempotencyKey, transactional));
	}

	/**
	 * Returns how full this instance's run executor is.
	 * @return the runs executing or queued, and how many it takes
	 */
	public Load load() {
		return new Load(this.runs.executor().capacity() - this.runs.executor().freeSlots(),
				this.runs.executor().capacity());
	}

	/**
	 * How full the run executor is.
	 *
	 * @param used the runs executing or queued
	 * @param capacity how many it takes: threads and queue
	 */
	public record Load(int used, int capacity) {
	}

	/**
	 * Exports a run and its steps as JSON.
	 * @param runId the run id
	 * @return the run
	 * @throws RunNotFoundException if there is no such run
	 */
	public String export(String runId) {
		RunRow run = this.store.findRun(runId).orElseThrow(() -> new RunNotFoundException(runId));
		Map<String, Object> exported = new LinkedHashMap<>();
		exported.put("format", EXPORT_FORMAT);
		exported.put("run", run.view());
		exported.put("steps", this.store.steps(runId).stream().map(StepRow::view).toList());
		exported.put("messages", this.store.messages(runId));
		return this.codec.mapper().writeValueAsString(exported);
	}

	/**
	 * Checks a recorded run against this code without writing anything: calls its plan
	 * with the recorded arguments, answers every step from the record, and stops at the
	 * first step the record does not have. The code departs from the record where it
	 * calls another step than the one recorded at a position, returns before the record
	 * ends, or ends otherwise than the record did.
	 * @param run the recorded run
	 * @param recorded its recorded steps, in order
	 * @param servedVersions the plan versions other than the current one that the code
	 * says it still serves; a run recorded under another version is skipped
	 * @return how it replays
	 */
	public Replay replay(RunView run, List<StepView> recorded, Set<String> servedVersions) {
		List<StepRow> steps = recorded.stream().map(StepRow::of).toList();
		AgentRunRegistry.Plan plan = this.registry.plan(run.name());
		if (plan == null) {
			return Replay.departed(0, steps.size(), "This application has no @AgentRun named '" + run.name() + "'");
		}
		if (!plan.version().equals(run.version()) && !servedVersions.contains(run.version())) {
			return Replay.skipped(steps.size(),
					"Run " + run.id() + " was recorded under version " + run.version() + " of '" + run.name()
							+ "' and the code is version " + plan.version()
							+ "; name the versions it still serves to check it");
		}
		Object[] args;
		try {
			args = this.codec.readArguments(plan, run.arguments());
		}
		catch (RuntimeException ex) {
			return Replay.departed(0, steps.size(),
					"The recorded arguments of run " + run.id() + " no longer read as the parameters of "
							+ plan.method().toGenericString() + ": " + ex.getMessage());
		}
		Execution execution = execution("replay:" + run.id(), plan, 0, steps, Execution.Origin.RESUMED, null,
				run.businessKey());
		execution.replayOnly();
		Execution previous = RunContextHolder.bind(execution);
		Object result = null;
		Throwable thrown = null;
		try {
			result = plan.method().invoke(plan.bean(), args);
		}
		catch (InvocationTargetException ex) {
			thrown = ex.getTargetException();
		}
		catch (IllegalAccessException ex) {
			thrown = ex;
		}
		finally {
			RunContextHolder.bind(previous);
		}
		return replayed(run, steps, execution, result, thrown);
	}

	private Replay replayed(RunView run, List<StepRow> steps, Execution execution, @Nullable Object result,
			@Nullable Throwable thrown) {
		int recorded = steps.size();
		if (execution.poison() != null) {
			return Replay.departed(Math.max(0, execution.poisonedAt() - 1), recorded,
					String.valueOf(execution.poison().getMessage()));
		}
		if (thrown instanceof ReplayEnd end) {
			return Replay.matched(end.seq() - 1, recorded,
					"The code calls the " + recorded + " recorded steps in order, then a step at position " + end.seq()
							+ " that the record (" + run.status() + ") does not have");
		}
		int called = Math.min(execution.stepCount(), recorded);
		if (thrown != null) {
			if (run.status() == RunStatus.FAILED && thrown.getClass().getName().equals(run.errorType())) {
				return Replay.matched(called, recorded, "The code fails as recorded: " + run.errorType());
			}
			return Replay.departed(called, recorded, "The code throws " + thrown.getClass().getName() + " ("
					+ thrown.getMessage() + ") after " + called + " of " + recorded + " recorded steps; the run "
					+ ((run.status() == RunStatus.FAILED) ? "failed with " + run.errorType() : "was " + run.status()));
		}
		if (execution.stepCount() < recorded) {
			StepRow next = steps.get(execution.stepCount());
			return Replay.departed(called, recorded, "The code returns after " + called + " steps, where the record "
					+ "goes on at position " + next.seq() + " with " + next.kind() + " '" + next.name() + "'");
		}
		if (run.status() == RunStatus.FAILED) {
			return Replay.departed(called, recorded,
					"The code returns where the run failed with " + run.errorType() + ": " + run.errorMessage());
		}
		if (run.status() == RunStatus.SUCCEEDED) {
			String json = this.codec.writeBestEffort(result);
			if (!this.codec.canonical(json).equals(this.codec.canonical(String.valueOf(run.result())))) {
				return Replay.departed(called, recorded,
						"The code returns " + json + " where the run returned " + run.result());
			}
		}
		return Replay.matched(called, recorded, "The code calls the " + recorded + " recorded steps in order and "
				+ "ends as the run did (" + run.status() + ")");
	}

	/**
	 * Creates the execution of a plan: one that runs its lambda steps through this engine
	 * and carries its business key for the logging MDC.
	 */
	private Execution execution(String runId, AgentRunRegistry.Plan plan, long epoch, List<StepRow> journal,
			Execution.Origin origin, @Nullable RunBudget budget, @Nullable String businessKey) {
		Execution execution = new Execution(runId, plan, epoch, journal, origin, budget);
		execution.lambdas(this::lambdaStep);
		execution.sleeper(this.sleeps::sleep);
		execution.receiver(this.receives::receive);
		execution.awaiter(this.children::await);
		execution.clock(this.journal::now);
		execution.businessKey(businessKey);
		return execution;
	}

	/**
	 * Runs a lambda of the plan as a step ({@code RunContext.step}), guarded by the
	 * settings of its name.
	 */
	private @Nullable Object lambdaStep(String name, Type resultType, Supplier<?> body) throws Throwable {
		return this.pipeline.run(new StepBody.Lambda(name, resultType, this.guards.tool(name), body));
	}

	/**
	 * Called by the {@code @HumanCheckpoint} interceptor: asks a human, or applies the
	 * decision taken, then runs the method as a step.
	 */
	@Nullable Object invokeCheckpoint(MethodInvocation invocation, AgentRunRegistry.Checkpoint checkpoint) throws Throwable {
		return this.checkpoints.invoke(invocation, checkpoint);
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
			RunRow run = this.store.findRun(runId).orElseThrow();
			if (run.status().isTerminal()) {
				return result(run, returnType);
			}
			if (caller && run.status() == RunStatus.WAITING) {
				throw new RunSuspendedException(runId, this.reviews.pendingOf(runId).map(ReviewRow::id).orElse("none"));
			}
			long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			if (remaining <= 0) {
				throw new TimeoutException("Run " + runId + " is still " + run.status() + " after " + timeout);
			}
			long wait = Math.min(remaining, pause);
			Execution local = this.runs.active(runId);
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

	private @Nullable Object result(RunRow run, Type returnType) {
		if (run.status() == RunStatus.SUCCEEDED) {
			return this.codec.readResult(run.result(), returnType);
		}
		if (run.status() == RunStatus.CANCELLED) {
			throw new RunCancelledException(run.id());
		}
		throw new RunFailedException(run.id(), run.errorType(), run.errorMessage(), null);
	}

	/**
	 * Sets what makes recovery look for runs to resume now rather than at its next scan.
	 * @param recoverSoon the wake-up of recovery
	 */
	void recoverSoon(Runnable recoverSoon) {
		this.recoverSoon = recoverSoon;
	}

	/**
	 * Sets what wakes the runs that sleep until a time, on this instance while it lives.
	 * @param wakeUp told of each wake time
	 */
	void wakeUp(Consumer<Instant> wakeUp) {
		this.wakeUp = wakeUp;
	}

	/**
	 * Retries a failed run: the journal hands it back (a failed last step set aside) and
	 * recovery resumes it at once, here or on another instance.
	 * @return the run as the retry left it: {@code RUNNING}, without an owner
	 * @throws RunNotFoundException if there is no such run
	 * @throws RunNotRetryableException if it did not fail, or was compensated
	 */
	RunRow retry(String runId, String actor) {
		Retry retry = this.store.retry(runId, actor, now());
		RunStatus status = retry.status();
		switch (retry.result()) {
			case NOT_FOUND -> throw new RunNotFoundException(runId);
			case NOT_FAILED -> throw new RunNotRetryableException(runId, Objects.requireNonNull(status),
					"Run " + runId + " is " + status + ": only a failed run is retried");
			case COMPENSATED -> throw new RunNotRetryableException(runId, Objects.requireNonNull(status), "Run " + runId
					+ " failed and was compensated: its completed steps were undone, so it cannot go on from them; "
					+ "start a new run");
			default -> logger.info("Run " + runId + " retried by " + actor
					+ ((retry.setAside() != null) ? "; set aside " + retry.setAside() + " to run again" : ""));
		}
		// read before recovery may resume it: the caller gets the run as retried
		RunRow retried = this.store.findRun(runId).orElseThrow(() -> new RunNotFoundException(runId));
		this.recoverSoon.run();
		return retried;
	}

	/**
	 * Sends a message to a run that has not finished: kept for its plan to receive
	 * ({@code RunContext.receive}), and if the run waits for one on the topic it wakes at
	 * once, on this instance.
	 * @return {@code false} if the run already has a message with the key
	 * @throws RunNotFoundException if there is no such run
	 * @throws RunNotReceivingException if it has finished
	 * @throws IllegalArgumentException if the topic, key or payload is not one to send
	 * @throws PayloadTooLargeException if the payload is over the journal's limit
	 */
	boolean send(String runId, String topic, Object payload, @Nullable String key, @Nullable String actor) {
		Receives.checkTopic(topic);
		if (key != null && (!StringUtils.hasText(key) || key.length() > MAX_MESSAGE_KEY_LENGTH)) {
			throw new IllegalArgumentException(
					"A message's key has 1 to " + MAX_MESSAGE_KEY_LENGTH + " characters, or none, was '" + key + "'");
		}
		String json;
		try {
			json = this.codec.mapper().writeValueAsString(payload);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"The message on topic '" + topic + "' cannot be written as JSON: " + ex.getOriginalMessage(), ex);
		}
		PayloadTooLargeException tooLarge = this.journal.oversized(RunContext.RECEIVE, "output", json);
		if (tooLarge != null) {
			throw tooLarge;
		}
		Instant now = now();
		JdbcRunStore.Sent sent = this.store.send(runId, topic, key, json, actor, now);
		RunStatus status = sent.status();
		if (status == null) {
			throw new RunNotFoundException(runId);
		}
		if (sent.result() == JdbcRunStore.Sent.Result.NOT_RECEIVING) {
			throw new RunNotReceivingException(runId, status);
		}
		// also for a duplicate: the first send may have failed before waking the run
		if (this.store.wakeReceiver(runId, topic, now)) {
			this.wakeUp.accept(now);
		}
		return sent.result() == JdbcRunStore.Sent.Result.SENT;
	}

	/**
	 * Forks a run from a step into a new run that recovery resumes at once: the steps
	 * before it replay, the rest runs with the current code.
	 * @return the new run
	 * @throws RunNotFoundException if there is no such run
	 * @throws IllegalArgumentException if the step is out of range
	 */
	RunRow fork(String runId, int fromStep, String actor) {
		String forkId = UUID.randomUUID().toString();
		int copied = this.store.fork(runId, fromStep, forkId, actor, now());
		if (copied < 0) {
			throw new RunNotFoundException(runId);
		}
		logger.info("Run " + runId + " forked by " + actor + " into run " + forkId + " from step " + fromStep);
		RunRow fork = this.store.findRun(forkId).orElseThrow(() -> new RunNotFoundException(forkId));
		this.recoverSoon.run();
		return fork;
	}

	/**
	 * Retries the failed runs of a plan, as {@link #retry} each.
	 * @return the ids of the runs retried
	 */
	List<String> retryFailed(String name, @Nullable String errorType, int limit, String actor) {
		List<String> retried = new ArrayList<>();
		for (String runId : this.store.retryable(name, errorType, limit)) {
			try {
				retry(runId, actor);
				retried.add(runId);
			}
			catch (RunNotFoundException | RunNotRetryableException ex) {
				// purged or retried by someone else since it was found
			}
		}
		return retried;
	}

	/**
	 * Cancels a run; an execution on this instance stops before its next step, and the
	 * completed steps with compensations are compensated on this instance.
	 * @return {@code true} if the run was cancelled, {@code false} if it had finished
	 * @throws RunNotFoundException if there is no such run
	 * @throws RunNotCancellableException if it resumes to act on an approval, or is
	 * compensated already
	 */
	boolean cancel(String runId, String actor) {
		Instant now = now();
		Cancellation cancellation = this.store.cancel(runId, now, this.registry.compensatedTools(),
				this.settings.instanceId(), now.plus(this.settings.leaseDuration()),
				now.minus(this.settings.leaseDuration()), actor);
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
				Execution execution = this.runs.active(runId);
				if (execution != null) {
					execution.cancel();
				}
				cancelChildren(runId, actor);
				childEnded(runId);
				if (!this.limits.isEmpty() || !this.settings.maxConcurrent().isEmpty()) {
					// a slot of a plan with a limit may have freed
					this.recoverSoon.run();
				}
				if (cancellation.result() == Cancellation.Result.COMPENSATING_NOW) {
					if (this.runs.executor().tryReserve()) {
						this.runs.queue(runId);
						this.runs.executor().execute(() -> resume(runId, cancellation.epoch(), false, 0));
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
	record StartedRun(String runId, Type returnType, boolean created) {
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
