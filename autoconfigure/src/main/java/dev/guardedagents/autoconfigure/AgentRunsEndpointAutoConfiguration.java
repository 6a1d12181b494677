package dev.guardedagents.autoconfigure;

import java.time.Clock;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.Reviews;
import dev.guardedagents.actuate.AgentReviewsEndpoint;
import dev.guardedagents.actuate.AgentRunsEndpoint;
import dev.guardedagents.actuate.ReviewDecisionBodyAdvice;
import dev.guardedagents.actuate.RunMessageBodyAdvice;
import dev.guardedagents.actuate.GuardedAgentsHealthIndicator;
import dev.guardedagents.internal.run.RunSchedules;
import dev.guardedagents.internal.redaction.Redaction;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.internal.store.JdbcInstanceStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Auto-configuration of the {@code agentruns} and {@code agentreviews} actuator
 * endpoints, and of the {@code guardedAgents} health indicator.
 */
@AutoConfiguration(after = { GuardedAgentsAutoConfiguration.class, GuardedAgentsReviewsAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean({ AgentRuns.class, Reviews.class, JdbcRunStore.class, ReviewAccess.class })
public final class AgentRunsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	AgentRunsEndpoint agentRunsEndpoint(AgentRuns runs, Reviews reviews, JdbcRunStore store,
			ObjectProvider<JsonMapper> mapper, GuardedAgentsProperties properties, ReviewAccess access,
			ObjectProvider<JdbcInstanceStore> instances, ObjectProvider<Redaction> redaction,
			ObjectProvider<RunSchedules> schedules) {
		GuardedAgentsProperties.Actuator actuator = properties.getActuator();
		return new AgentRunsEndpoint(runs, reviews, store, mapper.getIfAvailable(JsonMapper::new), show(actuator),
				actuator.getRoles(), access, instances.getIfAvailable(), properties.getRecovery().getLeaseDuration(),
				redaction.getIfAvailable(() -> Redaction.NONE), schedules.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	AgentReviewsEndpoint agentReviewsEndpoint(Reviews reviews, ObjectProvider<JsonMapper> mapper,
			GuardedAgentsProperties properties, ObjectProvider<Redaction> redaction) {
		GuardedAgentsProperties.Actuator actuator = properties.getActuator();
		return new AgentReviewsEndpoint(reviews, mapper.getIfAvailable(JsonMapper::new), show(actuator),
				actuator.getRoles(), properties.getReviews().getMaxEditsSize().toBytes(),
				redaction.getIfAvailable(() -> Redaction.NONE));
	}

	/**
	 * The health of this instance's runs.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnBean({ RunEngine.class, JdbcReviewStore.class })
	@ConditionalOnEnabledHealthIndicator("guarded-agents")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "guardedAgentsHealthIndicator")
		GuardedAgentsHealthIndicator guardedAgentsHealthIndicator(JdbcRunStore runs, JdbcReviewStore reviews,
				RunEngine engine, GuardedAgentsProperties properties,
				@Qualifier(GuardedAgentsAutoConfiguration.CLOCK) ObjectProvider<Clock> clock) {
			GuardedAgentsProperties.Health health = properties.getHealth();
			return new GuardedAgentsHealthIndicator(runs, reviews, engine, GuardedAgentsAutoConfiguration.clock(clock),
					new GuardedAgentsHealthIndicator.Thresholds(health.getGrace(), health.getExpiredRuns(),
							health.getOverdueReviews(), health.getExecutorSaturation()));
		}

	}

	private static Show show(GuardedAgentsProperties.Actuator actuator) {
		return Show.valueOf(actuator.getShowPayloads().name());
	}

	/**
	 * Nested JSON in decisions and messages posted over Spring MVC.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(RequestBodyAdviceAdapter.class)
	static class WebMvcConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(AgentReviewsEndpoint.class)
		ReviewDecisionBodyAdvice reviewDecisionBodyAdvice(ObjectProvider<JsonMapper> mapper) {
			return new ReviewDecisionBodyAdvice(mapper.getIfAvailable(JsonMapper::new));
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(AgentRunsEndpoint.class)
		RunMessageBodyAdvice runMessageBodyAdvice(ObjectProvider<JsonMapper> mapper) {
			return new RunMessageBodyAdvice(mapper.getIfAvailable(JsonMapper::new));
		}

	}

}
