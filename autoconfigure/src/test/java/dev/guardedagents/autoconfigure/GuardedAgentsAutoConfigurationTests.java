package dev.guardedagents.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.Prompts;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunContext;
import dev.guardedagents.RunStatus;
import dev.guardedagents.spi.JournalCodec;
import dev.guardedagents.spi.JournalCodecCustomizer;
import dev.guardedagents.actuate.AgentReviewsEndpoint;
import dev.guardedagents.actuate.AgentRunsEndpoint;
import dev.guardedagents.actuate.ReviewDecisionBodyAdvice;
import dev.guardedagents.actuate.RunMessageBodyAdvice;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.GuardedChatAdvisors;
import dev.guardedagents.JournalEncryption;
import dev.guardedagents.internal.metrics.GuardedAgentsMetrics;
import dev.guardedagents.internal.redaction.Redaction;
import dev.guardedagents.internal.retention.JournalPruner;
import dev.guardedagents.internal.review.ReviewDeadlines;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.run.DefaultAgentRuns;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.run.RunRecovery;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.NewRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link GuardedAgentsAutoConfiguration} and
 * {@link AgentRunsEndpointAutoConfiguration}.
 */
class GuardedAgentsAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:autoconfig;DB_CLOSE_DELAY=-1",
				"spring.datasource.username=sa", "guarded-agents.instance-id=autoconfig",
				"management.endpoints.web.exposure.include=agentruns,agentreviews")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
				AopAutoConfiguration.class, GuardedAgentsAutoConfiguration.class,
				GuardedAgentsReviewsAutoConfiguration.class, GuardedAgentsMetricsAutoConfiguration.class,
				EndpointAutoConfiguration.class, AgentRunsEndpointAutoConfiguration.class,
				GuardedAgentsModelsAutoConfiguration.class));

	@Test
	void providesTheRunEngineAndItsCollaborators() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(AgentRuns.class)
			.hasSingleBean(RunEngine.class)
			.hasSingleBean(JdbcRunStore.class)
			.hasSingleBean(RunRecovery.class)
			.hasSingleBean(Reviews.class)
			.hasSingleBean(ReviewDeadlines.class)
			.hasSingleBean(AgentRunsEndpoint.class)
			.hasSingleBean(AgentReviewsEndpoint.class));
	}

	@Test
	void theRunsEndpointAnswersSpendByGroupingAndRefusesBadRanges() {
		this.runner.run((context) -> {
			AgentRunsEndpoint endpoint = context.getBean(AgentRunsEndpoint.class);
			WebEndpointResponse<Object> response = endpoint.part(SecurityContext.NONE, "spend", "model", "2026-11-01",
					"2026-12-01T00:00:00Z", null, null);
			assertThat(response.getStatus()).isEqualTo(200);
			AgentRunsEndpoint.SpendDescriptor spend = (AgentRunsEndpoint.SpendDescriptor) response.getBody();
			assertThat(spend.by()).isEqualTo("model");
			assertThat(spend.from()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
			assertThat(spend.size()).isEqualTo(50);
			assertThat(spend.total().key()).isNull();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.part(SecurityContext.NONE, "spend", "tenant", null, null, null, null))
				.withMessageContaining("use /spend/plan, /spend/business-key, /spend/model or /spend/day");
			assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(
					() -> endpoint.part(SecurityContext.NONE, "spend", "day", "2026-12-02", "2026-12-01", null, null))
				.withMessageContaining("must be before 'to'");
			assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(
					() -> endpoint.part(SecurityContext.NONE, "spend", "day", "2020-01-01", "2026-12-01", null, null))
				.withMessageContaining("ask for one year at a time");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.part(SecurityContext.NONE, "spend", "day", "yesterday", null, null, null))
				.withMessageContaining("Parameter 'from' must be an ISO date");
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("guarded-agents.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(AgentRuns.class)
				.doesNotHaveBean(RunEngine.class)
				.doesNotHaveBean(AgentRunsEndpoint.class));
	}

	@Test
	void backsOffWithoutADataSource() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(JacksonAutoConfiguration.class, GuardedAgentsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AgentRuns.class));
	}

	@Test
	void backsOffFromAUserDefinedAgentRuns() {
		this.runner.withUserConfiguration(CustomAgentRuns.class)
			.run((context) -> assertThat(context).getBean(AgentRuns.class)
				.isSameAs(context.getBean(CustomAgentRuns.class).agentRuns));
	}

	@Test
	void theJournalCodecIgnoresTheApplicationsJacksonSettingsAndAppliesItsCustomizers() {
		this.runner.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
			.withBean(JournalCodecCustomizer.class,
					() -> (builder) -> builder.enable(tools.jackson.databind.SerializationFeature.INDENT_OUTPUT))
			.run((context) -> {
				String json = context.getBean(JournalCodec.class).mapper().writeValueAsString(Map.of("aKey", 1));
				assertThat(json).contains("\"aKey\"").contains("\n");
			});
		JournalCodec own = new JournalCodec(tools.jackson.databind.json.JsonMapper.builder().build());
		this.runner.withBean(JournalCodec.class, () -> own)
			.run((context) -> assertThat(context).getBean(JournalCodec.class).isSameAs(own));
	}

	@Test
	void endpointBacksOffWithoutActuator() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasSingleBean(AgentRuns.class)
				.doesNotHaveBean(AgentRunsEndpoint.class));
	}

	@Test
	void metricsBindWithMicrometerAndBackOffWithoutIt() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(GuardedAgentsMetrics.class));
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(AgentRuns.class)
				.doesNotHaveBean(GuardedAgentsMetrics.class));
	}

	@Test
	void endpointsWorkWithoutSpringMvc() {
		this.runner.withClassLoader(new FilteredClassLoader(RequestBodyAdviceAdapter.class))
			.run((context) -> assertThat(context).hasSingleBean(AgentReviewsEndpoint.class)
				.doesNotHaveBean(ReviewDecisionBodyAdvice.class)
				.doesNotHaveBean(RunMessageBodyAdvice.class));
		this.runner.run((context) -> assertThat(context).hasSingleBean(ReviewDecisionBodyAdvice.class)
			.hasSingleBean(RunMessageBodyAdvice.class));
	}

	@Test
	void modelStepsNeedSpringAiAndInstallTheirAdvisorsOnChatClients() {
		this.runner.withClassLoader(new FilteredClassLoader(ChatClient.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(AgentRuns.class)
				.doesNotHaveBean(GuardedChatAdvisors.class)
				.doesNotHaveBean(Prompts.class));
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(GuardedChatAdvisors.class).hasSingleBean(Prompts.class);
			ChatClient.Builder builder = ChatClient.builder(new ChatModel() {
				@Override
				public ChatResponse call(Prompt prompt) {
					throw new UnsupportedOperationException();
				}
			});
			context.getBean(ChatClientBuilderCustomizer.class).customize(builder);
			assertThat(builder.build().mutate()).isNotNull();
		});
	}

	@Test
	void aPlanThatNamesAMissingBudgetProfileFailsStartUp() {
		this.runner.withUserConfiguration(BudgetedPlan.class)
			.withPropertyValues("guarded-agents.budgets.small.max-cost=1")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("names the budget profile 'tight', which is not configured")
				.hasStackTraceContaining("guarded-agents.budgets.tight.*"));
	}

	@Test
	void aLambdaStepNamedLikeAToolFailsStartUp() {
		this.runner.withUserConfiguration(LambdaNamedLikeATool.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("RunContext.step(\"charge\", ...) in "
						+ GuardedAgentsAutoConfigurationTests.class.getName() + "$LambdaNamedLikeATool$Plan")
				.hasStackTraceContaining("has the name of the @GuardedTool")
				.hasStackTraceContaining("Give the lambda step a name of its own"));
	}

	@Test
	void aCompensationThatNamesNoMatchingMethodFailsStartUp() {
		this.runner.withUserConfiguration(MiscompensatedTool.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("@GuardedTool(compensation = \"undo\") on public java.lang.String "
						+ GuardedAgentsAutoConfigurationTests.class.getName() + "$MiscompensatedTool.charge(int)")
				.hasStackTraceContaining("that takes the tool's parameters [int], optionally followed by its result"));
	}

	@Test
	void aCompensationTheProxyCannotCallFailsStartUp() {
		this.runner.withUserConfiguration(PrivatelyCompensatedTool.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("which must be public, not final and not static"));
	}

	@Test
	void annotationAttributesTakePlaceholdersAndCheckpointsTakeProperties() {
		this.runner.withUserConfiguration(PlaceholderCheckpoints.class)
			.withPropertyValues("refunds.approval-timeout=2m", "refunds.reviewers=finance", "refunds.tool-timeout=3s",
					"guarded-agents.checkpoints.overridden.timeout=7m",
					"guarded-agents.checkpoints.overridden.reviewers=ops,finance",
					"guarded-agents.checkpoints.overridden.approvals=2")
			.run((context) -> {
				AgentRunRegistry registry = context.getBean(AgentRunRegistry.class);
				AgentRunRegistry.Checkpoint refund = registry.checkpoint("refund");
				assertThat(refund.timeout()).isEqualTo(Duration.ofMinutes(2));
				assertThat(refund.reviewers()).containsExactly("finance");
				assertThat(refund.escalationTimeout()).isEqualTo(Duration.ofHours(1));
				AgentRunRegistry.Checkpoint overridden = registry.checkpoint("overridden");
				assertThat(overridden.timeout()).isEqualTo(Duration.ofMinutes(7));
				assertThat(overridden.reviewers()).containsExactly("ops", "finance");
				assertThat(overridden.approvals()).isEqualTo(2);
				Method lookup = PlaceholderCheckpoints.class.getMethod("lookup", String.class);
				assertThat(context.getBean(ToolGuards.class).guard(lookup, "lookup").settings().timeout())
					.isEqualTo(Duration.ofSeconds(3));
			});
	}

	@Test
	void unresolvablePlaceholderFailsStartUpNamingTheAttribute() {
		this.runner.withUserConfiguration(PlaceholderCheckpoints.class)
			.withPropertyValues("refunds.tool-timeout=3s")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining(
						"@HumanCheckpoint(timeout = \"${refunds.approval-timeout}\") on public java.lang.String")
				.hasStackTraceContaining("has a placeholder that cannot be resolved"));
	}

	@Test
	void propertiesOfACheckpointTheApplicationDoesNotHaveFailStartUp() {
		this.runner.withUserConfiguration(PlaceholderCheckpoints.class)
			.withPropertyValues("refunds.approval-timeout=2m", "refunds.reviewers=finance", "refunds.tool-timeout=3s",
					"guarded-agents.checkpoints.refnd.timeout=1m")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("'guarded-agents.checkpoints.refnd.*': no @HumanCheckpoint of the "
						+ "application is named 'refnd' (did you mean 'refund'?)"));
	}

	static class PlaceholderCheckpoints {

		@HumanCheckpoint(name = "refund", timeout = "${refunds.approval-timeout}", reviewers = "${refunds.reviewers}",
				escalationTimeout = "${refunds.escalation-timeout:1h}")
		public String refund(String order) {
			return order;
		}

		@HumanCheckpoint(name = "overridden", timeout = "1h", reviewers = "support")
		public String overridden(String order) {
			return order;
		}

		@GuardedTool(name = "lookup", timeout = "${refunds.tool-timeout}")
		public String lookup(String order) {
			return order;
		}

	}

	static class PrivatelyCompensatedTool {

		@GuardedTool(name = "book", compensation = "cancel")
		public int book(int seats) {
			return seats;
		}

		@SuppressWarnings("unused")
		private void cancel(int seats, int booked) {
		}

	}

	static class LambdaNamedLikeATool {

		@Bean
		Tool tool() {
			return new Tool();
		}

		@Bean
		Plan plan() {
			return new Plan();
		}

		public static class Tool {

			@GuardedTool(name = "charge", compensation = "refund")
			public String charge(int amount) {
				return "charged";
			}

			public void refund(int amount) {
			}

		}

		public static class Plan {

			@AgentRun(name = "lambda-charge")
			public String pay() {
				return RunContext.step("charge", () -> "charged by hand");
			}

		}

	}

	static class CompensatedTool {

		@GuardedTool(compensation = "release", timeout = "4s")
		public String reserve(String order) {
			return order;
		}

		public void release(String order) {
		}

	}

	static class MiscompensatedTool {

		@GuardedTool(name = "charge", compensation = "undo")
		public String charge(int cents) {
			return "charged";
		}

		public void undo(String wrong) {
		}

	}

	@Test
	void aScheduleThatCannotStartItsPlanFailsStartUp() {
		this.runner.withUserConfiguration(ScheduledWithArguments.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("@AgentRun(schedule = \"0 0 * * * *\") on public java.lang.String "
						+ GuardedAgentsAutoConfigurationTests.class.getName() + "$ScheduledWithArguments.plan("
						+ "java.lang.String)")
				.hasStackTraceContaining("Declare no parameter, or one java.time.Instant that receives the tick."));
	}

	@Test
	void aCronExpressionThatDoesNotParseFailsStartUp() {
		this.runner.withUserConfiguration(BudgetedPlan.class)
			.withPropertyValues("guarded-agents.budgets.tight.max-cost=1",
					"guarded-agents.schedules.budgeted.cron=hourly")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("guarded-agents.schedules.budgeted.cron has an invalid cron expression")
				.hasStackTraceContaining("Use Spring's six fields"));
	}

	@Test
	void aScheduleThatNamesNoPlanFailsStartUp() {
		this.runner.withUserConfiguration(BudgetedPlan.class)
			.withPropertyValues("guarded-agents.budgets.tight.max-cost=1",
					"guarded-agents.schedules.budgetd.cron=@daily")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("guarded-agents.schedules.budgetd names no @AgentRun plan")
				.hasStackTraceContaining("[budgeted]"));
	}

	@Test
	void aLimitOfRunsAtOnceForNoPlanOrBelowZeroFailsStartUp() {
		this.runner.withUserConfiguration(BudgetedPlan.class)
			.withPropertyValues("guarded-agents.budgets.tight.max-cost=1",
					"guarded-agents.plans.budgetd.max-concurrent=2")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("guarded-agents.plans.budgetd names no @AgentRun plan")
				.hasStackTraceContaining("[budgeted]"));
		this.runner.withUserConfiguration(BudgetedPlan.class)
			.withPropertyValues("guarded-agents.budgets.tight.max-cost=1",
					"guarded-agents.plans.budgeted.max-concurrent=-1")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("guarded-agents.plans.budgeted.max-concurrent"));
	}

	static class ScheduledWithArguments {

		@AgentRun(name = "scheduled-with-arguments", schedule = "0 0 * * * *")
		public String plan(String customer) {
			return customer;
		}

	}

	static class BudgetedPlan {

		@AgentRun(name = "budgeted", budget = "tight")
		public String plan() {
			return "done";
		}

	}

	@Test
	void endpointBacksOffWhenNotAvailable() {
		this.runner.withPropertyValues("management.endpoint.agentruns.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(AgentRunsEndpoint.class));
	}

	@Test
	void beansBackOffOnWhatUsersCanReplaceOnly() {
		List<Class<?>> configurations = List.of(GuardedAgentsAutoConfiguration.class,
				GuardedAgentsReviewsAutoConfiguration.class, GuardedAgentsMetricsAutoConfiguration.class,
				AgentRunsEndpointAutoConfiguration.class, GuardedAgentsModelsAutoConfiguration.class);
		for (Class<?> configuration : configurations) {
			for (Method method : configuration.getDeclaredMethods()) {
				if (method.isAnnotationPresent(Bean.class) && !Modifier.isStatic(method.getModifiers())) {
					ConditionalOnMissingBean backOff = method.getAnnotation(ConditionalOnMissingBean.class);
					List<Class<?>> replaceable = (backOff != null && backOff.value().length > 0)
							? List.of(backOff.value()) : List.of(method.getReturnType());
					boolean canBeReplaced = replaceable.stream()
						.allMatch((type) -> type.isInterface() || !Modifier.isFinal(type.getModifiers())
								|| type.getPackageName().equals("dev.guardedagents")
								|| type.getPackageName().equals("dev.guardedagents.spi"));
					assertThat(backOff != null)
						.as("@Bean %s.%s backs off exactly when users can replace %s", configuration.getSimpleName(),
								method.getName(), replaceable)
						.isEqualTo(canBeReplaced);
				}
				if (method.isAnnotationPresent(Bean.class)) {
					assertThat(Modifier.isPublic(method.getModifiers())).as("@Bean %s is package-private", method)
						.isFalse();
				}
			}
		}
	}

	@Test
	void redactionPatternsAreBuiltInAddedAndTurnedOffByProperties() {
		this.runner
			.run((context) -> assertThat(context.getBean(Redaction.class).text("ann@example.com, 4111111111111111"))
				.isEqualTo("[redacted:email], [redacted:card-number]"));
		this.runner
			.withPropertyValues("guarded-agents.redaction.patterns.email=",
					"guarded-agents.redaction.patterns.ticket=TCK-\\d+")
			.run((context) -> assertThat(
					context.getBean(Redaction.class).text("ann@example.com TCK-42 4111111111111111"))
				.isEqualTo("ann@example.com [redacted:ticket] [redacted:card-number]"));
	}

	@Test
	void payloadsAreEncryptedWithTheActiveKeyOfTheProperties() {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:encrypted;DB_CLOSE_DELAY=-1",
					"guarded-agents.journal.encryption.keys.k1=q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=",
					"guarded-agents.journal.encryption.active-key=k1")
			.run((context) -> {
				JdbcRunStore store = context.getBean(JdbcRunStore.class);
				String id = UUID.randomUUID().toString();
				Instant now = Instant.now();
				store.insertRun(new NewRun(id, "sealed", "1", "[\"ann@example.com\"]", null, null, "autoconfig", now,
						now.plusSeconds(30)));
				assertThat(store.findRun(id).orElseThrow().arguments()).isEqualTo("[\"ann@example.com\"]");
				assertThat(new JdbcTemplate(context.getBean(DataSource.class))
					.queryForObject("SELECT arguments FROM guarded_agents.guarded_run WHERE id = ?", String.class, id))
					.startsWith("ga:enc:v1:k1:")
					.doesNotContain("ann");
				assertThat(context.getBean(JournalEncryption.class).activeKey()).isEqualTo("k1");
			});
	}

	@Test
	void theHealthOfRunsIsUpOutOfServiceForAnUnrecoveredRunAndDownWithoutTheJournal() {
		this.runner.withPropertyValues("management.health.guarded-agents.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("guardedAgentsHealthIndicator"));
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:health;DB_CLOSE_DELAY=-1",
					"guarded-agents.health.grace=1s", "guarded-agents.recovery.scan-interval=1h")
			.run((context) -> {
				HealthIndicator indicator = context.getBean("guardedAgentsHealthIndicator", HealthIndicator.class);
				Health up = indicator.health();
				assertThat(up.getStatus()).isEqualTo(Status.UP);
				assertThat(up.getDetails()).containsEntry("journal", "reachable")
					.containsEntry("expiredRuns", 0L)
					.containsEntry("overdueReviews", 0L)
					.containsKey("executor");

				Instant then = Instant.now().minus(Duration.ofHours(1));
				context.getBean(JdbcRunStore.class)
					.insertRun(new NewRun(UUID.randomUUID().toString(), "lost", "1", "[]", null, null, "gone", then,
							then.plusSeconds(30)));
				Health unrecovered = indicator.health();
				assertThat(unrecovered.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
				assertThat(unrecovered.getDetails()).containsEntry("expiredRuns", 1L);
				assertThat(unrecovered.getDetails().get("problems").toString())
					.contains("1 runs have a lease that expired more than PT1S ago and no instance recovered them");

				new JdbcTemplate(context.getBean(DataSource.class)).execute("SHUTDOWN");
				Health down = indicator.health();
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(down.getDetails()).containsEntry("journal", "unreachable");
			});
	}

	@Test
	void retentionPrunesFinishedRunsOnItsInterval() {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:retention;DB_CLOSE_DELAY=-1",
					"guarded-agents.retention.succeeded=1ms", "guarded-agents.retention.interval=50ms")
			.run((context) -> {
				JdbcRunStore store = context.getBean(JdbcRunStore.class);
				String id = UUID.randomUUID().toString();
				Instant then = Instant.now().minusSeconds(60);
				store.insertRun(
						new NewRun(id, "pruned", "1", "[]", null, null, "autoconfig", then, then.plusSeconds(30)));
				assertThat(store.finish(id, 1, RunStatus.SUCCEEDED, "1", null, null, 0, then)).isTrue();
				await().atMost(Duration.ofSeconds(10)).until(() -> store.findRun(id).isEmpty());
				assertThat(context.getBean(JournalPruner.class).runsPruned()).isPositive();
			});
	}

	@Test
	void enabledDefaultsToTrueInPropertiesAndCondition() {
		assertThat(new GuardedAgentsProperties().isEnabled()).isTrue();
		this.runner.run((context) -> assertThat(context).hasSingleBean(AgentRuns.class));
	}

	@Test
	void everyToolAndCompensationIsGuardedFromStartUpBeforeItsFirstCall() {
		this.runner.withUserConfiguration(CompensatedTool.class)
			.withPropertyValues("guarded-agents.reviews.kinds.compensation.reviewers=ops")
			.run((context) -> {
				ToolGuards guards = context.getBean(ToolGuards.class);
				assertThat(guards.circuitBreakers().getAllCircuitBreakers()).extracting(CircuitBreaker::getName)
					.as("resolved at start-up, under the name the tool is journaled and compensated by")
					.contains("CompensatedTool.reserve", "CompensatedTool.reserve:compensation");
				Method reserve = CompensatedTool.class.getMethod("reserve", String.class);
				assertThat(guards.guard(reserve, "CompensatedTool.reserve").settings().timeout())
					.isEqualTo(Duration.ofSeconds(4));
			});
	}

	@Test
	void cancelInterruptsForRunsIsTheDefaultOfEveryToolAndModelUnlessOneSaysOtherwise() {
		this.runner
			.withPropertyValues("guarded-agents.runs.cancel-interrupts=true",
					"guarded-agents.tools.ledger.cancel-interrupts=false")
			.run((context) -> {
				ToolGuards guards = context.getBean(ToolGuards.class);
				assertThat(guards.tool("send-mail").settings().cancelInterrupts()).isTrue();
				assertThat(guards.model("gpt-lab").settings().cancelInterrupts()).isTrue();
				assertThat(guards.tool("ledger").settings().cancelInterrupts()).as("its own setting").isFalse();
			});
		this.runner.run((context) -> assertThat(
				context.getBean(ToolGuards.class).tool("send-mail").settings().cancelInterrupts())
			.as("off by default")
			.isFalse());
	}

	@Test
	void theConsoleIsServedOnlyWhenEnabledAndItsPathIsChecked() {
		WebApplicationContextRunner console = this.runner
			.withConfiguration(AutoConfigurations.of(GuardedAgentsConsoleAutoConfiguration.class));
		console.run((context) -> assertThat(context).doesNotHaveBean("guardedAgentsConsoleRoutes"));
		console.withPropertyValues("guarded-agents.console.enabled=true")
			.run((context) -> assertThat(context).hasBean("guardedAgentsConsoleRoutes"));
		console.withPropertyValues("guarded-agents.console.enabled=true", "guarded-agents.console.path=ops/")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("'guarded-agents.console.path'")
				.hasMessageContaining("must start with '/'"));
	}

	@Test
	void invalidPropertyFailsStartupNamingIt() {
		this.runner
			.withPropertyValues("guarded-agents.recovery.lease-duration=10s",
					"guarded-agents.recovery.renew-interval=8s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("'guarded-agents.recovery.renew-interval'")
				.hasMessageContaining("at most half of guarded-agents.recovery.lease-duration"));
		this.runner.withPropertyValues("guarded-agents.executor.pool-size=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("Invalid value '0' for property 'guarded-agents.executor.pool-size': must be at least 1"));
		this.runner.withPropertyValues("guarded-agents.journal.group-commit.window=2s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'guarded-agents.journal.group-commit.window'"));
		this.runner.withPropertyValues("guarded-agents.journal.group-commit.direct-writes=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("Invalid value '-1' for property 'guarded-agents.journal.group-commit.direct-writes': "
						+ "must be at least 0"));
		this.runner.withPropertyValues("guarded-agents.journal.max-payload-size=2GB")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("Invalid value '2GB' for property 'guarded-agents.journal.max-payload-size': "
						+ "must be between 1KB and 1GB"));
		this.runner.withPropertyValues("guarded-agents.retention.batch-size=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("Invalid value '0' for property 'guarded-agents.retention.batch-size': "
						+ "must be between 1 and 10000"));
		this.runner.withPropertyValues("guarded-agents.retention.succeeded=-1d")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'guarded-agents.retention.succeeded'"));
		this.runner.withPropertyValues("guarded-agents.store.schema=runs; drop table x")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'guarded-agents.store.schema'"));
	}

	@Test
	void invalidToolPropertyFailsStartupNamingIt() {
		this.runner.withPropertyValues("guarded-agents.tools.search.backoff.jitter=1.5")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("Invalid value '1.5' for property 'guarded-agents.tools.search.backoff.jitter': "
						+ "must be at least 0 and less than 1"));
		this.runner.withPropertyValues("guarded-agents.tools.defaults.max-attempts=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'guarded-agents.tools.defaults.max-attempts'"));
	}

	@Test
	void missingFallbackMethodFailsStartupNamingIt() {
		this.runner.withUserConfiguration(MissingFallback.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(BeanInitializationException.class)
				.hasMessageContaining("names fallbackMethod 'nowhere'"));
	}

	@Test
	void twoRunsWithTheSameNameFailStartup() {
		this.runner.withUserConfiguration(DuplicateRuns.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(BeanInitializationException.class)
				.hasMessageContaining("Two @AgentRun methods are named 'same'"));
	}

	@Test
	void listsTheAutoConfigurationsInTheImportsFile() throws Exception {
		String imports = new String(getClass()
			.getResourceAsStream("/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")
			.readAllBytes());
		assertThat(Arrays.asList(imports.split("\\s+"))).contains(GuardedAgentsAutoConfiguration.class.getName(),
				GuardedAgentsReviewsAutoConfiguration.class.getName(),
				AgentRunsEndpointAutoConfiguration.class.getName());
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomAgentRuns {

		final AgentRuns agentRuns = mock(DefaultAgentRuns.class);

		@Bean
		AgentRuns customAgentRuns() {
			return this.agentRuns;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateRuns {

		@Bean
		First first() {
			return new First();
		}

		@Bean
		Second second() {
			return new Second();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MissingFallback {

		@Bean
		Tool tool() {
			return new Tool();
		}

	}

	static class Tool {

		@GuardedTool(fallbackMethod = "nowhere")
		public String call(String input) {
			return input;
		}

	}

	static class First {

		@AgentRun(name = "same")
		public void run() {
		}

	}

	static class Second {

		@AgentRun(name = "same")
		public void run() {
		}

	}

}
