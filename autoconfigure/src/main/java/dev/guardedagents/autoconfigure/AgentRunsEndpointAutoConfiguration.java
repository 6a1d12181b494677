package dev.guardedagents.autoconfigure;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.actuate.AgentRunsEndpoint;
import dev.guardedagents.store.JdbcRunStore;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code agentruns} actuator endpoint.
 */
@AutoConfiguration(after = GuardedAgentsAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean({ AgentRuns.class, JdbcRunStore.class })
public final class AgentRunsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	AgentRunsEndpoint agentRunsEndpoint(AgentRuns runs, JdbcRunStore store, ObjectProvider<JsonMapper> mapper,
			GuardedAgentsProperties properties) {
		GuardedAgentsProperties.Actuator actuator = properties.getActuator();
		return new AgentRunsEndpoint(runs, store, mapper.getIfAvailable(JsonMapper::new),
				Show.valueOf(actuator.getShowPayloads().name()), actuator.getRoles());
	}

}
