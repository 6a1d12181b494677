package dev.guardedagents.autoconfigure;

import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.tracing.RunObservations;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Guarded Agents' Micrometer Observations: one per execution of a
 * run and one per executed step, in the application's {@link ObservationRegistry}, so
 * that Micrometer Tracing (OpenTelemetry, Zipkin) exports them as spans.
 * {@code management.observations.enable.guarded=false} turns them off.
 */
@AutoConfiguration(after = GuardedAgentsAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ RunEngine.class, ObservationRegistry.class })
public final class GuardedAgentsObservationAutoConfiguration {

	@Bean
	RunObservations guardedAgentsRunObservations(RunEngine engine, ObservationRegistry registry) {
		return new RunObservations(engine, registry);
	}

}
