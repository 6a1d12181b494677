package dev.guardedagents.internal.guard;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import org.jspecify.annotations.Nullable;

/**
 * The rate limit of a model on this instance, in requests and tokens per minute, each a
 * Resilience4j {@link RateLimiter} that hands out one permit at a time, evenly over the
 * minute, so that calls never burst. A call waits for a request and for the tokens of the
 * calls before it to fit, up to a longest wait; the tokens a call used are counted when
 * it answered, and the calls after it wait for them. Internal: not API.
 */
public final class RateLimit {

	/**
	 * How long the token limiter may be in debt: the tokens a call used are counted even
	 * when they take longer than the longest wait to fit.
	 */
	private static final long NANOS_PER_MINUTE = TimeUnit.MINUTES.toNanos(1);

	private static final Duration LONGEST_DEBT = Duration.ofDays(36_500);

	private final @Nullable RateLimiter requests;

	private final @Nullable RateLimiter tokens;

	private final Duration maxWait;

	private RateLimit(@Nullable RateLimiter requests, @Nullable RateLimiter tokens, Duration maxWait) {
		this.requests = requests;
		this.tokens = tokens;
		this.maxWait = maxWait;
	}

	/**
	 * Creates the rate limit of a model.
	 * @param model the model id, in the limiters' names
	 * @param settings the limits
	 * @return the rate limit, or {@code null} when no limit is set
	 */
	static @Nullable RateLimit of(String model, Settings settings) {
		if (settings.requestsPerMinute() == null && settings.tokensPerMinute() == null) {
			return null;
		}
		return new RateLimit(limiter(model, "requests-per-minute", settings.requestsPerMinute(), settings.maxWait()),
				limiter(model, "tokens-per-minute", settings.tokensPerMinute(), LONGEST_DEBT), settings.maxWait());
	}

	private static @Nullable RateLimiter limiter(String model, String what, @Nullable Integer perMinute,
			Duration timeout) {
		if (perMinute == null) {
			return null;
		}
		// one at a time, evenly: 120 a minute is one every half second
		RateLimiterConfig config = RateLimiterConfig.custom()
			.timeoutDuration(timeout)
			.limitForPeriod(1)
			.limitRefreshPeriod(Duration.ofNanos((NANOS_PER_MINUTE + perMinute - 1) / perMinute))
			.build();
		return RateLimiter.of("guarded-agents.models." + model + ".rate-limit." + what, config);
	}

	/**
	 * Waits until a call may go: the tokens of earlier calls fit, and a request is free.
	 * @throws RequestNotPermitted when that would take longer than the longest wait
	 * @throws InterruptedException when the thread is interrupted while it waits
	 */
	void await() throws InterruptedException {
		long nanos = Math.max(reserve(this.tokens), reserve(this.requests));
		if (nanos > 0) {
			TimeUnit.NANOSECONDS.sleep(nanos);
		}
	}

	private long reserve(@Nullable RateLimiter limiter) {
		if (limiter == null) {
			return 0;
		}
		long nanos = limiter.reservePermission(1);
		if (nanos < 0 || nanos > this.maxWait.toNanos()) {
			throw RequestNotPermitted.createRequestNotPermitted(limiter);
		}
		return nanos;
	}

	/**
	 * Counts the tokens a call used: the calls after it wait until they fit, and those
	 * that would wait longer than the longest wait fail.
	 * @param used the input and output tokens of the call
	 */
	void used(long used) {
		if (this.tokens == null || used <= 1) {
			return;
		}
		// the call took one token before it went; the rest is a debt the calls after it
		// wait out
		this.tokens.reservePermission((int) Math.min(used - 1, Integer.MAX_VALUE));
	}

	/**
	 * The rate limit settings of a model.
	 *
	 * @param requestsPerMinute the requests per minute, or {@code null} for no limit
	 * @param tokensPerMinute the input and output tokens per minute, or {@code null} for
	 * no limit
	 * @param maxWait the longest a call waits for the limit
	 */
	public record Settings(@Nullable Integer requestsPerMinute, @Nullable Integer tokensPerMinute, Duration maxWait) {

		/**
		 * No limit.
		 */
		public static final Settings NONE = new Settings(null, null, Duration.ofMinutes(5));

	}

}
