package dev.guardedagents.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The clock of runs, reviews and the journal in a {@link GuardedAgentsTest}: the system
 * clock moved forward by what the test {@linkplain #advance(Duration) advanced}, so that
 * review deadlines, budgets' wall time, retention and {@code RunContext.now()} pass
 * without waiting while time still flows between the test's steps. It only moves forward.
 */
public final class TestClock extends Clock {

	private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

	/**
	 * Moves the clock forward.
	 * @param duration how far, not negative
	 * @return the time after the move
	 */
	public Instant advance(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("A test clock only moves forward; advance by " + duration
					+ " would move it back. Advance by a positive duration.");
		}
		this.offset.accumulateAndGet(duration, Duration::plus);
		return instant();
	}

	/**
	 * Returns how far the test moved the clock ahead of the system clock.
	 * @return the offset
	 */
	public Duration offset() {
		return this.offset.get();
	}

	@Override
	public Instant instant() {
		return Instant.now().plus(this.offset.get());
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("The test clock of runs is in UTC");
	}

}
