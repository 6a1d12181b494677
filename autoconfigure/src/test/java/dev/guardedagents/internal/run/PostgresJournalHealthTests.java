package dev.guardedagents.internal.run;

import java.net.URI;
import java.time.Duration;

import dev.guardedagents.autoconfigure.AgentRunsEndpointAutoConfiguration;
import dev.guardedagents.autoconfigure.GuardedAgentsAutoConfiguration;
import dev.guardedagents.autoconfigure.GuardedAgentsReviewsAutoConfiguration;
import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code guardedAgents} health indicator with PostgreSQL behind a TCP proxy that
 * drops every connection and refuses new ones: {@code DOWN} with the journal unreachable
 * while it lasts, {@code UP} again once the database is back, without a restart.
 */
@PostgresTest
class PostgresJournalHealthTests {

	@Test
	void healthIsDownWhileTheJournalIsUnreachableAndUpOnceItIsBack() throws Exception {
		String url = PostgresDatabase.create();
		URI server = URI.create(url.substring("jdbc:".length()));
		try (TcpProxy proxy = new TcpProxy(server.getHost(), (server.getPort() > 0) ? server.getPort() : 5432)) {
			new ApplicationContextRunner()
				.withPropertyValues(
						"spring.datasource.url=" + url.replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/"),
						"spring.datasource.username=" + PostgresDatabase.user(),
						"spring.datasource.password=" + PostgresDatabase.password(),
						"spring.datasource.hikari.connection-timeout=1000",
						"spring.datasource.hikari.validation-timeout=500", "guarded-agents.instance-id=health",
						"guarded-agents.recovery.scan-interval=1h", "guarded-agents.reviews.deadline-check-interval=1h")
				.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
						JacksonAutoConfiguration.class, AopAutoConfiguration.class,
						GuardedAgentsAutoConfiguration.class, GuardedAgentsReviewsAutoConfiguration.class,
						EndpointAutoConfiguration.class, AgentRunsEndpointAutoConfiguration.class))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					HealthIndicator health = context.getBean("guardedAgentsHealthIndicator", HealthIndicator.class);
					assertThat(health.health().getStatus()).isEqualTo(Status.UP);

					proxy.drop();
					Health down = health.health();
					assertThat(down.getStatus()).isEqualTo(Status.DOWN);
					assertThat(down.getDetails()).containsEntry("journal", "unreachable");

					proxy.restore();
					await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus() == Status.UP);
					assertThat(health.health().getDetails()).containsEntry("journal", "reachable");
				});
		}
	}

}
