package dev.guardedagents.autoconfigure;

import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.metrics.GuardedAgentsMetrics;
import dev.guardedagents.internal.retention.JournalPruner;
import dev.guardedagents.internal.run.RunEngine;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Guarded Agents' Micrometer metrics, bound to every meter registry
 * by Spring Boot.
 */
@AutoConfiguration(after = GuardedAgentsAutoConfiguration.class)
@ConditionalOnClass({ MeterRegistry.class, TaggedCircuitBreakerMetrics.class })
@ConditionalOnBean({ RunEngine.class, ToolGuards.class })
public final class GuardedAgentsMetricsAutoConfiguration {

	@Bean
	GuardedAgentsMetrics guardedAgentsMetrics(RunEngine engine, ToolGuards guards,
			ObjectProvider<JournalPruner> pruner) {
		return new GuardedAgentsMetrics(engine, guards, pruner.getIfAvailable());
	}

}
