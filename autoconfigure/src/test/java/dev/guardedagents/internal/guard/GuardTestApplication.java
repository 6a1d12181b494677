package dev.guardedagents.internal.guard;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;
import dev.guardedagents.FailureMode;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.RetryAfterHint;
import dev.guardedagents.RunContext;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Tools that fail in the ways guards handle, and plans that call them.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class GuardTestApplication {

	@Bean
	Tools guardTools() {
		return new Tools();
	}

	@Bean
	Plans guardPlans(Tools tools) {
		return new Plans(tools);
	}

	static class Tools {

		static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

		static volatile CountDownLatch release = new CountDownLatch(0);

		static volatile CountDownLatch entered = new CountDownLatch(0);

		static final Map<String, String> contexts = new ConcurrentHashMap<>();

		static int count(String key) {
			return calls.computeIfAbsent(key, (k) -> new AtomicInteger()).get();
		}

		private static int call(String key) {
			return calls.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		}

		@GuardedTool(name = "flaky", maxAttempts = 4)
		public String flaky(String key) {
			int n = call(key);
			RunContext.find().ifPresent((context) -> contexts.put(key + "#" + n, context.stepIdempotencyKey()));
			if (n < 3) {
				throw new IllegalStateException("flake " + n);
			}
			return "ok after " + n;
		}

		@GuardedTool(name = "hung", timeout = "PT0.2S", maxAttempts = 1)
		public String hung(String key) throws InterruptedException {
			call(key);
			RunContext.find().ifPresent((context) -> contexts.put(key, context.stepIdempotencyKey()));
			Thread.sleep(60_000);
			return "never";
		}

		@GuardedTool(name = "breaker")
		public String breaker(String key, boolean fail) {
			call(key);
			if (fail) {
				throw new IllegalStateException("backend down");
			}
			return "fine";
		}

		@GuardedTool(name = "narrow")
		public String narrow(String key) throws InterruptedException {
			call(key);
			entered.countDown();
			release.await(10, TimeUnit.SECONDS);
			return "through";
		}

		@GuardedTool(name = "with-fallback", maxAttempts = 2, fallbackMethod = "cached")
		public String lookup(String key) {
			call(key);
			throw new IllegalStateException("lookup service down");
		}

		public String cached(String key, Throwable failure) {
			return "cached " + key + " after " + failure.getMessage();
		}

		@GuardedTool(name = "fatal", maxAttempts = 1, onFailure = FailureMode.FAIL_RUN)
		public String fatal(String key) {
			call(key);
			throw new IllegalStateException("unrecoverable");
		}

		@GuardedTool(name = "not-retried", noRetryFor = IllegalArgumentException.class)
		public String invalid(String key) {
			call(key);
			throw new IllegalArgumentException("bad input " + key);
		}

		static volatile boolean healthy;

		@GuardedTool(name = "reviewed", maxAttempts = 2, onFailure = FailureMode.HUMAN_REVIEW)
		public int quote(String key) {
			call(key);
			if (!healthy) {
				throw new IllegalStateException("pricing service down");
			}
			return 42;
		}

		@GuardedTool(name = "tuned", backoffInitial = "5ms", backoffMultiplier = 3, backoffMax = "1s", jitter = 0.1,
				failureRateThreshold = 25, slidingWindowSize = 8, waitInOpenState = "2m", maxConcurrentCalls = 2)
		public String tuned(String key) {
			call(key);
			return "tuned";
		}

		@GuardedTool(name = "hinted", maxAttempts = 2)
		public String hinted(String key) {
			if (call(key) == 1) {
				throw new TooManyRequests(Duration.ofMillis(300));
			}
			return "served";
		}

	}

	static class TooManyRequests extends RuntimeException implements RetryAfterHint {

		private final Duration retryAfter;

		TooManyRequests(Duration retryAfter) {
			super("429 Too Many Requests");
			this.retryAfter = retryAfter;
		}

		@Override
		public Duration retryAfter() {
			return this.retryAfter;
		}

	}

	static class Plans {

		private final Tools tools;

		Plans(Tools tools) {
			this.tools = tools;
		}

		@AgentRun(name = "guarded-flaky")
		public String flaky(String key) {
			return this.tools.flaky(key);
		}

		@AgentRun(name = "guarded-fallback")
		public String fallback(String key) {
			return this.tools.lookup(key);
		}

		@AgentRun(name = "guarded-fatal")
		public String fatal(String key) {
			try {
				return this.tools.fatal(key);
			}
			catch (RuntimeException ex) {
				return "caught " + ex.getMessage();
			}
		}

		@AgentRun(name = "guarded-throw")
		public String thrown(String key) {
			try {
				return this.tools.invalid(key);
			}
			catch (IllegalArgumentException ex) {
				return "caught " + ex.getMessage();
			}
		}

		@AgentRun(name = "guarded-reviewed")
		public int reviewed(String key) {
			return this.tools.quote(key) + 1;
		}

		@AgentRun(name = "guarded-hung")
		public String hung(String key) throws InterruptedException {
			return this.tools.hung(key);
		}

	}

}
