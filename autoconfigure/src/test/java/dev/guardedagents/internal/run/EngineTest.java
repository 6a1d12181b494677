package dev.guardedagents.internal.run;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The test context shared by the engine and checkpoint suites: the scans for expired
 * leases and overdue reviews run only at start-up, the tests trigger them, and the
 * DataSource records the statements each thread prepares.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "guarded-agents.instance-id=engine", "guarded-agents.recovery.scan-interval=1h",
				"guarded-agents.recovery.lease-duration=2h", "guarded-agents.recovery.renew-interval=1h",
				"guarded-agents.reviews.deadline-check-interval=1h", "guarded-agents.idempotency.wait-timeout=2s",
				"guarded-agents.journal.outage-tolerance=3s",
				"guarded-agents.tools.send-mail-now.cancel-interrupts=true",
				"guarded-agents.tools.flaky-lookup.max-attempts=4",
				"guarded-agents.tools.flaky-lookup.backoff.initial=1ms",
				"guarded-agents.tools.print-label.max-attempts=1",
				"guarded-agents.tools.print-label.circuit-breaker.enabled=false", "logging.level.root=warn" })
@Import(EngineTest.Logging.class)
@interface EngineTest {

	@TestConfiguration(proxyBeanMethods = false)
	class Logging {

		@Bean
		static StatementLog statementLog() {
			return new StatementLog();
		}

	}

}
