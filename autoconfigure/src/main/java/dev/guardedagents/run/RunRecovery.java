package dev.guardedagents.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.guardedagents.store.ExpiredRun;
import dev.guardedagents.store.JdbcRunStore;
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
	 * Error type recorded for a run failed after too many recoveries.
	 */
	static final String RECOVERY_LIMIT = "dev.guardedagents.RecoveryLimitExceeded";

	private final RunEngine engine;

	private final Set<String> reported = ConcurrentHashMap.newKeySet();

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * Creates a new instance.
	 * @param engine the run engine
	 */
	public RunRecovery(RunEngine engine) {
		this.engine = engine;
	}

	@Override
	public void start() {
		this.engine.open();
		RunSettings settings = this.engine.settings();
		int released = store().releaseLeases(settings.instanceId(), this.engine.now(), false);
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
			this.engine.shutdown();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		store().releaseLeases(this.engine.settings().instanceId(), this.engine.now(), true);
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

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	void renewLeases() {
		try {
			store().renewLeases(this.engine.settings().instanceId(),
					this.engine.now().plus(this.engine.settings().leaseDuration()));
			this.engine.releaseAbandoned();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not renew the leases of instance " + this.engine.settings().instanceId(), ex);
		}
	}

	/**
	 * Claims and resumes runs whose lease expired, batch after batch while the run
	 * executor has room for them.
	 * @return the number of runs claimed
	 */
	int recover() {
		try {
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

	private int claimExpired() {
		RunExecutor executor = this.engine.executor();
		RunSettings settings = this.engine.settings();
		int limit = Math.min(executor.freeSlots(), BATCH);
		if (limit == 0) {
			return 0;
		}
		Instant now = this.engine.now();
		List<ExpiredRun> expired = store().findExpired(now, this.engine.registry().versions(), true, limit);
		int claimed = 0;
		for (ExpiredRun run : expired) {
			if (run.recoveries() >= settings.maxRecoveries()) {
				if (store().failExpired(run, RECOVERY_LIMIT, "Run was resumed " + run.recoveries()
						+ " times after its executor stopped, the limit set by guarded-agents.recovery.max-recoveries",
						now)) {
					logger.error("Run " + run.id() + " (" + run.name() + ") failed: its executor stopped "
							+ run.recoveries() + " times");
				}
				continue;
			}
			if (!executor.tryReserve()) {
				break;
			}
			if (store().claim(run, settings.instanceId(), now.plus(settings.leaseDuration()), now)) {
				claimed++;
				this.engine.observer().runRecovered(run.name());
				executor.execute(() -> this.engine.resume(run.id(), run.epoch() + 1));
			}
			else {
				executor.release();
			}
		}
		return claimed;
	}

	private void reportUnknownPlans() {
		Map<String, String> versions = this.engine.registry().versions();
		for (ExpiredRun run : store().findExpired(this.engine.now(), versions, false, 20)) {
			if (this.reported.size() < 10_000 && this.reported.add(run.id())) {
				String here = versions.get(run.name());
				logger.warn("Run " + run.id() + " (" + run.name() + " version " + run.version()
						+ ") is waiting for an instance with that plan version; "
						+ ((here != null) ? "this instance has version " + here : "this instance has no such plan")
						+ ". It is not resumed here.");
			}
		}
	}

	private JdbcRunStore store() {
		return this.engine.store();
	}

}
