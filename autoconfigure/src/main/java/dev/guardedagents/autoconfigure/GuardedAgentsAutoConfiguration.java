package dev.guardedagents.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.RunStatus;
import dev.guardedagents.internal.budget.BudgetProfile;
import dev.guardedagents.internal.budget.BudgetProfiles;
import dev.guardedagents.internal.guard.GuardSettings;
import dev.guardedagents.internal.guard.RateLimit;
import dev.guardedagents.internal.policy.PatternPolicy;
import dev.guardedagents.internal.policy.PayloadSizePolicy;
import dev.guardedagents.internal.redaction.Redaction;
import dev.guardedagents.internal.redaction.Redactor;
import dev.guardedagents.internal.retention.JournalPruner;
import dev.guardedagents.internal.security.Principals;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.JournalEncryption;
import dev.guardedagents.spi.JournalCodec;
import dev.guardedagents.spi.JournalCodecCustomizer;
import dev.guardedagents.spi.ReviewerAuthorizer;
import dev.guardedagents.spi.StepPolicy;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.run.AgentRunAdvisor;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.run.CheckpointOverrides;
import dev.guardedagents.internal.run.DefaultAgentRuns;
import dev.guardedagents.internal.run.GuardedToolAdvisor;
import dev.guardedagents.internal.run.HumanCheckpointAdvisor;
import dev.guardedagents.internal.run.ReviewEvents;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.run.RunSchedules;
import dev.guardedagents.internal.run.RunRecovery;
import dev.guardedagents.internal.run.RunSettings;
import dev.guardedagents.internal.store.JdbcIdempotencyStore;
import dev.guardedagents.internal.store.JdbcInstanceStore;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.JournalReencryption;
import dev.guardedagents.internal.store.PayloadCipher;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of durable agent runs: the journal in the application's
 * {@link DataSource}, the advisors for {@code @AgentRun} and {@code @GuardedTool}
 * methods, the {@link AgentRuns} bean and recovery.
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "guarded-agents.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(GuardedAgentsProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public final class GuardedAgentsAutoConfiguration {

	/**
	 * The name of the clock bean of runs, reviews and the journal.
	 */
	static final String CLOCK = "guardedAgentsClock";

	private static final String DEFAULTS = "defaults";

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static AgentRunRegistry guardedAgentsRunRegistry(Environment environment,
			ObjectProvider<GuardedAgentsProperties> properties) {
		return new AgentRunRegistry(environment::resolveRequiredPlaceholders, (name) -> {
			GuardedAgentsProperties.Checkpoint checkpoint = properties.getObject().getCheckpoints().get(name);
			return (checkpoint != null) ? checkpoint.overrides() : CheckpointOverrides.NONE;
		});
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static AgentRunAdvisor guardedAgentsRunAdvisor(ObjectProvider<RunEngine> engine) {
		return new AgentRunAdvisor(SingletonSupplier.of(engine::getObject));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static GuardedToolAdvisor guardedAgentsToolAdvisor(ObjectProvider<RunEngine> engine) {
		return new GuardedToolAdvisor(SingletonSupplier.of(engine::getObject));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static HumanCheckpointAdvisor guardedAgentsCheckpointAdvisor(ObjectProvider<RunEngine> engine,
			AgentRunRegistry registry) {
		return new HumanCheckpointAdvisor(SingletonSupplier.of(engine::getObject), registry);
	}

	@Bean
	@ConditionalOnMissingBean
	GuardedAgentsSchemaInitializer guardedAgentsSchemaInitializer(DataSource dataSource,
			GuardedAgentsProperties properties, Environment environment) {
		return new GuardedAgentsSchemaInitializer(dataSource, properties.getStore().getSchema(),
				environment.getProperty("spring.datasource.url"));
	}

	@Bean
	@ConditionalOnMissingBean
	JournalCodec guardedAgentsJournalCodec(ObjectProvider<JournalCodecCustomizer> customizers) {
		return JournalCodec.standard(customizers.orderedStream().toList());
	}

	@Bean
	PayloadCipher guardedAgentsPayloadCipher(GuardedAgentsProperties properties) {
		GuardedAgentsProperties.Encryption encryption = properties.getJournal().getEncryption();
		return new PayloadCipher(encryption.decodedKeys(), encryption.sealingKey());
	}

	@Bean
	@ConditionalOnMissingBean
	JournalEncryption guardedAgentsJournalEncryption(DataSource dataSource, GuardedAgentsSchemaInitializer schema,
			PayloadCipher cipher) {
		return new JournalReencryption(dataSource, schema.getSchema(), cipher);
	}

	@Bean
	JdbcRunStore guardedAgentsRunStore(DataSource dataSource, GuardedAgentsSchemaInitializer schema,
			GuardedAgentsProperties properties, PayloadCipher cipher) {
		GuardedAgentsProperties.GroupCommit groupCommit = properties.getJournal().getGroupCommit();
		return new JdbcRunStore(dataSource, schema.getSchema(),
				groupCommit.isEnabled() ? groupCommit.getWindow() : null, groupCommit.getDirectWrites(), cipher);
	}

	@Bean
	JdbcReviewStore guardedAgentsReviewStore(DataSource dataSource, GuardedAgentsSchemaInitializer schema,
			PayloadCipher cipher) {
		return new JdbcReviewStore(dataSource, schema.getSchema(), cipher);
	}

	@Bean
	JdbcIdempotencyStore guardedAgentsIdempotencyStore(DataSource dataSource, GuardedAgentsSchemaInitializer schema,
			PayloadCipher cipher) {
		return new JdbcIdempotencyStore(dataSource, schema.getSchema(), cipher);
	}

	@Bean
	ReviewEvents guardedAgentsReviewEvents(ApplicationEventPublisher publisher, Redaction redaction) {
		return new ReviewEvents(publisher, redaction);
	}

	@Bean
	Redaction guardedAgentsRedaction(GuardedAgentsProperties properties, AgentRunRegistry registry,
			JournalCodec codec) {
		return new Redaction(new Redactor(properties.getRedaction().compiledPatterns()), registry::planSensitivity,
				registry::toolSensitivity, registry::checkpointSensitivity, codec.mapper());
	}

	@Bean
	ToolGuards guardedAgentsToolGuards(GuardedAgentsProperties properties, Environment environment) {
		Map<String, GuardedAgentsProperties.Tool> tools = properties.getTools();
		GuardedAgentsProperties.Tool defaultsEntry = tools.get(DEFAULTS);
		boolean interrupts = properties.getRuns().isCancelInterrupts();
		GuardSettings builtIn = GuardSettings.DEFAULTS.withCancelInterrupts(interrupts);
		GuardSettings defaults = (defaultsEntry != null) ? defaultsEntry.applyTo(builtIn) : builtIn;
		Map<String, GuardSettings> configured = new HashMap<>();
		tools.forEach((name, tool) -> {
			if (!DEFAULTS.equals(name)) {
				configured.put(name, tool.applyTo(defaults));
			}
		});
		Map<String, GuardedAgentsProperties.Model> models = properties.getModels();
		GuardedAgentsProperties.Model modelDefaultsEntry = models.get(DEFAULTS);
		GuardSettings modelBuiltIn = GuardSettings.MODEL_DEFAULTS.withCancelInterrupts(interrupts);
		GuardSettings modelDefaults = (modelDefaultsEntry != null) ? modelDefaultsEntry.applyTo(modelBuiltIn)
				: modelBuiltIn;
		RateLimit.Settings rateLimitDefaults = (modelDefaultsEntry != null)
				? modelDefaultsEntry.applyRateLimitTo(RateLimit.Settings.NONE) : RateLimit.Settings.NONE;
		Map<String, GuardSettings> configuredModels = new HashMap<>();
		Map<String, RateLimit.Settings> rateLimits = new HashMap<>();
		models.forEach((name, model) -> {
			if (!DEFAULTS.equals(name)) {
				configuredModels.put(name, model.applyTo(modelDefaults));
				rateLimits.put(name, model.applyRateLimitTo(rateLimitDefaults));
			}
		});
		return new ToolGuards(defaults, configured, modelDefaults, configuredModels, rateLimitDefaults, rateLimits,
				environment::resolveRequiredPlaceholders);
	}

	@Bean
	RunSchedules guardedAgentsSchedules(RunEngine engine, GuardedAgentsProperties properties) {
		Map<String, RunSchedules.Settings> configured = new HashMap<>();
		properties.getSchedules()
			.forEach((name, schedule) -> configured.put(name, new RunSchedules.Settings(schedule.getCron(),
					schedule.getZone(), schedule.isCatchUp(), schedule.getMaxCatchUp(), schedule.isEnabled())));
		return engine.schedules(configured);
	}

	@Bean
	BudgetProfiles guardedAgentsBudgetProfiles(GuardedAgentsProperties properties) {
		Map<String, BudgetProfile> profiles = new HashMap<>();
		properties.getBudgets()
			.forEach((name, budget) -> profiles.put(name,
					new BudgetProfile(name, budget.getMaxCost(), budget.getMaxTokens(), budget.getMaxModelCalls(),
							budget.getMaxToolCalls(), budget.getMaxWallTime(), budget.getWarnAt(),
							budget.getOnExceeded(), budget.getDegradeTo(), budget.isAllowUnpriced())));
		return new BudgetProfiles(profiles);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SmartInitializingSingleton guardedAgentsNamesCheck(ObjectProvider<GuardedAgentsProperties> properties,
			ObjectProvider<AgentRunRegistry> registry, ObjectProvider<BudgetProfiles> budgets,
			ObjectProvider<ToolCallbackNames> callbacks) {
		return () -> {
			registry.getObject().checkBudgets(budgets.getObject());
			registry.getObject().checkStepNames();
			ConfiguredNamesCheck.check(properties.getObject(), registry.getObject(),
					callbacks.orderedStream().flatMap((names) -> names.get().stream()).toList());
		};
	}

	@Bean
	ReviewAccess guardedAgentsReviewAccess(GuardedAgentsProperties properties,
			ObjectProvider<ReviewerAuthorizer> authorizer) {
		GuardedAgentsProperties.Reviews reviews = properties.getReviews();
		Map<ReviewKind, ReviewAccess.KindRule> kinds = new EnumMap<>(ReviewKind.class);
		reviews.getKinds()
			.forEach((kind, rule) -> kinds.put(kind,
					new ReviewAccess.KindRule(rule.getReviewers(), rule.getApprovals())));
		Boolean forbidSelfApproval = reviews.getForbidSelfApproval();
		return new ReviewAccess(kinds, reviews.isAllowAnonymous(),
				(forbidSelfApproval != null) ? forbidSelfApproval : Principals.springSecurity(),
				authorizer.getIfAvailable(() -> ReviewAccess::defaultGroups), properties.getSecurity().getOperators(),
				properties.getSecurity().isAllowAnonymousOperators());
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SmartInitializingSingleton guardedAgentsReviewersCheck(ObjectProvider<ReviewAccess> access,
			ObjectProvider<AgentRunRegistry> registry, ObjectProvider<GuardedAgentsProperties> properties,
			ObjectProvider<StepPolicy> policies) {
		return () -> ReviewersCheck.check(access.getObject(), registry.getObject(), properties.getObject(),
				policies.orderedStream().toList());
	}

	/**
	 * The clock of runs, reviews and the journal: a bean of this name replaces it (the
	 * test clock of {@code guarded-agents-test} does). Not a candidate for injection by
	 * type, so that it never competes with a {@code Clock} of the application.
	 * @return the system clock, in UTC
	 */
	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = CLOCK)
	static Clock guardedAgentsClock() {
		return Clock.systemUTC();
	}

	/**
	 * The clock named {@value #CLOCK}, or the system clock when there is none.
	 */
	static Clock clock(ObjectProvider<Clock> clock) {
		return clock.getIfAvailable(Clock::systemUTC);
	}

	@Bean
	RunEngine guardedAgentsRunEngine(JdbcRunStore store, JdbcReviewStore reviews, JdbcIdempotencyStore idempotency,
			AgentRunRegistry registry, JournalCodec codec, ReviewEvents events, ToolGuards guards,
			ObjectProvider<PlatformTransactionManager> transactionManager, GuardedAgentsProperties properties,
			Environment environment, BudgetProfiles budgets, ObjectProvider<StepPolicy> policies, ReviewAccess access,
			@Qualifier(CLOCK) ObjectProvider<Clock> clock) {
		return new RunEngine(store, reviews, idempotency, registry, codec.mapper(), events, guards,
				SingletonSupplier.of(() -> transactions(transactionManager)), settings(properties, environment),
				clock(clock), budgets, policies(properties.getPolicies(), policies), access);
	}

	private static List<StepPolicy> policies(GuardedAgentsProperties.Policies properties,
			ObjectProvider<StepPolicy> beans) {
		List<StepPolicy> policies = new ArrayList<>();
		if (properties.getMaxPayloadSize() != null) {
			policies.add(new PayloadSizePolicy(properties.getMaxPayloadSize().toBytes()));
		}
		properties.getPatterns()
			.forEach((name,
					rule) -> policies.add(new PatternPolicy(name, Pattern.compile(rule.getRegex()),
							rule.getAppliesTo() != GuardedAgentsProperties.PolicyPhase.OUTPUT,
							rule.getAppliesTo() != GuardedAgentsProperties.PolicyPhase.INPUT, rule.getVerdict())));
		beans.orderedStream().forEach(policies::add);
		return policies;
	}

	@Bean
	@ConditionalOnMissingBean(AgentRuns.class)
	DefaultAgentRuns agentRuns(RunEngine engine) {
		return new DefaultAgentRuns(engine);
	}

	@Bean
	RunRecovery guardedAgentsRunRecovery(RunEngine engine, JdbcInstanceStore instances) {
		return new RunRecovery(engine, instances);
	}

	@Bean
	JournalPruner guardedAgentsJournalPruner(JdbcRunStore runs, JdbcIdempotencyStore keys,
			GuardedAgentsProperties properties, @Qualifier(CLOCK) ObjectProvider<Clock> clock) {
		GuardedAgentsProperties.Retention retention = properties.getRetention();
		Map<RunStatus, Duration> kept = new EnumMap<>(RunStatus.class);
		putIfSet(kept, RunStatus.SUCCEEDED, retention.getSucceeded());
		putIfSet(kept, RunStatus.FAILED, retention.getFailed());
		putIfSet(kept, RunStatus.CANCELLED, retention.getCancelled());
		return new JournalPruner(runs, keys, kept, retention.getIdempotencyKeys(), retention.getInterval(),
				retention.getBatchSize(), clock(clock));
	}

	private static void putIfSet(Map<RunStatus, Duration> kept, RunStatus status, @Nullable Duration retention) {
		if (retention != null) {
			kept.put(status, retention);
		}
	}

	@Bean
	JdbcInstanceStore guardedAgentsInstanceStore(DataSource dataSource, GuardedAgentsSchemaInitializer schema) {
		return new JdbcInstanceStore(dataSource, schema.getSchema());
	}

	private static RunSettings settings(GuardedAgentsProperties properties, Environment environment) {
		GuardedAgentsProperties.Executor executor = properties.getExecutor();
		GuardedAgentsProperties.Recovery recovery = properties.getRecovery();
		String instanceId = (properties.getInstanceId() != null) ? properties.getInstanceId()
				: environment.getProperty("spring.application.name", "application") + "@" + hostName();
		return new RunSettings(instanceId, executor.getPoolSize(), executor.getQueueCapacity(),
				executor.getShutdownGracePeriod(), recovery.getLeaseDuration(), recovery.getRenewInterval(),
				recovery.getScanInterval(), recovery.getMaxRecoveries(), properties.getReviews().getDefaultTimeout(),
				properties.getIdempotency().getWaitTimeout(),
				properties.getReviews().getWhenError() == GuardedAgentsProperties.Reviews.WhenError.FAIL_RUN,
				properties.getIdempotency()
					.getOnMismatch() == GuardedAgentsProperties.Idempotency.OnMismatch.RETURN_RECORDED,
				properties.getJournal().getOutageTolerance(), properties.getJournal().getMaxPayloadSize().toBytes(),
				properties.getRedaction().getStore() == GuardedAgentsProperties.Redaction.SensitiveStore.HASH,
				maxConcurrent(properties));
	}

	private static Map<String, Integer> maxConcurrent(GuardedAgentsProperties properties) {
		Map<String, Integer> limits = new LinkedHashMap<>();
		properties.getPlans().forEach((name, plan) -> {
			if (plan.getMaxConcurrent() != null) {
				limits.put(name, plan.getMaxConcurrent());
			}
		});
		return limits;
	}

	private static TransactionTemplate transactions(ObjectProvider<PlatformTransactionManager> transactionManager) {
		PlatformTransactionManager manager = transactionManager.getIfUnique();
		if (manager == null) {
			throw new IllegalStateException("Transactional steps (@GuardedTool(transactional = true)) need a single "
					+ "PlatformTransactionManager over the DataSource of the run journal; none was found");
		}
		TransactionTemplate transactions = new TransactionTemplate(manager);
		transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		return transactions;
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
