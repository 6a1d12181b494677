package dev.guardedagents.internal.guard;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Interrupts attempts that run past their deadline. Attempts register and unregister in a
 * concurrent set, which costs no thread wake-up; one daemon thread looks at the set every
 * {@value #TICK_MILLIS} ms, so a timeout fires at most that late.
 */
final class Watchdog implements AutoCloseable {

	static final long TICK_MILLIS = 10;

	private static final int RUNNING = 0;

	private static final int DONE = 1;

	private static final int TIMED_OUT = 2;

	private final Set<Attempt> attempts = ConcurrentHashMap.newKeySet();

	private final ScheduledThreadPoolExecutor ticker;

	Watchdog() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("guarded-timeouts-");
		threads.setDaemon(true);
		this.ticker = new ScheduledThreadPoolExecutor(1, threads);
		this.ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
	}

	/**
	 * Starts watching the calling thread.
	 * @param timeout how long it may run
	 * @return the attempt, to {@link Attempt#finish() finish}
	 */
	Attempt watch(Duration timeout) {
		Attempt attempt = new Attempt(Thread.currentThread(), System.nanoTime() + timeout.toNanos());
		this.attempts.add(attempt);
		return attempt;
	}

	private void tick() {
		long now = System.nanoTime();
		for (Attempt attempt : this.attempts) {
			if (now - attempt.deadline >= 0 && attempt.state.compareAndSet(RUNNING, TIMED_OUT)) {
				attempt.thread.interrupt();
			}
		}
	}

	@Override
	public void close() {
		this.ticker.shutdownNow();
	}

	/**
	 * A watched attempt.
	 */
	final class Attempt {

		private final Thread thread;

		private final long deadline;

		private final AtomicInteger state = new AtomicInteger(RUNNING);

		private Attempt(Thread thread, long deadline) {
			this.thread = thread;
			this.deadline = deadline;
		}

		/**
		 * Stops watching; clears an interrupt the watchdog sent.
		 * @return {@code true} if the attempt finished in time
		 */
		boolean finish() {
			Watchdog.this.attempts.remove(this);
			if (this.state.compareAndSet(RUNNING, DONE)) {
				return true;
			}
			Thread.interrupted();
			return false;
		}

	}

}
