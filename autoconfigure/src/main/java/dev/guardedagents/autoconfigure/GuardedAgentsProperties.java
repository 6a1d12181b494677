package dev.guardedagents.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of Guarded Agents.
 */
@ConfigurationProperties("guarded-agents")
public class GuardedAgentsProperties {

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

	public Reviews getReviews() {
		return this.reviews;
	}

	public Actuator getActuator() {
		return this.actuator;
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
		requirePositive("guarded-agents.reviews.deadline-check-interval", this.reviews.deadlineCheckInterval, false);
		if (this.recovery.renewInterval.compareTo(this.recovery.leaseDuration.dividedBy(2)) > 0) {
			throw new InvalidPropertyException("guarded-agents.recovery.renew-interval", this.recovery.renewInterval,
					"must be at most half of guarded-agents.recovery.lease-duration (" + this.recovery.leaseDuration
							+ "), or leases expire between two renewals and live runs are taken over");
		}
	}

	private static void requireAtLeast(String name, int value, int minimum) {
		if (value < minimum) {
			throw new InvalidPropertyException(name, value, "must be at least " + minimum);
		}
	}

	private static void requirePositive(String name, Duration value, boolean zeroAllowed) {
		if (value.isNegative() || (!zeroAllowed && value.isZero())) {
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
