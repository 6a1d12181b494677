package dev.guardedagents.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.guardedagents.FailureMode;
import dev.guardedagents.guard.GuardSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of Guarded Agents.
 */
@ConfigurationProperties("guarded-agents")
public class GuardedAgentsProperties implements InitializingBean {

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

	/**
	 * Whether to turn @AgentRun and @GuardedTool methods into journaled runs and steps.
	 */
	private boolean enabled = true;

	/**
	 * Id of this instance, recorded as the owner of the runs it executes. Must be unique
	 * among live instances sharing a database and stable across restarts of one instance,
	 * so that a restarted instance resumes its own runs at once. Defaults to
	 * 'spring.application.name@hostname'.
	 */
	private @Nullable String instanceId;

	private final Store store = new Store();

	private final Executor executor = new Executor();

	private final Recovery recovery = new Recovery();

	private final Reviews reviews = new Reviews();

	private final Idempotency idempotency = new Idempotency();

	/**
	 * Guards of tools: 'defaults' for every tool, then one entry per tool name
	 * (guarded-agents.tools.<name>.*) for what differs.
	 */
	private final Map<String, Tool> tools = new LinkedHashMap<>();

	private final Actuator actuator = new Actuator();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	public Store getStore() {
		return this.store;
	}

	public Executor getExecutor() {
		return this.executor;
	}

	public Recovery getRecovery() {
		return this.recovery;
	}

	public Map<String, Tool> getTools() {
		return this.tools;
	}

	public Idempotency getIdempotency() {
		return this.idempotency;
	}

	public Reviews getReviews() {
		return this.reviews;
	}

	public Actuator getActuator() {
		return this.actuator;
	}

	/**
	 * Checks the bound values once, when the properties bean is initialized.
	 */
	@Override
	public void afterPropertiesSet() {
		validate();
	}

	/**
	 * Checks the values that binding alone cannot check.
	 * @throws InvalidPropertyException naming the first invalid property
	 */
	void validate() {
		if (this.instanceId != null && (this.instanceId.isBlank() || this.instanceId.length() > 200)) {
			throw new InvalidPropertyException("guarded-agents.instance-id", this.instanceId,
					"must be 1 to 200 characters and not blank");
		}
		if (!IDENTIFIER.matcher(this.store.schema).matches()) {
			throw new InvalidPropertyException("guarded-agents.store.schema", this.store.schema,
					"must be a plain SQL identifier: a letter or underscore, then letters, digits or underscores, at most 63");
		}
		requireAtLeast("guarded-agents.executor.pool-size", this.executor.poolSize, 1);
		requireAtLeast("guarded-agents.executor.queue-capacity", this.executor.queueCapacity, 0);
		requireAtLeast("guarded-agents.recovery.max-recoveries", this.recovery.maxRecoveries, 1);
		requirePositive("guarded-agents.executor.shutdown-grace-period", this.executor.shutdownGracePeriod, true);
		requirePositive("guarded-agents.recovery.lease-duration", this.recovery.leaseDuration, false);
		requirePositive("guarded-agents.recovery.renew-interval", this.recovery.renewInterval, false);
		requirePositive("guarded-agents.recovery.scan-interval", this.recovery.scanInterval, false);
		requirePositive("guarded-agents.reviews.default-timeout", this.reviews.defaultTimeout, false);
		requirePositive("guarded-agents.idempotency.wait-timeout", this.idempotency.waitTimeout, false);
		requirePositive("guarded-agents.reviews.deadline-check-interval", this.reviews.deadlineCheckInterval, false);
		this.tools.forEach((name, tool) -> tool.validate("guarded-agents.tools." + name + "."));
		if (this.recovery.renewInterval.compareTo(this.recovery.leaseDuration.dividedBy(2)) > 0) {
			throw new InvalidPropertyException("guarded-agents.recovery.renew-interval", this.recovery.renewInterval,
					"must be at most half of guarded-agents.recovery.lease-duration (" + this.recovery.leaseDuration
							+ "), or leases expire between two renewals and live runs are taken over");
		}
	}

	private static void requireAtLeast(String name, @Nullable Number value, int minimum) {
		if (value != null && value.doubleValue() < minimum) {
			throw new InvalidPropertyException(name, value, "must be at least " + minimum);
		}
	}

	private static void requirePositive(String name, @Nullable Duration value, boolean zeroAllowed) {
		if (value != null && (value.isNegative() || (!zeroAllowed && value.isZero()))) {
			throw new InvalidPropertyException(name, value, zeroAllowed ? "must not be negative" : "must be positive");
		}
	}

	/**
	 * Where the run journal is stored.
	 */
	public static class Store {

		/**
		 * Schema of the journal tables, created and migrated by Guarded Agents' own
		 * Flyway history (guarded_schema_history) apart from the application's tables.
		 */
		private String schema = "guarded_agents";

		public String getSchema() {
			return this.schema;
		}

		public void setSchema(String schema) {
			this.schema = schema;
		}

	}

	/**
	 * The executor of asynchronous and recovered runs.
	 */
	public static class Executor {

		/**
		 * Number of threads executing runs started with AgentRuns.start and runs resumed
		 * after a crash.
		 */
		private int poolSize = 8;

		/**
		 * Number of runs that may wait for a thread. Starting a run beyond that is
		 * refused before anything is recorded; recovery claims only runs it has room for.
		 */
		private int queueCapacity = 1000;

		/**
		 * How long a stopping instance waits for its executing runs before interrupting
		 * them and releasing their leases to other instances.
		 */
		private Duration shutdownGracePeriod = Duration.ofSeconds(10);

		public int getPoolSize() {
			return this.poolSize;
		}

		public void setPoolSize(int poolSize) {
			this.poolSize = poolSize;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public Duration getShutdownGracePeriod() {
			return this.shutdownGracePeriod;
		}

		public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
			this.shutdownGracePeriod = shutdownGracePeriod;
		}

	}

	/**
	 * Leases and recovery of runs whose instance stopped.
	 */
	public static class Recovery {

		/**
		 * How long an instance owns a running run without renewing its lease. After that,
		 * another instance may claim and resume the run.
		 */
		private Duration leaseDuration = Duration.ofSeconds(30);

		/**
		 * How often an instance renews the leases of all its runs, in one statement. At
		 * most half the lease duration.
		 */
		private Duration renewInterval = Duration.ofSeconds(10);

		/**
		 * How often each instance looks for runs whose lease expired.
		 */
		private Duration scanInterval = Duration.ofSeconds(10);

		/**
		 * How often a run may be resumed after its executor stopped before it is failed,
		 * so that a run that crashes its instance every time does not do so forever.
		 */
		private int maxRecoveries = 10;

		public Duration getLeaseDuration() {
			return this.leaseDuration;
		}

		public void setLeaseDuration(Duration leaseDuration) {
			this.leaseDuration = leaseDuration;
		}

		public Duration getRenewInterval() {
			return this.renewInterval;
		}

		public void setRenewInterval(Duration renewInterval) {
			this.renewInterval = renewInterval;
		}

		public Duration getScanInterval() {
			return this.scanInterval;
		}

		public void setScanInterval(Duration scanInterval) {
			this.scanInterval = scanInterval;
		}

		public int getMaxRecoveries() {
			return this.maxRecoveries;
		}

		public void setMaxRecoveries(int maxRecoveries) {
			this.maxRecoveries = maxRecoveries;
		}

	}

	/**
	 * The guard of a tool, or the defaults of all tools. Unset values come from the
	 * defaults entry, then from the built-in defaults.
	 */
	public static class Tool {

		/**
		 * Timeout of one attempt; the attempt's thread is interrupted when it passes.
		 * Built-in default 30s.
		 */
		private @Nullable Duration timeout;

		/**
		 * Maximum number of attempts, the first included. Built-in default 3.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Exceptions that are retried; all but those of no-retry-for when empty.
		 */
		private @Nullable List<Class<? extends Throwable>> retryFor;

		/**
		 * Exceptions that are never retried.
		 */
		private @Nullable List<Class<? extends Throwable>> noRetryFor;

		/**
		 * What happens after the last attempt failed without a fallback: 'throw' (the
		 * plan may catch it), 'fail-run' or 'human-review' (the run parks for a reviewer
		 * to retry, override the result or abort). Built-in default 'throw'.
		 */
		private @Nullable FailureMode onFailure;

		private final Backoff backoff = new Backoff();

		private final CircuitBreaker circuitBreaker = new CircuitBreaker();

		private final Bulkhead bulkhead = new Bulkhead();

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public @Nullable List<Class<? extends Throwable>> getRetryFor() {
			return this.retryFor;
		}

		public void setRetryFor(@Nullable List<Class<? extends Throwable>> retryFor) {
			this.retryFor = retryFor;
		}

		public @Nullable List<Class<? extends Throwable>> getNoRetryFor() {
			return this.noRetryFor;
		}

		public void setNoRetryFor(@Nullable List<Class<? extends Throwable>> noRetryFor) {
			this.noRetryFor = noRetryFor;
		}

		public @Nullable FailureMode getOnFailure() {
			return this.onFailure;
		}

		public void setOnFailure(@Nullable FailureMode onFailure) {
			this.onFailure = onFailure;
		}

		public Backoff getBackoff() {
			return this.backoff;
		}

		public CircuitBreaker getCircuitBreaker() {
			return this.circuitBreaker;
		}

		public Bulkhead getBulkhead() {
			return this.bulkhead;
		}

		/**
		 * Applies the values set here over other settings.
		 * @param base the settings of what is not set here
		 * @return the merged settings
		 */
		GuardSettings applyTo(GuardSettings base) {
			return new GuardSettings(or(this.timeout, base.timeout()), or(this.maxAttempts, base.maxAttempts()),
					or(this.backoff.initial, base.backoffInitial()),
					or(this.backoff.multiplier, base.backoffMultiplier()), or(this.backoff.max, base.backoffMax()),
					or(this.backoff.jitter, base.jitter()), or(this.retryFor, base.retryFor()),
					or(this.noRetryFor, base.noRetryFor()), or(this.circuitBreaker.enabled, base.circuitBreaker()),
					or(this.circuitBreaker.failureRateThreshold, base.failureRateThreshold()),
					or(this.circuitBreaker.slidingWindowSize, base.slidingWindowSize()),
					or(this.circuitBreaker.minimumNumberOfCalls, base.minimumNumberOfCalls()),
					or(this.circuitBreaker.waitInOpenState, base.waitInOpenState()),
					or(this.bulkhead.maxConcurrentCalls, base.maxConcurrentCalls()),
					or(this.onFailure, base.onFailure()));
		}

		private static <T> T or(@Nullable T value, T fallback) {
			return (value != null) ? value : fallback;
		}

		void validate(String prefix) {
			requirePositive(prefix + "timeout", this.timeout, false);
			requireAtLeast(prefix + "max-attempts", this.maxAttempts, 1);
			requirePositive(prefix + "backoff.initial", this.backoff.initial, false);
			requireAtLeast(prefix + "backoff.multiplier", this.backoff.multiplier, 1);
			requirePositive(prefix + "backoff.max", this.backoff.max, false);
			if (this.backoff.jitter != null && (this.backoff.jitter < 0 || this.backoff.jitter >= 1)) {
				throw new InvalidPropertyException(prefix + "backoff.jitter", this.backoff.jitter,
						"must be at least 0 and less than 1");
			}
			if (this.circuitBreaker.failureRateThreshold != null && (this.circuitBreaker.failureRateThreshold <= 0
					|| this.circuitBreaker.failureRateThreshold > 100)) {
				throw new InvalidPropertyException(prefix + "circuit-breaker.failure-rate-threshold",
						this.circuitBreaker.failureRateThreshold, "must be a percentage above 0 and at most 100");
			}
			requireAtLeast(prefix + "circuit-breaker.sliding-window-size", this.circuitBreaker.slidingWindowSize, 1);
			requireAtLeast(prefix + "circuit-breaker.minimum-number-of-calls", this.circuitBreaker.minimumNumberOfCalls,
					1);
			requirePositive(prefix + "circuit-breaker.wait-in-open-state", this.circuitBreaker.waitInOpenState, false);
			requireAtLeast(prefix + "bulkhead.max-concurrent-calls", this.bulkhead.maxConcurrentCalls, 1);
		}

		/**
		 * Exponential backoff between attempts.
		 */
		public static class Backoff {

			/**
			 * Wait before the second attempt. Built-in default 200ms.
			 */
			private @Nullable Duration initial;

			/**
			 * Factor between two waits, at least 1. Built-in default 2.
			 */
			private @Nullable Double multiplier;

			/**
			 * Longest wait, also for retry-after hints. Built-in default 10s.
			 */
			private @Nullable Duration max;

			/**
			 * Randomization of each wait, from 0 (none) to below 1. Built-in default 0.5.
			 */
			private @Nullable Double jitter;

			public @Nullable Duration getInitial() {
				return this.initial;
			}

			public void setInitial(@Nullable Duration initial) {
				this.initial = initial;
			}

			public @Nullable Double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(@Nullable Double multiplier) {
				this.multiplier = multiplier;
			}

			public @Nullable Duration getMax() {
				return this.max;
			}

			public void setMax(@Nullable Duration max) {
				this.max = max;
			}

			public @Nullable Double getJitter() {
				return this.jitter;
			}

			public void setJitter(@Nullable Double jitter) {
				this.jitter = jitter;
			}

		}

		/**
		 * The circuit breaker of a tool.
		 */
		public static class CircuitBreaker {

			/**
			 * Whether a circuit breaker guards the tool. Built-in default true.
			 */
			private @Nullable Boolean enabled;

			/**
			 * Failure rate, in percent, that opens the circuit. Built-in default 50.
			 */
			private @Nullable Float failureRateThreshold;

			/**
			 * Number of calls the failure rate is computed over. Built-in default 20.
			 */
			private @Nullable Integer slidingWindowSize;

			/**
			 * Number of calls before the failure rate counts. Built-in default 10.
			 */
			private @Nullable Integer minimumNumberOfCalls;

			/**
			 * How long the circuit stays open, failing calls at once, before it lets
			 * calls try again. Built-in default 30s.
			 */
			private @Nullable Duration waitInOpenState;

			public @Nullable Boolean getEnabled() {
				return this.enabled;
			}

			public void setEnabled(@Nullable Boolean enabled) {
				this.enabled = enabled;
			}

			public @Nullable Float getFailureRateThreshold() {
				return this.failureRateThreshold;
			}

			public void setFailureRateThreshold(@Nullable Float failureRateThreshold) {
				this.failureRateThreshold = failureRateThreshold;
			}

			public @Nullable Integer getSlidingWindowSize() {
				return this.slidingWindowSize;
			}

			public void setSlidingWindowSize(@Nullable Integer slidingWindowSize) {
				this.slidingWindowSize = slidingWindowSize;
			}

			public @Nullable Integer getMinimumNumberOfCalls() {
				return this.minimumNumberOfCalls;
			}

			public void setMinimumNumberOfCalls(@Nullable Integer minimumNumberOfCalls) {
				this.minimumNumberOfCalls = minimumNumberOfCalls;
			}

			public @Nullable Duration getWaitInOpenState() {
				return this.waitInOpenState;
			}

			public void setWaitInOpenState(@Nullable Duration waitInOpenState) {
				this.waitInOpenState = waitInOpenState;
			}

		}

		/**
		 * The bulkhead of a tool.
		 */
		public static class Bulkhead {

			/**
			 * Calls that may run at once; one more is refused at once. Built-in default
			 * 100.
			 */
			private @Nullable Integer maxConcurrentCalls;

			public @Nullable Integer getMaxConcurrentCalls() {
				return this.maxConcurrentCalls;
			}

			public void setMaxConcurrentCalls(@Nullable Integer maxConcurrentCalls) {
				this.maxConcurrentCalls = maxConcurrentCalls;
			}

		}

	}

	/**
	 * Idempotency keys of tools.
	 */
	public static class Idempotency {

		/**
		 * How long a tool call waits for a call of another run that holds the same
		 * idempotency key before it fails with IdempotencyConflictException.
		 */
		private Duration waitTimeout = Duration.ofSeconds(30);

		public Duration getWaitTimeout() {
			return this.waitTimeout;
		}

		public void setWaitTimeout(Duration waitTimeout) {
			this.waitTimeout = waitTimeout;
		}

	}

	/**
	 * Reviews of human checkpoints.
	 */
	public static class Reviews {

		/**
		 * How long reviewers have to decide at a checkpoint that sets no timeout of its
		 * own.
		 */
		private Duration defaultTimeout = Duration.ofHours(24);

		/**
		 * How often each instance looks for reviews whose deadline passed, to apply their
		 * timeout outcome.
		 */
		private Duration deadlineCheckInterval = Duration.ofSeconds(10);

		public Duration getDefaultTimeout() {
			return this.defaultTimeout;
		}

		public void setDefaultTimeout(Duration defaultTimeout) {
			this.defaultTimeout = defaultTimeout;
		}

		public Duration getDeadlineCheckInterval() {
			return this.deadlineCheckInterval;
		}

		public void setDeadlineCheckInterval(Duration deadlineCheckInterval) {
			this.deadlineCheckInterval = deadlineCheckInterval;
		}

	}

	/**
	 * The actuator endpoints agentruns and agentreviews.
	 */
	public static class Actuator {

		/**
		 * When to show payloads (arguments, results, step inputs and outputs, error
		 * messages, review payloads and edits), which may hold personal data.
		 */
		private PayloadVisibility showPayloads = PayloadVisibility.NEVER;

		/**
		 * Roles that may see payloads when show-payloads is 'when-authorized'. Any
		 * authenticated user when empty.
		 */
		private Set<String> roles = new LinkedHashSet<>();

		public PayloadVisibility getShowPayloads() {
			return this.showPayloads;
		}

		public void setShowPayloads(PayloadVisibility showPayloads) {
			this.showPayloads = showPayloads;
		}

		public Set<String> getRoles() {
			return this.roles;
		}

		public void setRoles(Set<String> roles) {
			this.roles = roles;
		}

	}

	/**
	 * When payloads are shown at the actuator endpoint.
	 */
	public enum PayloadVisibility {

		/**
		 * Never show payloads.
		 */
		NEVER,

		/**
		 * Show payloads to authorized users.
		 */
		WHEN_AUTHORIZED,

		/**
		 * Always show payloads.
		 */
		ALWAYS

	}

}
