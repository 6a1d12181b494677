package dev.guardedagents.internal.run;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Plans on schedules: {@code report} every second by its annotation, {@code digest} by
 * configuration only. Each counts how often its body ran for each tick, in static maps
 * shared by the instances of a test.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ScheduleTestApplication {

	@Bean
	Reports reports() {
		return new Reports();
	}

	static class Reports {

		static final Map<Instant, AtomicInteger> reports = new ConcurrentHashMap<>();

		static final Map<Instant, AtomicInteger> digests = new ConcurrentHashMap<>();

		@AgentRun(name = "report", schedule = "* * * * * *")
		public String report(Instant tick) {
			reports.computeIfAbsent(tick, (key) -> new AtomicInteger()).incrementAndGet();
			return "report of " + tick;
		}

		@AgentRun(name = "digest")
		public String digest(Instant tick) {
			digests.computeIfAbsent(tick, (key) -> new AtomicInteger()).incrementAndGet();
			return "digest of " + tick;
		}

	}

}
