package dev.guardedagents.internal.run;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The runs this instance executes or holds queued to resume, and the executor they run
 * on: what the engine and recovery both ask before they touch a run (recovery never
 * claims a run that is here).
 */
final class LocalRuns {

	private static final Log logger = LogFactory.getLog(LocalRuns.class);

	private final Map<String, Execution> active = new ConcurrentHashMap<>();

	private final Set<String> queued = ConcurrentHashMap.newKeySet();

	private final RunJournal journal;

	private final RunSettings settings;

	private final SimulatedCrashes crashes;

	private volatile RunExecutor executor;

	LocalRuns(RunJournal journal, RunSettings settings, SimulatedCrashes crashes) {
		this.journal = journal;
		this.settings = settings;
		this.crashes = crashes;
		this.executor = new RunExecutor(settings.poolSize(), settings.queueCapacity());
	}

	RunExecutor executor() {
		return this.executor;
	}

	/**
	 * Notes an execution of a run as active here.
	 */
	void executing(Execution execution) {
		this.active.put(execution.runId(), execution);
	}

	/**
	 * Forgets an execution once it left its thread (a later execution of the same run is
	 * kept).
	 */
	void left(Execution execution) {
		this.active.remove(execution.runId(), execution);
	}

	/**
	 * Forgets a run that was noted active but is not executed here after all.
	 */
	void notExecuted(String runId) {
		this.active.remove(runId);
	}

	@Nullable Execution active(String runId) {
		return this.active.get(runId);
	}

	int activeCount() {
		return this.active.size();
	}

	/**
	 * Whether this instance executes a run now, or holds it queued to resume (a run a
	 * test crashed counts as here until it is restarted).
	 */
	boolean isHere(String runId) {
		return this.active.containsKey(runId) || this.queued.contains(runId) || this.crashes.holds(runId);
	}

	/**
	 * The runs this instance executes now or holds queued to resume.
	 * @return a snapshot of their ids
	 */
	Set<String> here() {
		Set<String> here = new HashSet<>(this.active.keySet());
		here.addAll(this.queued);
		here.addAll(this.crashes.held());
		return here;
	}

	/**
	 * Notes a run about to be queued to resume; {@link #unqueue} forgets it once its
	 * execution took it, or when it was not queued after all.
	 */
	void queue(String runId) {
		this.queued.add(runId);
	}

	void unqueue(String runId) {
		this.queued.remove(runId);
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
	 * Opens for work again after a stop (a context may be stopped and started again).
	 */
	void open() {
		if (this.journal.isStopping()) {
			this.executor = new RunExecutor(this.settings.poolSize(), this.settings.queueCapacity());
			this.journal.reopened();
		}
	}

	/**
	 * Stops taking runs and lets the executing ones finish up to the grace period; the
	 * journal then hands over what is left.
	 */
	void shutdown() throws InterruptedException {
		this.journal.stopping();
		if (!this.executor.shutdown(this.settings.shutdownGracePeriod())) {
			logger.warn("Runs still executing after " + this.settings.shutdownGracePeriod()
					+ " were interrupted; their leases are released so another instance resumes them");
		}
		this.journal.handedOver();
	}

}
