package dev.guardedagents.internal.run;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

import javax.sql.DataSource;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunView;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.run.EngineTestApplication.Plans;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances on one database: when the owner of a run stops renewing its lease, the
 * other claims and finishes the run, and the stale owner's late step write is rejected.
 * Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class InstanceTakeoverTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@BeforeEach
	void reset() {
		EngineTestApplication.reset();
	}

	@Test
	void secondInstanceTakesOverAndTheStaleOwnersStepWriteIsRejected() throws Exception {
		String[] database = database();
		try (ConfigurableApplicationContext a = start(database, "instance-a");
				ConfigurableApplicationContext b = start(database, "instance-b")) {
			CountDownLatch staleStep = EngineTestApplication.gate("instance-a", "takeover");
			Plans plans = a.getBean(Plans.class);
			RunHandle<String> handle = a.getBean(AgentRuns.class).start(() -> plans.gated("takeover"));
			EngineTestApplication.awaitArrival("instance-a", "takeover");

			new JdbcTemplate(a.getBean(DataSource.class)).update(
					"UPDATE guarded_agents.guarded_run SET lease_until = ? WHERE id = ?",
					Timestamp.from(Instant.now().minusSeconds(1)), handle.runId());
			// b claims it now, or its first scan did, when a busy machine ran that scan
			// only after the lease ended: either way b finishes the run
			b.getBean(RunRecovery.class).recover();
			AgentRuns runsOfB = b.getBean(AgentRuns.class);
			assertThat(runsOfB.handle(handle.runId()).orElseThrow().await(TIMEOUT)).isEqualTo("passed-by-instance-b");

			staleStep.countDown();
			await().atMost(TIMEOUT).until(() -> a.getBean(RunEngine.class).runs().active(handle.runId()) == null);

			RunView run = runsOfB.find(handle.runId()).orElseThrow();
			assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
			assertThat(run.recoveries()).as("counted when b started a body, cleared by its completed steps").isZero();
			assertThat(runsOfB.steps(handle.runId())).extracting(StepView::output)
				.containsExactly("\"data-before-takeover\"", "\"passed-by-instance-b\"", "\"data-after-takeover\"");
			assertThat(EngineTestApplication.calls("instance-a:fetch:after")).isEmpty();
			assertThat(EngineTestApplication.calls("instance-b:fetch"))
				.containsExactly("instance-b:fetch:after-takeover");
			assertThat(handle.await(TIMEOUT)).isEqualTo("passed-by-instance-b");
		}
	}

	private static ConfigurableApplicationContext start(String[] database, String instanceId) {
		return new SpringApplicationBuilder(EngineTestApplication.class).web(WebApplicationType.NONE)
			.run("--spring.datasource.url=" + database[0], "--spring.datasource.username=" + database[1],
					"--spring.datasource.password=" + database[2], "--guarded-agents.instance-id=" + instanceId,
					"--guarded-agents.recovery.scan-interval=1h", "--guarded-agents.recovery.lease-duration=2h",
					"--guarded-agents.recovery.renew-interval=1h", "--spring.main.banner-mode=off",
					"--logging.level.root=warn");
	}

}
