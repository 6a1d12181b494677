package dev.guardedagents.autoconfigure;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.guardedagents.BudgetAction;
import dev.guardedagents.FailureMode;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.internal.run.CheckpointOverrides;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.spi.PolicyAction;
import dev.guardedagents.internal.guard.GuardSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of Guarded Agents.
 */
@ConfigurationProperties(prefix = "guarded-agents", ignoreUnknownFields = false)
public class GuardedAgentsProperties implements InitializingBean {

	private static final DataSize MAX_EDITS_SIZE = DataSize.ofMegabytes(1);

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

	private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9-]{1,32}");

	/**
	 * The redaction patterns on by default, in the order they apply after the
	 * application's own: API keys and bearer tokens of common shapes, then e-mail
	 * addresses, then card numbers (13 to 19 digits, spaces or dashes between them; a
	 * match is masked only when its digits pass the Luhn check), so that the digits of a
	 * key are not taken for a card.
	 */
	static final Map<String, String> BUILT_IN_PATTERNS = builtInPatterns();

	private static Map<String, String> builtInPatterns() {
		Map<String, String> patterns = new LinkedHashMap<>();
		patterns.put("api-key", "(?i)\\bbearer\\s+[A-Za-z0-9._~+/-]{16,}=*|\\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}"
				+ "|\\bAKIA[0-9A-Z]{16}\\b|\\bgh[pousr]_[A-Za-z0-9]{36,}|\\bxox[abprs]-[A-Za-z0-9-]{10,}");
		patterns.put("email", "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
		patterns.put("card-number", "\\b(?:\\d[ -]?){12,18}\\d\\b");
		return Collections.unmodifiableMap(patterns);
	}

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

	/**
	 * Guards of model calls: 'defaults' for every model, then one entry per model id
	 * (guarded-agents.models.<model>.*) for what differs. Same settings as tools, and a
	 * rate limit.
	 */
	private final Map<String, Model> models = new LinkedHashMap<>();

	/**
	 * Prices of models in USD per million tokens, by model id
	 * (guarded-agents.pricing.<model>.*).
	 */
	private final Map<String, Price> pricing = new LinkedHashMap<>();

	/**
	 * Budget profiles by name (guarded-agents.budgets.<profile>.*), selected with
	 * @AgentRun(budget = "..."); the profile named 'default' applies to runs that name
	 * none.
	 */
	private final Map<String, Budget> budgets = new LinkedHashMap<>();

	/**
	 * Settings of human checkpoints by checkpoint name, which win over the attributes of
	 * their @HumanCheckpoint: timeout, reviewers, approvals, on-timeout, escalate-to,
	 * escalation-timeout.
	 */
	private final Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();

	/**
	 * Schedules of plans by run name (guarded-agents.schedules.<name>.*): a cron
	 * expression that wins over @AgentRun(schedule), its time zone and the catch-up of
	 * ticks missed while no instance ran.
	 */
	private final Map<String, Schedule> schedules = new LinkedHashMap<>();

	/**
	 * Settings of plans by run name: how many of their runs execute at once across
	 * instances.
	 */
	private final Map<String, Plan> plans = new LinkedHashMap<>();

	private final Journal journal = new Journal();

	private final Retention retention = new Retention();

	private final Redaction redaction = new Redaction();

	private final Health health = new Health();

	private final Runs runs = new Runs();

	private final Policies policies = new Policies();

	private final Actuator actuator = new Actuator();

	private final Security security = new Security();

	private final Console console = new Console();

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

	public Runs getRuns() {
		return this.runs;
	}

	public Health getHealth() {
		return this.health;
	}

	public Redaction getRedaction() {
		return this.redaction;
	}

	public Retention getRetention() {
		return this.retention;
	}

	public Journal getJournal() {
		return this.journal;
	}

	public Map<String, Schedule> getSchedules() {
		return this.schedules;
	}

	public Map<String, Plan> getPlans() {
		return this.plans;
	}

	public Map<String, Checkpoint> getCheckpoints() {
		return this.checkpoints;
	}

	public Map<String, Model> getModels() {
		return this.models;
	}

	public Map<String, Price> getPricing() {
		return this.pricing;
	}

	public Map<String, Budget> getBudgets() {
		return this.budgets;
	}

	public Policies getPolicies() {
		return this.policies;
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

	public Security getSecurity() {
		return this.security;
	}

	public Console getConsole() {
		return this.console;
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
		requirePositive("guarded-agents.idempotency.wait-timeout", this.idempotency.waitTimeout, false);
		requirePositive("guarded-agents.journal.outage-tolerance", this.journal.outageTolerance, true);
		this.retention.validate();
		this.redaction.validate();
		this.health.validate();
		this.console.validate();
		this.journal.encryption.validate();
		if (this.journal.maxPayloadSize.toKilobytes() < 1 || this.journal.maxPayloadSize.toMegabytes() > 1024) {
			throw new InvalidPropertyException("guarded-agents.journal.max-payload-size",
					readable(this.journal.maxPayloadSize), "must be between 1KB and 1GB");
		}
		requirePositive("guarded-agents.journal.group-commit.window", this.journal.groupCommit.window, true);
		if (this.journal.groupCommit.directWrites != null) {
			requireAtLeast("guarded-agents.journal.group-commit.direct-writes", this.journal.groupCommit.directWrites,
					0);
		}
		if (this.journal.groupCommit.window.compareTo(Duration.ofSeconds(1)) > 0) {
			throw new InvalidPropertyException("guarded-agents.journal.group-commit.window",
					this.journal.groupCommit.window,
					"must be at most 1s: every step of every run waits for it; a few milliseconds at most is typical");
		}
		this.reviews.validate();
		this.tools.forEach((name, tool) -> tool.validate("guarded-agents.tools." + name + "."));
		this.models.forEach((name, model) -> model.validate("guarded-agents.models." + name + "."));
		this.pricing.forEach((name, price) -> price.validate("guarded-agents.pricing." + name + "."));
		this.budgets.forEach((name, budget) -> budget.validate("guarded-agents.budgets." + name + "."));
		this.checkpoints.forEach((name, checkpoint) -> checkpoint.validate("guarded-agents.checkpoints." + name + "."));
		this.schedules.forEach((name, schedule) -> requireAtLeast("guarded-agents.schedules." + name + ".max-catch-up",
				schedule.maxCatchUp, 1));
		this.plans.forEach((name, plan) -> {
			if (plan.maxConcurrent != null) {
				requireAtLeast("guarded-agents.plans." + name + ".max-concurrent", plan.maxConcurrent, 0);
			}
		});
		this.policies.validate();
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
		 * How often in a row a run may be resumed after a crash without completing a step
		 * before it is failed, so that a run that crashes its instance every time does
		 * not do so forever. A recorded step clears the count.
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

		/**
		 * Whether cancelling a run interrupts this step's body while it executes (the
		 * thread is interrupted, as by the time limit) instead of letting it finish.
		 * Default: guarded-agents.runs.cancel-interrupts.
		 */
		private @Nullable Boolean cancelInterrupts;

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

		public @Nullable Boolean getCancelInterrupts() {
			return this.cancelInterrupts;
		}

		public void setCancelInterrupts(@Nullable Boolean cancelInterrupts) {
			this.cancelInterrupts = cancelInterrupts;
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
					or(this.onFailure, base.onFailure()), or(this.cancelInterrupts, base.cancelInterrupts()));
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

	private static void requireNonNegative(String name, @Nullable BigDecimal value) {
		if (value != null && value.signum() < 0) {
			throw new InvalidPropertyException(name, value, "must not be negative");
		}
	}

	/**
	 * The guard of one model's calls: the settings of a tool's guard, and a rate limit.
	 */
	public static class Model extends Tool {

		private final RateLimit rateLimit = new RateLimit();

		public RateLimit getRateLimit() {
			return this.rateLimit;
		}

		@Override
		void validate(String prefix) {
			super.validate(prefix);
			requireAtLeast(prefix + "rate-limit.requests-per-minute", this.rateLimit.requestsPerMinute, 1);
			requireAtLeast(prefix + "rate-limit.tokens-per-minute", this.rateLimit.tokensPerMinute, 1);
			requirePositive(prefix + "rate-limit.max-wait", this.rateLimit.maxWait, false);
		}

		/**
		 * Applies the rate limit set here over another.
		 * @param base the settings of what is not set here
		 * @return the merged settings
		 */
		dev.guardedagents.internal.guard.RateLimit.Settings applyRateLimitTo(
				dev.guardedagents.internal.guard.RateLimit.Settings base) {
			return new dev.guardedagents.internal.guard.RateLimit.Settings(
					(this.rateLimit.requestsPerMinute != null) ? this.rateLimit.requestsPerMinute
							: base.requestsPerMinute(),
					(this.rateLimit.tokensPerMinute != null) ? this.rateLimit.tokensPerMinute : base.tokensPerMinute(),
					(this.rateLimit.maxWait != null) ? this.rateLimit.maxWait : base.maxWait());
		}

		/**
		 * How fast this instance calls the model: calls beyond the limit wait instead of
		 * failing with the provider's 429.
		 */
		public static class RateLimit {

			/**
			 * Requests per minute from this instance, one at a time evenly over the
			 * minute. No limit when unset.
			 */
			private @Nullable Integer requestsPerMinute;

			/**
			 * Input and output tokens per minute from this instance: a call waits until
			 * the tokens of the calls before it fit. No limit when unset.
			 */
			private @Nullable Integer tokensPerMinute;

			/**
			 * Longest a call waits for the limit before its attempt fails with
			 * RequestNotPermitted (retried by the guard). Default 5m.
			 */
			private @Nullable Duration maxWait;

			public @Nullable Integer getRequestsPerMinute() {
				return this.requestsPerMinute;
			}

			public void setRequestsPerMinute(@Nullable Integer requestsPerMinute) {
				this.requestsPerMinute = requestsPerMinute;
			}

			public @Nullable Integer getTokensPerMinute() {
				return this.tokensPerMinute;
			}

			public void setTokensPerMinute(@Nullable Integer tokensPerMinute) {
				this.tokensPerMinute = tokensPerMinute;
			}

			public @Nullable Duration getMaxWait() {
				return this.maxWait;
			}

			public void setMaxWait(@Nullable Duration maxWait) {
				this.maxWait = maxWait;
			}

		}

	}

	/**
	 * The price of one model, in USD per million tokens.
	 */
	public static class Price {

		/**
		 * USD per million input tokens.
		 */
		private @Nullable BigDecimal inputPerMillion;

		/**
		 * USD per million output tokens.
		 */
		private @Nullable BigDecimal outputPerMillion;

		/**
		 * USD per million input tokens read from the provider's cache. Defaults to the
		 * input price.
		 */
		private @Nullable BigDecimal cachedInputPerMillion;

		public @Nullable BigDecimal getInputPerMillion() {
			return this.inputPerMillion;
		}

		public void setInputPerMillion(@Nullable BigDecimal inputPerMillion) {
			this.inputPerMillion = inputPerMillion;
		}

		public @Nullable BigDecimal getOutputPerMillion() {
			return this.outputPerMillion;
		}

		public void setOutputPerMillion(@Nullable BigDecimal outputPerMillion) {
			this.outputPerMillion = outputPerMillion;
		}

		public @Nullable BigDecimal getCachedInputPerMillion() {
			return this.cachedInputPerMillion;
		}

		public void setCachedInputPerMillion(@Nullable BigDecimal cachedInputPerMillion) {
			this.cachedInputPerMillion = cachedInputPerMillion;
		}

		void validate(String prefix) {
			if (this.inputPerMillion == null) {
				throw new InvalidPropertyException(prefix + "input-per-million", null,
						"must be set (USD per million input tokens) for a priced model");
			}
			if (this.outputPerMillion == null) {
				throw new InvalidPropertyException(prefix + "output-per-million", null,
						"must be set (USD per million output tokens) for a priced model");
			}
			requireNonNegative(prefix + "input-per-million", this.inputPerMillion);
			requireNonNegative(prefix + "output-per-million", this.outputPerMillion);
			requireNonNegative(prefix + "cached-input-per-million", this.cachedInputPerMillion);
		}

	}

	/**
	 * A budget profile: caps per run, and what happens when one is exceeded.
	 */
	public static class Budget {

		/**
		 * Maximum cost in USD of a run's model calls.
		 */
		private @Nullable BigDecimal maxCost;

		/**
		 * Maximum tokens (input and output) of a run's model calls.
		 */
		private @Nullable Long maxTokens;

		/**
		 * Maximum number of model calls of a run.
		 */
		private @Nullable Integer maxModelCalls;

		/**
		 * Maximum number of tool calls of a run.
		 */
		private @Nullable Integer maxToolCalls;

		/**
		 * Maximum time from the start of a run to a model or tool call.
		 */
		private @Nullable Duration maxWallTime;

		/**
		 * Fraction of a cap at which a run is warned about, once (event and metric).
		 */
		private double warnAt = 0.8;

		/**
		 * What happens when a cap is exceeded: HALT fails the run, DEGRADE switches its
		 * model calls to 'degrade-to', ESCALATE parks it for a reviewer who may grant
		 * more.
		 */
		private BudgetAction onExceeded = BudgetAction.HALT;

		/**
		 * The cheaper model that model calls switch to when a degrading budget is
		 * exceeded.
		 */
		private @Nullable String degradeTo;

		/**
		 * Whether model calls without a price count as free against max-cost. By default
		 * a call whose cost is unknown exceeds max-cost (the cost is not known to be
		 * within it) and on-exceeded applies.
		 */
		private boolean allowUnpriced;

		public boolean isAllowUnpriced() {
			return this.allowUnpriced;
		}

		public void setAllowUnpriced(boolean allowUnpriced) {
			this.allowUnpriced = allowUnpriced;
		}

		public @Nullable BigDecimal getMaxCost() {
			return this.maxCost;
		}

		public void setMaxCost(@Nullable BigDecimal maxCost) {
			this.maxCost = maxCost;
		}

		public @Nullable Long getMaxTokens() {
			return this.maxTokens;
		}

		public void setMaxTokens(@Nullable Long maxTokens) {
			this.maxTokens = maxTokens;
		}

		public @Nullable Integer getMaxModelCalls() {
			return this.maxModelCalls;
		}

		public void setMaxModelCalls(@Nullable Integer maxModelCalls) {
			this.maxModelCalls = maxModelCalls;
		}

		public @Nullable Integer getMaxToolCalls() {
			return this.maxToolCalls;
		}

		public void setMaxToolCalls(@Nullable Integer maxToolCalls) {
			this.maxToolCalls = maxToolCalls;
		}

		public @Nullable Duration getMaxWallTime() {
			return this.maxWallTime;
		}

		public void setMaxWallTime(@Nullable Duration maxWallTime) {
			this.maxWallTime = maxWallTime;
		}

		public double getWarnAt() {
			return this.warnAt;
		}

		public void setWarnAt(double warnAt) {
			this.warnAt = warnAt;
		}

		public BudgetAction getOnExceeded() {
			return this.onExceeded;
		}

		public void setOnExceeded(BudgetAction onExceeded) {
			this.onExceeded = onExceeded;
		}

		public @Nullable String getDegradeTo() {
			return this.degradeTo;
		}

		public void setDegradeTo(@Nullable String degradeTo) {
			this.degradeTo = degradeTo;
		}

		void validate(String prefix) {
			requireNonNegative(prefix + "max-cost", this.maxCost);
			requireAtLeast(prefix + "max-tokens", this.maxTokens, 1);
			requireAtLeast(prefix + "max-model-calls", this.maxModelCalls, 0);
			requireAtLeast(prefix + "max-tool-calls", this.maxToolCalls, 0);
			requirePositive(prefix + "max-wall-time", this.maxWallTime, false);
			if (this.warnAt <= 0 || this.warnAt > 1) {
				throw new InvalidPropertyException(prefix + "warn-at", this.warnAt,
						"must be a fraction above 0 and at most 1");
			}
			if (this.onExceeded == BudgetAction.DEGRADE && (this.degradeTo == null || this.degradeTo.isBlank())) {
				throw new InvalidPropertyException(prefix + "degrade-to", this.degradeTo,
						"must name the cheaper model when " + prefix + "on-exceeded is DEGRADE");
			}
		}

	}

	/**
	 * Writes a size in the largest unit that holds it whole, as it is usually given.
	 */
	static String readable(DataSize size) {
		long bytes = size.toBytes();
		String[] units = { "B", "KB", "MB", "GB", "TB" };
		int unit = 0;
		while (unit < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
			bytes /= 1024;
			unit++;
		}
		return bytes + units[unit];
	}

	/**
	 * The built-in step policies, checked on the inputs and outputs of model and tool
	 * calls inside runs.
	 */
	public static class Policies {

		/**
		 * Largest input or output of a step, as JSON text; larger ones are denied.
		 */
		private @Nullable DataSize maxPayloadSize;

		/**
		 * Regular-expression rules by name (guarded-agents.policies.patterns.<name>.*).
		 */
		private final Map<String, PatternRule> patterns = new LinkedHashMap<>();

		public @Nullable DataSize getMaxPayloadSize() {
			return this.maxPayloadSize;
		}

		public void setMaxPayloadSize(@Nullable DataSize maxPayloadSize) {
			this.maxPayloadSize = maxPayloadSize;
		}

		public Map<String, PatternRule> getPatterns() {
			return this.patterns;
		}

		void validate() {
			if (this.maxPayloadSize != null && this.maxPayloadSize.toBytes() < 1) {
				throw new InvalidPropertyException("guarded-agents.policies.max-payload-size", this.maxPayloadSize,
						"must be at least 1 byte");
			}
			this.patterns.forEach((name, rule) -> rule.validate("guarded-agents.policies.patterns." + name + "."));
		}

	}

	/**
	 * A rule that matches a regular expression in step inputs or outputs.
	 */
	public static class PatternRule {

		/**
		 * The regular expression (Java syntax), found anywhere in the payload.
		 */
		private @Nullable String regex;

		/**
		 * Which payloads the rule checks: INPUT, OUTPUT or BOTH.
		 */
		private PolicyPhase appliesTo = PolicyPhase.BOTH;

		/**
		 * What a match means: DENY fails the step, REVIEW asks a human.
		 */
		private PolicyAction verdict = PolicyAction.DENY;

		public @Nullable String getRegex() {
			return this.regex;
		}

		public void setRegex(@Nullable String regex) {
			this.regex = regex;
		}

		public PolicyPhase getAppliesTo() {
			return this.appliesTo;
		}

		public void setAppliesTo(PolicyPhase appliesTo) {
			this.appliesTo = appliesTo;
		}

		public PolicyAction getVerdict() {
			return this.verdict;
		}

		public void setVerdict(PolicyAction verdict) {
			this.verdict = verdict;
		}

		void validate(String prefix) {
			if (this.regex == null || this.regex.isEmpty()) {
				throw new InvalidPropertyException(prefix + "regex", this.regex, "must be a regular expression");
			}
			try {
				Pattern.compile(this.regex);
			}
			catch (PatternSyntaxException ex) {
				throw new InvalidPropertyException(prefix + "regex", this.regex,
						"is not a valid regular expression: " + ex.getDescription());
			}
			if (this.verdict == PolicyAction.ALLOW) {
				throw new InvalidPropertyException(prefix + "verdict", this.verdict, "must be DENY or REVIEW");
			}
		}

	}

	/**
	 * Which payloads of a step a pattern rule checks.
	 */
	public enum PolicyPhase {

		/**
		 * The step's input only.
		 */
		INPUT,

		/**
		 * The step's output only.
		 */
		OUTPUT,

		/**
		 * Both.
		 */
		BOTH

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

		/**
		 * What a tool call gets when its idempotency key was used before with other
		 * arguments: FAIL raises IdempotencyConflictException without executing;
		 * RETURN_RECORDED answers with the recorded result of the first call.
		 */
		private OnMismatch onMismatch = OnMismatch.FAIL;

		public OnMismatch getOnMismatch() {
			return this.onMismatch;
		}

		public void setOnMismatch(OnMismatch onMismatch) {
			this.onMismatch = onMismatch;
		}

		/**
		 * What a call whose idempotency key was used with other arguments gets.
		 */
		public enum OnMismatch {

			/**
			 * An IdempotencyConflictException; nothing is executed.
			 */
			FAIL,

			/**
			 * The recorded result of the first call.
			 */
			RETURN_RECORDED

		}

	}

	/**
	 * Settings of runs.
	 */
	public static class Runs {

		/**
		 * Whether cancelling a run interrupts the step body it is executing (the thread
		 * is interrupted, as by a tool's time limit) instead of letting it finish. Per
		 * tool or model: guarded-agents.tools.<name>.cancel-interrupts.
		 */
		private boolean cancelInterrupts;

		public boolean isCancelInterrupts() {
			return this.cancelInterrupts;
		}

		public void setCancelInterrupts(boolean cancelInterrupts) {
			this.cancelInterrupts = cancelInterrupts;
		}

	}

	/**
	 * How runs live through faults of their journal.
	 */
	public static class Journal {

		/**
		 * How long a run waits for its journal when a write fails for a transient reason
		 * (connection lost or refused, pool exhausted, failover), retrying with backoff,
		 * before it is released for recovery. Never turned into a failure of the run.
		 */
		private Duration outageTolerance = Duration.ofMinutes(10);

		/**
		 * Largest input or output of a step the journal takes, as JSON (UTF-8 bytes). A
		 * step whose input or output is larger fails with PayloadTooLargeException (its
		 * on-failure applies); a larger input fails it before its body runs. Between 1KB
		 * and 1GB.
		 */
		private DataSize maxPayloadSize = DataSize.ofMegabytes(1);

		private final GroupCommit groupCommit = new GroupCommit();

		private final Encryption encryption = new Encryption();

		public Encryption getEncryption() {
			return this.encryption;
		}

		public DataSize getMaxPayloadSize() {
			return this.maxPayloadSize;
		}

		public void setMaxPayloadSize(DataSize maxPayloadSize) {
			this.maxPayloadSize = maxPayloadSize;
		}

		public Duration getOutageTolerance() {
			return this.outageTolerance;
		}

		public void setOutageTolerance(Duration outageTolerance) {
			this.outageTolerance = outageTolerance;
		}

		public GroupCommit getGroupCommit() {
			return this.groupCommit;
		}

	}

	/**
	 * When the guardedAgents health indicator reports OUT_OF_SERVICE.
	 */
	public static class Health {

		/**
		 * How long after a lease expired, or a review's deadline passed, it counts as not
		 * handled: recovery and deadlines run on their intervals.
		 */
		private Duration grace = Duration.ofMinutes(1);

		/**
		 * How many runs may have an expired lease that no instance recovered.
		 */
		private long expiredRuns = 0;

		/**
		 * How many pending reviews may be past their deadline without it applied.
		 */
		private long overdueReviews = 0;

		/**
		 * The largest share of the run executor (threads and queue) in use, between 0 and
		 * 1.
		 */
		private double executorSaturation = 0.9;

		public Duration getGrace() {
			return this.grace;
		}

		public void setGrace(Duration grace) {
			this.grace = grace;
		}

		public long getExpiredRuns() {
			return this.expiredRuns;
		}

		public void setExpiredRuns(long expiredRuns) {
			this.expiredRuns = expiredRuns;
		}

		public long getOverdueReviews() {
			return this.overdueReviews;
		}

		public void setOverdueReviews(long overdueReviews) {
			this.overdueReviews = overdueReviews;
		}

		public double getExecutorSaturation() {
			return this.executorSaturation;
		}

		public void setExecutorSaturation(double executorSaturation) {
			this.executorSaturation = executorSaturation;
		}

		void validate() {
			requirePositive("guarded-agents.health.grace", this.grace, true);
			requireAtLeast("guarded-agents.health.expired-runs", this.expiredRuns, 0);
			requireAtLeast("guarded-agents.health.overdue-reviews", this.overdueReviews, 0);
			if (this.executorSaturation < 0 || this.executorSaturation > 1) {
				throw new InvalidPropertyException("guarded-agents.health.executor-saturation", this.executorSaturation,
						"must be between 0 and 1");
			}
		}

	}

	/**
	 * Encryption of the journal's payloads at rest.
	 */
	public static class Encryption {

		/**
		 * AES keys by id (letters, digits and dashes): each the Base64 of 16, 24 or 32
		 * random bytes (openssl rand -base64 32). Keep every key that rows may still be
		 * encrypted with; take them from a secret store or the environment, never from a
		 * file in the repository.
		 */
		private final Map<String, String> keys = new LinkedHashMap<>();

		/**
		 * The id of the key new payloads are encrypted with; 'none' to write in clear
		 * while still reading encrypted rows. Required when keys are set.
		 */
		private @Nullable String activeKey;

		public Map<String, String> getKeys() {
			return this.keys;
		}

		public @Nullable String getActiveKey() {
			return this.activeKey;
		}

		public void setActiveKey(@Nullable String activeKey) {
			this.activeKey = activeKey;
		}

		/**
		 * Returns the keys decoded.
		 * @return the key bytes by id
		 */
		public Map<String, byte[]> decodedKeys() {
			Map<String, byte[]> decoded = new LinkedHashMap<>();
			this.keys.forEach((id, key) -> decoded.put(id, Base64.getDecoder().decode(key.trim())));
			return decoded;
		}

		/**
		 * Returns the id of the key new payloads are encrypted with.
		 * @return the key id, or {@code null} to write in clear
		 */
		public @Nullable String sealingKey() {
			return (this.activeKey == null || "none".equals(this.activeKey)) ? null : this.activeKey;
		}

		void validate() {
			String prefix = "guarded-agents.journal.encryption.";
			this.keys.forEach((id, key) -> {
				if (!KEY_ID.matcher(id).matches()) {
					throw new InvalidPropertyException(prefix + "keys." + id, "(hidden)",
							"has an id that is not 1 to 32 letters, digits and dashes; the id is stored with every "
									+ "value it encrypts");
				}
				int length;
				try {
					length = Base64.getDecoder().decode(key.trim()).length;
				}
				catch (IllegalArgumentException ex) {
					throw new InvalidPropertyException(prefix + "keys." + id, "(hidden)",
							"is not Base64; generate a key with: openssl rand -base64 32");
				}
				if (length != 16 && length != 24 && length != 32) {
					throw new InvalidPropertyException(prefix + "keys." + id, "(hidden)",
							"decodes to " + length + " bytes; an AES key has 16, 24 or 32 (openssl rand -base64 32)");
				}
			});
			if (this.activeKey == null && !this.keys.isEmpty()) {
				throw new InvalidPropertyException(prefix + "active-key", "(not set)",
						"must name the key new payloads are " + "encrypted with, one of " + this.keys.keySet()
								+ " (or 'none' to only read encrypted rows)");
			}
			if (this.activeKey != null && !"none".equals(this.activeKey) && !this.keys.containsKey(this.activeKey)) {
				throw new InvalidPropertyException(prefix + "active-key", this.activeKey,
						"is not one of the configured keys " + this.keys.keySet() + "; add " + prefix + "keys."
								+ this.activeKey);
			}
		}

	}

	/**
	 * How sensitive values are kept out of what the journal shows and stores.
	 */
	public static class Redaction {

		/**
		 * Regular expressions (Java syntax) whose matches are masked wherever the journal
		 * is shown: endpoints, review events, failure messages. The built-ins
		 * card-number, email and api-key are on unless set to an empty value.
		 */
		private final Map<String, String> patterns = new LinkedHashMap<>(BUILT_IN_PATTERNS);

		/**
		 * How a @Sensitive parameter of a tool is stored in the step's journaled input:
		 * MASK ([sensitive]) or HASH (its SHA-256, to tell equal values apart).
		 */
		private SensitiveStore store = SensitiveStore.MASK;

		public Map<String, String> getPatterns() {
			return this.patterns;
		}

		public SensitiveStore getStore() {
			return this.store;
		}

		public void setStore(SensitiveStore store) {
			this.store = store;
		}

		/**
		 * Returns the patterns in effect, compiled: those set to an empty value are off.
		 * @return the patterns by name
		 */
		public Map<String, Pattern> compiledPatterns() {
			Map<String, Pattern> compiled = new LinkedHashMap<>();
			this.patterns.forEach((name, regex) -> {
				if (!BUILT_IN_PATTERNS.containsKey(name) && regex != null && !regex.isEmpty()) {
					compiled.put(name, Pattern.compile(regex));
				}
			});
			for (String name : BUILT_IN_PATTERNS.keySet()) {
				String regex = this.patterns.get(name);
				if (regex != null && !regex.isEmpty()) {
					compiled.put(name, Pattern.compile(regex));
				}
			}
			return compiled;
		}

		void validate() {
			this.patterns.forEach((name, regex) -> {
				if (!NAME.matcher(name).matches()) {
					throw new InvalidPropertyException("guarded-agents.redaction.patterns." + name, regex,
							"has a name that is not lower-case letters, digits and dashes; it is shown in the mask "
									+ "([redacted:<name>])");
				}
				try {
					if (regex != null && !regex.isEmpty()) {
						Pattern.compile(regex);
					}
				}
				catch (PatternSyntaxException ex) {
					throw new InvalidPropertyException("guarded-agents.redaction.patterns." + name, regex,
							"is not a regular expression: " + ex.getDescription()
									+ " (in YAML, quote it with single quotes so that backslashes stay)");
				}
			});
		}

		/**
		 * How a sensitive input is stored.
		 */
		public enum SensitiveStore {

			/**
			 * As {@code [sensitive]}.
			 */
			MASK,

			/**
			 * As {@code sha256:<hex>} of its JSON.
			 */
			HASH

		}

	}

	/**
	 * How long the journal keeps finished runs and idempotency keys. Nothing is pruned
	 * unless configured; running and waiting runs never are.
	 */
	public static class Retention {

		/**
		 * How long a run that SUCCEEDED is kept after it finished, with its steps,
		 * reviews and decisions; kept for good when not set.
		 */
		private @Nullable Duration succeeded;

		/**
		 * How long a run that FAILED is kept after it finished; kept for good when not
		 * set.
		 */
		private @Nullable Duration failed;

		/**
		 * How long a CANCELLED run is kept after it ended; kept for good when not set.
		 */
		private @Nullable Duration cancelled;

		/**
		 * How long a completed idempotency key is honoured (a later call with it gets the
		 * recorded result instead of running); kept for good when not set.
		 */
		private @Nullable Duration idempotencyKeys;

		/**
		 * How often the journal is pruned.
		 */
		private Duration interval = Duration.ofHours(1);

		/**
		 * The most runs, or idempotency keys, deleted in one transaction. Between 1 and
		 * 10000.
		 */
		private int batchSize = 500;

		public @Nullable Duration getSucceeded() {
			return this.succeeded;
		}

		public void setSucceeded(@Nullable Duration succeeded) {
			this.succeeded = succeeded;
		}

		public @Nullable Duration getFailed() {
			return this.failed;
		}

		public void setFailed(@Nullable Duration failed) {
			this.failed = failed;
		}

		public @Nullable Duration getCancelled() {
			return this.cancelled;
		}

		public void setCancelled(@Nullable Duration cancelled) {
			this.cancelled = cancelled;
		}

		public @Nullable Duration getIdempotencyKeys() {
			return this.idempotencyKeys;
		}

		public void setIdempotencyKeys(@Nullable Duration idempotencyKeys) {
			this.idempotencyKeys = idempotencyKeys;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		void validate() {
			String prefix = "guarded-agents.retention.";
			if (this.succeeded != null) {
				requirePositive(prefix + "succeeded", this.succeeded, false);
			}
			if (this.failed != null) {
				requirePositive(prefix + "failed", this.failed, false);
			}
			if (this.cancelled != null) {
				requirePositive(prefix + "cancelled", this.cancelled, false);
			}
			if (this.idempotencyKeys != null) {
				requirePositive(prefix + "idempotency-keys", this.idempotencyKeys, false);
			}
			requirePositive(prefix + "interval", this.interval, false);
			if (this.batchSize < 1 || this.batchSize > 10000) {
				throw new InvalidPropertyException(prefix + "batch-size", this.batchSize,
						"must be between 1 and 10000");
			}
		}

	}

	/**
	 * Group commit of step records: records of concurrent runs are written in one
	 * transaction, each caller released only after the commit.
	 */
	public static class GroupCommit {

		/**
		 * Whether step records of concurrent runs are committed together. Off: every step
		 * record is a transaction of its own.
		 */
		private boolean enabled = true;

		/**
		 * Longest time the writer of a batch waits for as many step records as the
		 * previous batch held. Zero batches only the records that arrived while the
		 * previous batch was being written; a lone run's steps never wait.
		 */
		private Duration window = Duration.ZERO;

		/**
		 * How many step records are written on their own, each in its own transaction, at
		 * the same time before further records are grouped. Default: 8 on PostgreSQL,
		 * which groups the log flushes of concurrent commits itself; 0 on H2, which
		 * commits one transaction at a time.
		 */
		private @Nullable Integer directWrites;

		public @Nullable Integer getDirectWrites() {
			return this.directWrites;
		}

		public void setDirectWrites(@Nullable Integer directWrites) {
			this.directWrites = directWrites;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

	}

	/**
	 * The settings of one plan, by its run name.
	 */
	public static class Plan {

		/**
		 * Most runs of the plan that execute at once, across all instances sharing the
		 * journal; the runs beyond wait as QUEUED and start in order as runs end or park.
		 * Written to the journal at start-up, where every instance goes by it; 0 removes
		 * it. Default: the journal's, none at first.
		 */
		private @Nullable Integer maxConcurrent;

		public @Nullable Integer getMaxConcurrent() {
			return this.maxConcurrent;
		}

		public void setMaxConcurrent(@Nullable Integer maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

	}

	/**
	 * The schedule of one plan, by its run name.
	 */
	public static class Schedule {

		/**
		 * Cron expression (Spring's six fields, or a macro such as @daily) that starts a
		 * run of the plan at each tick; wins over @AgentRun(schedule).
		 */
		private @Nullable String cron;

		/**
		 * Time zone the cron expression is read in. Default: the system's.
		 */
		private @Nullable ZoneId zone;

		/**
		 * Whether an instance that starts runs the ticks missed since the plan's newest
		 * scheduled run, and the ticks a stall of the instance let pass.
		 */
		private boolean catchUp;

		/**
		 * Most missed ticks started when catching up: the newest of them.
		 */
		private int maxCatchUp = 10;

		/**
		 * Whether this instance starts the schedule's ticks; the other instances still
		 * do.
		 */
		private boolean enabled = true;

		public @Nullable String getCron() {
			return this.cron;
		}

		public void setCron(@Nullable String cron) {
			this.cron = cron;
		}

		public @Nullable ZoneId getZone() {
			return this.zone;
		}

		public void setZone(@Nullable ZoneId zone) {
			this.zone = zone;
		}

		public boolean isCatchUp() {
			return this.catchUp;
		}

		public void setCatchUp(boolean catchUp) {
			this.catchUp = catchUp;
		}

		public int getMaxCatchUp() {
			return this.maxCatchUp;
		}

		public void setMaxCatchUp(int maxCatchUp) {
			this.maxCatchUp = maxCatchUp;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Settings of one human checkpoint, by its name; each wins over its annotation's.
	 */
	public static class Checkpoint {

		/**
		 * How long reviewers have to decide.
		 */
		private @Nullable Duration timeout;

		/**
		 * Who may decide: reviewer groups (authorities with or without ROLE_, or user
		 * names).
		 */
		private @Nullable List<String> reviewers;

		/**
		 * How many distinct reviewers must approve.
		 */
		private @Nullable Integer approvals;

		/**
		 * What happens when the timeout passes without a decision.
		 */
		private @Nullable TimeoutOutcome onTimeout;

		/**
		 * The reviewer groups asked next when on-timeout is ESCALATE.
		 */
		private @Nullable List<String> escalateTo;

		/**
		 * How long the escalation reviewers have.
		 */
		private @Nullable Duration escalationTimeout;

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public @Nullable List<String> getReviewers() {
			return this.reviewers;
		}

		public void setReviewers(@Nullable List<String> reviewers) {
			this.reviewers = reviewers;
		}

		public @Nullable Integer getApprovals() {
			return this.approvals;
		}

		public void setApprovals(@Nullable Integer approvals) {
			this.approvals = approvals;
		}

		public @Nullable TimeoutOutcome getOnTimeout() {
			return this.onTimeout;
		}

		public void setOnTimeout(@Nullable TimeoutOutcome onTimeout) {
			this.onTimeout = onTimeout;
		}

		public @Nullable List<String> getEscalateTo() {
			return this.escalateTo;
		}

		public void setEscalateTo(@Nullable List<String> escalateTo) {
			this.escalateTo = escalateTo;
		}

		public @Nullable Duration getEscalationTimeout() {
			return this.escalationTimeout;
		}

		public void setEscalationTimeout(@Nullable Duration escalationTimeout) {
			this.escalationTimeout = escalationTimeout;
		}

		void validate(String prefix) {
			requirePositive(prefix + "timeout", this.timeout, false);
			requirePositive(prefix + "escalation-timeout", this.escalationTimeout, false);
			requireAtLeast(prefix + "approvals", this.approvals, 1);
		}

		CheckpointOverrides overrides() {
			return new CheckpointOverrides(this.timeout, this.reviewers, this.approvals, this.onTimeout,
					this.escalateTo, this.escalationTimeout);
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

		/**
		 * What a checkpoint does when its 'when' condition cannot be evaluated at run
		 * time (it throws, or gives no boolean): REVIEW asks a reviewer anyway, with the
		 * reason in the review's summary; FAIL_RUN fails the run. Never skipped.
		 */
		private WhenError whenError = WhenError.REVIEW;

		public WhenError getWhenError() {
			return this.whenError;
		}

		public void setWhenError(WhenError whenError) {
			this.whenError = whenError;
		}

		/**
		 * What a checkpoint does when its condition cannot be evaluated.
		 */
		public enum WhenError {

			/**
			 * Ask a reviewer, with the reason in the review's summary.
			 */
			REVIEW,

			/**
			 * Fail the run.
			 */
			FAIL_RUN

		}

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

		/**
		 * Whether decisions without an authenticated principal are taken, signed with the
		 * name they give. For local development only: anyone who reaches the endpoint can
		 * then decide under any name.
		 */
		private boolean allowAnonymous;

		/**
		 * Whether the principal that started a run is refused as an approver of its
		 * reviews. Defaults to true when Spring Security is on the class path.
		 */
		private @Nullable Boolean forbidSelfApproval;

		/**
		 * The longest comment a decision may carry, in characters.
		 */
		private int maxCommentLength = 4000;

		/**
		 * The largest edits a decision may carry, as JSON.
		 */
		private DataSize maxEditsSize = DataSize.ofKilobytes(64);

		/**
		 * The reviewers of the reviews that do not come from a checkpoint, by kind:
		 * tool-failure, policy, budget, compensation (and checkpoint, for checkpoints
		 * that name no reviewers).
		 */
		private Map<ReviewKind, KindReviewers> kinds = new LinkedHashMap<>();

		public boolean isAllowAnonymous() {
			return this.allowAnonymous;
		}

		public void setAllowAnonymous(boolean allowAnonymous) {
			this.allowAnonymous = allowAnonymous;
		}

		public @Nullable Boolean getForbidSelfApproval() {
			return this.forbidSelfApproval;
		}

		public void setForbidSelfApproval(@Nullable Boolean forbidSelfApproval) {
			this.forbidSelfApproval = forbidSelfApproval;
		}

		public int getMaxCommentLength() {
			return this.maxCommentLength;
		}

		public void setMaxCommentLength(int maxCommentLength) {
			this.maxCommentLength = maxCommentLength;
		}

		public DataSize getMaxEditsSize() {
			return this.maxEditsSize;
		}

		public void setMaxEditsSize(DataSize maxEditsSize) {
			this.maxEditsSize = maxEditsSize;
		}

		public Map<ReviewKind, KindReviewers> getKinds() {
			return this.kinds;
		}

		public void setKinds(Map<ReviewKind, KindReviewers> kinds) {
			this.kinds = kinds;
		}

		void validate() {
			requirePositive("guarded-agents.reviews.default-timeout", this.defaultTimeout, false);
			requirePositive("guarded-agents.reviews.deadline-check-interval", this.deadlineCheckInterval, false);
			requireAtLeast("guarded-agents.reviews.max-comment-length", this.maxCommentLength, 1);
			if (this.maxEditsSize.toBytes() < 1 || this.maxEditsSize.toBytes() > MAX_EDITS_SIZE.toBytes()) {
				throw new InvalidPropertyException("guarded-agents.reviews.max-edits-size", readable(this.maxEditsSize),
						"must be between 1B and " + MAX_EDITS_SIZE.toKilobytes() + "KB");
			}
			this.kinds.forEach((kind, reviewers) -> {
				String prefix = "guarded-agents.reviews.kinds." + ReviewAccess.name(kind) + ".";
				requireAtLeast(prefix + "approvals", reviewers.approvals, 1);
				for (String group : reviewers.reviewers) {
					if (group.isBlank() || group.contains(",") || group.length() > 200) {
						throw new InvalidPropertyException(prefix + "reviewers", reviewers.reviewers,
								"must list reviewer groups (authorities or user:<name>) of 1 to 200 characters, "
										+ "without commas");
					}
				}
			});
		}

	}

	/**
	 * Who decides the reviews of one kind.
	 */
	public static class KindReviewers {

		/**
		 * The reviewer groups (authorities, with or without ROLE_, or user:<name>) that
		 * may decide.
		 */
		private List<String> reviewers = new ArrayList<>();

		/**
		 * How many distinct reviewers must approve; one rejection rejects.
		 */
		private int approvals = 1;

		public List<String> getReviewers() {
			return this.reviewers;
		}

		public void setReviewers(List<String> reviewers) {
			this.reviewers = reviewers;
		}

		public int getApprovals() {
			return this.approvals;
		}

		public void setApprovals(int approvals) {
			this.approvals = approvals;
		}

	}

	/**
	 * Who may act on runs.
	 */
	public static class Security {

		/**
		 * The authorities (with or without ROLE_) that may act on runs: cancel them at
		 * the agentruns endpoint.
		 */
		private Set<String> operators = new LinkedHashSet<>();

		/**
		 * Whether unauthenticated callers may act on runs. For local development only.
		 */
		private boolean allowAnonymousOperators;

		public Set<String> getOperators() {
			return this.operators;
		}

		public void setOperators(Set<String> operators) {
			this.operators = operators;
		}

		public boolean isAllowAnonymousOperators() {
			return this.allowAnonymousOperators;
		}

		public void setAllowAnonymousOperators(boolean allowAnonymousOperators) {
			this.allowAnonymousOperators = allowAnonymousOperators;
		}

	}

	/**
	 * The console: a web page for operators and reviewers, served by the application.
	 */
	public static class Console {

		private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

		/**
		 * Whether to serve the console (runs, steps, reviews, actions, spend), a page
		 * that reads and acts through the agentruns and agentreviews endpoints with the
		 * caller's own authorization.
		 */
		private boolean enabled;

		/**
		 * Path of the console, relative to the servlet context.
		 */
		private String path = "/guarded-agents";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		void validate() {
			if (!PATH.matcher(this.path).matches()) {
				throw new InvalidPropertyException("guarded-agents.console.path", this.path,
						"must start with '/', not end with one, and hold only letters, digits and . _ ~ - between "
								+ "slashes, for example /guarded-agents or /ops/agents");
			}
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
