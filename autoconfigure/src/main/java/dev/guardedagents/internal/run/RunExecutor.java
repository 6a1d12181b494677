package dev.guardedagents.internal.run;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The bounded executor of asynchronous and recovered runs. A slot is reserved before a
 * run is recorded or claimed, so a run this instance took on always has a place to
 * execute: work is refused up front, never dropped after it was recorded.
 */
final class RunExecutor {

	private final ThreadPoolExecutor executor;

	private final Semaphore slots;

	private final int capacity;

	RunExecutor(int poolSize, int queueCapacity) {
		this.executor = new ThreadPoolExecutor(poolSize, poolSize, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), new CustomizableThreadFactory("guarded-run-"));
		this.capacity = poolSize + queueCapacity;
		this.slots = new Semaphore(this.capacity);
	}

	boolean tryReserve() {
		return this.slots.tryAcquire();
	}

	void reserve() {
		if (!tryReserve()) {
			throw new TaskRejectedException("The run executor is full (" + this.capacity
					+ " runs executing or queued); nothing was recorded. Retry later, or raise "
					+ "guarded-agents.executor.pool-size or guarded-agents.executor.queue-capacity");
		}
	}

	void release() {
		this.slots.release();
	}

	int freeSlots() {
		return this.slots.availablePermits();
	}

	int capacity() {
		return this.capacity;
	}

	/**
	 * Executes a task in a slot reserved before.
	 */
	void execute(Runnable task) {
		this.executor.execute(() -> {
			try {
				task.run();
			}
			finally {
				release();
			}
		});
	}

	/**
	 * Stops taking runs, drops those not started yet (their leases are released by the
	 * caller so any instance resumes them) and waits for the others.
	 * @return {@code true} if every started run finished in time
	 */
	boolean shutdown(Duration gracePeriod) throws InterruptedException {
		this.executor.shutdown();
		this.executor.getQueue().clear();
		if (this.executor.awaitTermination(gracePeriod.toMillis(), TimeUnit.MILLISECONDS)) {
			return true;
		}
		this.executor.shutdownNow();
		return false;
	}

}
