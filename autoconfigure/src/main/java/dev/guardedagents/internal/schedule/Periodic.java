package dev.guardedagents.internal.schedule;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * A task run on a thread of its own at once and then every interval (fixed delay), until
 * stopped. Internal: not API.
 */
public final class Periodic {

	private final String threadName;

	private final Duration interval;

	private final Runnable task;

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * Creates a periodic task, not started.
	 * @param threadName the prefix of its thread's name
	 * @param interval the delay between the end of one run and the start of the next
	 * @param task the task; it must not throw
	 */
	public Periodic(String threadName, Duration interval, Runnable task) {
		this.threadName = threadName;
		this.interval = interval;
		this.task = task;
	}

	/**
	 * Starts running the task: at once, then every interval.
	 */
	public void start() {
		ScheduledExecutorService started = Executors
			.newSingleThreadScheduledExecutor(new CustomizableThreadFactory(this.threadName));
		started.scheduleWithFixedDelay(this.task, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
		this.scheduler = started;
	}

	/**
	 * Stops it, interrupting a run in progress.
	 */
	public void stop() {
		ScheduledExecutorService running = this.scheduler;
		if (running != null) {
			running.shutdownNow();
			this.scheduler = null;
		}
	}

	/**
	 * Whether it was started and not stopped.
	 * @return whether it runs
	 */
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
