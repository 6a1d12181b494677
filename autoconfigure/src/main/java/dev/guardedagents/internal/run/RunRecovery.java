package dev.guardedagents.internal.run;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

import dev.guardedagents.internal.store.ExpiredRun;
import dev.guardedagents.internal.store.JdbcInstanceStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Keeps this instance's leases alive and resumes runs whose owner stopped: at start-up
 * (this instance's own runs from before a restart at once, without waiting for their
 * leases) and periodically. Claims are conditional updates, so each run is resumed by
 * exactly one instance. Internal: not API.
 */
public final class RunRecovery implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RunRecovery.class);

	private static final int BATCH = 100;

	/**
	 * This JVM, as the holder of instance ids: application contexts of one JVM sharing an
	 * id are not a conflict.
	 */
	private static final String JVM = UUID.randomUUID().toString();

	/**
	 * Error type recorded for a run failed after too many recoveries.
	 */
	static final String RECOVERY_LIMIT = "dev.guardedagents.RecoveryLimitExceeded";

	private final JdbcRunStore store;

	private final RunSettings settings;

	private final RunJournal journal;

	private final AgentRunRegistry registry;

	private final RunObserver observer;

	private final SimulatedCrashes crashes;

	private final LocalRuns runs;

	private final Resumption resumption;

	private final IntSupplier dequeue;

	private final IntSupplier cancelOrphans;

	private final @Nullable JdbcInstanceStore instances;

	private final JdbcInstanceStore.Holder self;

	private final AtomicBoolean idLost = new AtomicBoolean();

	private final Set<String> reported = ConcurrentHashMap.newKeySet();

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * How soon a claim that skipped locked rows looks again.
	 */
	private static final Duration RETRY_DELAY = Duration.ofMillis(200);

	private final AtomicBoolean retryScheduled = new AtomicBoolean();

	/**
	 * Creates a new instance.
	 * @param engine the run engine
	 */
	public RunRecovery(RunEngine engine) {
		this(engine, null);
	}

	/**
	 * Creates a new instance that holds its instance id in the journal, so that a second
	 * live process with the same id refuses to start.
	 * @param engine the run engine
	 * @param instances the live instances, or {@code null} not to check
	 */
	public RunRecovery(RunEngine engine, @Nullable JdbcInstanceStore instances) {
		this(engine.store(), engine.settings(), engine.journal(), engine.registry(), engine.observer(),
				engine.crashes(), engine.runs(), engine::resume, engine::dequeue, engine::cancelOrphans, instances);
		engine.recoverSoon(this::recoverSoon);
		engine.wakeUp(this::wakeUpAt);
	}

	private RunRecovery(JdbcRunStore store, RunSettings settings, RunJournal journal, AgentRunRegistry registry,
			RunObserver observer, SimulatedCrashes crashes, LocalRuns runs, Resumption resumption, IntSupplier dequeue,
			IntSupplier cancelOrphans, @Nullable JdbcInstanceStore instances) {
		this.dequeue = dequeue;
		this.cancelOrphans = cancelOrphans;
		this.store = store;
		this.settings = settings;
		this.journal = journal;
		this.registry = registry;
		this.observer = observer;
		this.crashes = crashes;
		this.runs = runs;
		this.resumption = resumption;
		this.instances = instances;
		this.self = new JdbcInstanceStore.Holder(hostName(), ProcessHandle.current().pid(), JVM,
				ProcessHandle.current().info().startInstant().orElse(Instant.EPOCH), Instant.EPOCH);
	}

	@Override
	public void start() {
		RunSettings settings = this.settings;
		holdInstanceId(settings);
		this.runs.open();
		int released = this.store.releaseLeases(settings.instanceId(), this.journal.now(), false);
		if (released > 0) {
			logger.info("Instance " + settings.instanceId() + " restarted with " + released
					+ " unfinished runs of its own; resuming them");
		}
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("guarded-recovery-"));
		scheduler.scheduleWithFixedDelay(this::renewLeases, settings.renewInterval().toMillis(),
				settings.renewInterval().toMillis(), TimeUnit.MILLISECONDS);
		scheduler.scheduleWithFixedDelay(this::recover, 0, settings.scanInterval().toMillis(), TimeUnit.MILLISECONDS);
		this.scheduler = scheduler;
	}

	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler == null) {
			return;
		}
		scheduler.shutdownNow();
		this.scheduler = null;
		try {
			this.runs.shutdown();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.store.releaseLeases(this.settings.instanceId(), this.journal.now(), true);
		if (this.instances != null) {
			this.instances.release(this.settings.instanceId(), this.self.process());
		}
	}

	/**
	 * Takes this instance's id in the journal, refusing to start when another live
	 * process holds it: one whose heartbeat is younger than a lease, unless it ran on
	 * this host and its process is gone (this instance restarting after a crash).
	 */
	private void holdInstanceId(RunSettings settings) {
		if (this.instances == null) {
			return;
		}
		String id = settings.instanceId();
		JdbcInstanceStore.Holder me = new JdbcInstanceStore.Holder(this.self.host(), this.self.pid(),
				this.self.process(), this.self.startedAt(), this.journal.now());
		for (int attempt = 0; attempt < 3; attempt++) {
			JdbcInstanceStore.Holder previous = this.instances.find(id).orElse(null);
			if (previous != null && !previous.process().equals(me.process()) && alive(previous, settings)) {
				throw new InstanceIdInUseException(id,
						previous.host() + " pid " + previous.pid() + ", last heartbeat " + previous.heartbeatAt());
			}
			if (previous != null && previous.process().equals(me.process())) {
				this.instances.heartbeat(id, me.process(), me.heartbeatAt());
				return;
			}
			if (this.instances.take(id, me, previous)) {
				return;
			}
		}
		throw new InstanceIdInUseException(id, "another process took it while this one started");
	}

	private boolean alive(JdbcInstanceStore.Holder holder, RunSettings settings) {
		if (holder.heartbeatAt().isBefore(this.journal.now().minus(settings.leaseDuration()))) {
			return false;
		}
		if (holder.host().equals(this.self.host())) {
			// alive only if a process with that pid runs and started when the holder did:
			// a pid reused by another process, or pid 1 of a restarted container, is not
			// the holder
			return ProcessHandle.of(holder.pid())
				.filter(ProcessHandle::isAlive)
				.flatMap((process) -> process.info().startInstant())
				.map((started) -> Duration.between(started, holder.startedAt()).abs().toSeconds() < 2)
				.orElse(false);
		}
		return true;
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "unknown";
		}
	}

	/**
	 * Looks for runs to resume now rather than at the next scan, for example right after
	 * a review was decided.
	 */
	public void recoverSoon() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			try {
				scheduler.execute(this::recover);
			}
			catch (RejectedExecutionException ex) {
				// stopping
			}
		}
	}

	/**
	 * Resumes the runs of simulated crashes ({@link SimulatedCrashes}) as a restarted
	 * instance resumes its own: their leases end as a crash leaves them, then they are
	 * claimed at once.
	 * @return the number of runs claimed, those included
	 */
	public int restartCrashed() {
		String instanceId = this.settings.instanceId();
		for (String runId : this.crashes.takeCrashed()) {
			this.store.endLease(runId, instanceId, this.journal.now());
		}
		return recover();
	}

	/**
	 * Wakes the sleeping runs whose time has come, on any instance's behalf: they are
	 * handed back, and this or another instance's recovery resumes them.
	 * @return how many woke
	 */
	public int wake() {
		return this.store.wake(this.journal.now());
	}

	/**
	 * Wakes, at its time, a run this instance put to sleep, while this instance lives;
	 * the recovery scan of any instance wakes it otherwise.
	 */
	void wakeUpAt(Instant at) {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler == null) {
			return;
		}
		long delay = Math.max(0, Duration.between(this.journal.now(), at).toMillis()) + 1;
		try {
			scheduler.schedule(this::recover, delay, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping: another instance's scan wakes it
		}
	}

	private void retrySoon() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null && this.retryScheduled.compareAndSet(false, true)) {
			try {
				scheduler.schedule(() -> {
					this.retryScheduled.set(false);
					recover();
				}, RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// stopping
				this.retryScheduled.set(false);
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	void renewLeases() {
		try {
			if (this.idLost.get()) {
				return;
			}
			String instanceId = this.settings.instanceId();
			JdbcRunStore.Renewal renewal = this.store.renewLeases(instanceId, this.journal::now,
					this.settings.leaseDuration());
			this.runs.leasesConfirmed(renewal.owned(), renewal.start());
			for (String runId : renewal.owned()) {
				if (!this.runs.isHere(runId) && this.store.releaseOwned(runId, instanceId, this.journal.now())) {
					logger.warn("Run " + runId + " was owned by this instance but not executed here; released "
							+ "for recovery");
				}
			}
			if (this.instances != null
					&& !this.instances.heartbeat(this.settings.instanceId(), this.self.process(), renewal.start())
					&& this.idLost.compareAndSet(false, true)) {
				logger.error("Instance id '" + this.settings.instanceId() + "' is now held by another "
						+ "process; this instance stops claiming runs and renewing leases. Give each instance an "
						+ "id of its own (guarded-agents.instance-id)");
			}
			this.journal.releaseAbandoned();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not renew the leases of instance " + this.settings.instanceId(), ex);
		}
	}

	/**
	 * Claims and resumes runs whose lease expired, batch after batch while the run
	 * executor has room for them.
	 * @return the number of runs claimed
	 */
	int recover() {
		if (this.idLost.get()) {
			return 0;
		}
		try {
			wake();
			dequeue();
			cancelOrphans();
			reportUnknownPlans();
			int claimed = 0;
			int batch;
			do {
				batch = claimExpired();
				claimed += batch;
			}
			while (batch == BATCH);
			return claimed;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not look for runs to recover", ex);
			return 0;
		}
	}

	/**
	 * Starts queued runs whose plans have free slots; a failure is logged and leaves the
	 * rest of the pass to go on.
	 */
	private void dequeue() {
		try {
			this.dequeue.getAsInt();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not start queued runs (tried again at the next pass): " + ex.getMessage());
		}
	}

	/**
	 * Cancels the children that have not ended of runs that failed or were cancelled; a
	 * failure is logged and leaves the rest of the pass to go on.
	 */
	private void cancelOrphans() {
		try {
			this.cancelOrphans.getAsInt();
		}
		catch (RuntimeException ex) {
			logger
				.warn("Could not cancel the children of ended runs (tried again at the next pass): " + ex.getMessage());
		}
	}

	private int claimExpired() {
		RunExecutor executor = this.runs.executor();
		RunSettings settings = this.settings;
		int reserved = 0;
		while (reserved < BATCH && executor.tryReserve()) {
			reserved++;
		}
		if (reserved == 0) {
			return 0;
		}
		JdbcRunStore.Claims claims;
		try {
			failRunsAtTheLimit(settings, reserved);
			claims = this.store.claimExpired(this.registry.versions(), settings.maxRecoveries(), this.runs.here(),
					settings.instanceId(), this.journal::now, settings.leaseDuration(), reserved);
		}
		catch (RuntimeException ex) {
			releaseSlots(executor, reserved);
			throw ex;
		}
		List<ExpiredRun> claimed = claims.runs();
		releaseSlots(executor, reserved - claimed.size());
		if (claims.skipped()) {
			// runs another transaction held (a decision, another instance's claim): look
			// again soon rather than at the next scan
			retrySoon();
		}
		for (ExpiredRun run : claimed) {
			this.observer.runRecovered(run.name());
			this.runs.queue(run.id());
			try {
				executor
					.execute(() -> this.resumption.resume(run.id(), run.epoch() + 1, run.crashed(), run.recoveries()));
			}
			catch (RuntimeException ex) {
				// not resumed here: the next lease renewal hands it over
				this.runs.unqueue(run.id());
				executor.release();
				logger.warn("Could not queue run " + run.id() + " to resume it: " + ex.getMessage());
			}
		}
		return claimed.size();
	}

	private static void releaseSlots(RunExecutor executor, int slots) {
		for (int i = 0; i < slots; i++) {
			executor.release();
		}
	}

	/**
	 * Fails runs that were resumed after a crash as often as the limit allows and never
	 * got a step done: a poison run, which kills whichever instance executes it.
	 */
	private void failRunsAtTheLimit(RunSettings settings, int limit) {
		Instant now = this.journal.now();
		for (ExpiredRun run : this.store.findExpired(now, this.registry.versions(), true, settings.maxRecoveries(),
				limit)) {
			if (!this.runs.isHere(run.id()) && this.store.failExpired(run, RECOVERY_LIMIT,
					"Run was resumed " + run.recoveries()
							+ " times in a row after a crash without completing a step, the limit set by "
							+ "guarded-agents.recovery.max-recoveries",
					now)) {
				logger.error("Run " + run.id() + " (" + run.name() + ") failed: it was resumed " + run.recoveries()
						+ " times after a crash without completing a step");
			}
		}
	}

	private void reportUnknownPlans() {
		Map<String, String> versions = this.registry.versions();
		for (ExpiredRun run : this.store.findExpired(this.journal.now(), versions, false, 0, 20)) {
			if (this.reported.size() < 10_000 && this.reported.add(run.id())) {
				String here = versions.get(run.name());
				logger.warn("Run " + run.id() + " (" + run.name() + " version " + run.version()
						+ ") is waiting for an instance with that plan version; "
						+ ((here != null) ? "this instance has version " + here : "this instance has no such plan")
						+ ". It is not resumed here.");
			}
		}
	}

	/**
	 * Resumes a run this instance claimed, in the calling (executor) thread.
	 */
	@FunctionalInterface
	interface Resumption {

		void resume(String runId, long epoch, boolean afterCrash, int recoveries);

	}

}
