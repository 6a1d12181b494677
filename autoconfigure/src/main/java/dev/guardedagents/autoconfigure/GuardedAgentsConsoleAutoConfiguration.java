package dev.guardedagents.autoconfigure;

import dev.guardedagents.actuate.AgentRunsEndpoint;
import dev.guardedagents.internal.console.ConsoleRoutes;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Auto-configuration of the console ({@code guarded-agents.console.enabled=true}): a page
 * at {@code guarded-agents.console.path} in a servlet web application that reads and acts
 * through the {@code agentruns} and {@code agentreviews} endpoints, so it needs them
 * exposed over HTTP on the application's own port.
 */
@AutoConfiguration(after = AgentRunsEndpointAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ RouterFunction.class, WebEndpointProperties.class })
@ConditionalOnBooleanProperty("guarded-agents.console.enabled")
@ConditionalOnBean(AgentRunsEndpoint.class)
public final class GuardedAgentsConsoleAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "guardedAgentsConsoleRoutes")
	RouterFunction<ServerResponse> guardedAgentsConsoleRoutes(GuardedAgentsProperties properties,
			ObjectProvider<WebEndpointProperties> endpoints) {
		WebEndpointProperties web = endpoints.getIfAvailable(WebEndpointProperties::new);
		return new ConsoleRoutes(properties.getConsole().getPath(), web.getBasePath()).routes();
	}

}
