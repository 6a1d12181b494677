package dev.guardedagents.internal.tracing;

import java.util.Locale;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.run.RunTracing;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * One {@link Observation} per execution of a run ({@value #RUN}) and one per executed
 * step inside it ({@value #STEP}), opened on the executing thread so that a step is the
 * child of its run, and what a step's body calls (Spring AI's model observations, an HTTP
 * client) the child of its step. With Micrometer Tracing these are spans of one trace per
 * execution.
 * <p>
 * Low-cardinality keys: {@code guarded.plan}, {@code guarded.step.kind},
 * {@code guarded.step.name}, {@code guarded.outcome}, {@code guarded.resumed}, and for a
 * model step {@code gen_ai.operation.name} and {@code gen_ai.response.model}.
 * High-cardinality: {@code guarded.run.id}, {@code guarded.business.key},
 * {@code guarded.step.seq}, and for a model step {@code gen_ai.usage.input_tokens},
 * {@code gen_ai.usage.output_tokens}, {@code guarded.cost}, {@code guarded.prompt.name},
 * {@code guarded.prompt.version}.
 */
public final class RunObservations implements RunTracing {

	/**
	 * The name of a run's observation.
	 */
	public static final String RUN = "guarded.run";

	/**
	 * The name of a step's observation.
	 */
	public static final String STEP = "guarded.step";

	private final ObservationRegistry registry;

	/**
	 * Observes the runs of an engine.
	 * @param engine the engine
	 * @param registry where observations go
	 */
	public RunObservations(RunEngine engine, ObservationRegistry registry) {
		this.registry = registry;
		engine.trace(this);
	}

	@Override
	public Scope run(String runId, String plan, @Nullable String businessKey, boolean resumed) {
		Observation observation = Observation.createNotStarted(RUN, this.registry)
			.contextualName("run " + plan)
			.lowCardinalityKeyValue("guarded.plan", plan)
			.lowCardinalityKeyValue("guarded.resumed", Boolean.toString(resumed))
			.highCardinalityKeyValue("guarded.run.id", runId);
		if (businessKey != null) {
			observation.highCardinalityKeyValue("guarded.business.key", businessKey);
		}
		return new Opened(observation.start());
	}

	@Override
	public Scope step(String runId, String plan, StepKind kind, String name, int seq) {
		Observation observation = Observation.createNotStarted(STEP, this.registry)
			.contextualName(kind.name().toLowerCase(Locale.ROOT) + " " + name)
			.lowCardinalityKeyValue("guarded.plan", plan)
			.lowCardinalityKeyValue("guarded.step.kind", kind.name())
			.lowCardinalityKeyValue("guarded.step.name", name)
			.highCardinalityKeyValue("guarded.run.id", runId)
			.highCardinalityKeyValue("guarded.step.seq", Integer.toString(seq));
		return new Opened(observation.start());
	}

	private static final class Opened implements Scope {

		private final Observation observation;

		private final Observation.Scope scope;

		Opened(Observation observation) {
			this.observation = observation;
			this.scope = observation.openScope();
		}

		@Override
		public void model(ModelUsage usage) {
			this.observation.lowCardinalityKeyValue("gen_ai.operation.name", "chat");
			if (usage.model() != null) {
				this.observation.lowCardinalityKeyValue("gen_ai.response.model", usage.model());
			}
			this.observation.highCardinalityKeyValue("gen_ai.usage.input_tokens", Long.toString(usage.inputTokens()));
			this.observation.highCardinalityKeyValue("gen_ai.usage.output_tokens", Long.toString(usage.outputTokens()));
			if (usage.cost() != null) {
				this.observation.highCardinalityKeyValue("guarded.cost", usage.cost().toPlainString());
			}
			if (usage.promptName() != null) {
				this.observation
					.highCardinalityKeyValues(KeyValues.of(KeyValue.of("guarded.prompt.name", usage.promptName()),
							KeyValue.of("guarded.prompt.version", String.valueOf(usage.promptVersion()))));
			}
		}

		@Override
		public void close(String outcome, @Nullable Throwable error) {
			try {
				this.observation.lowCardinalityKeyValue("guarded.outcome", outcome);
				if (error != null) {
					this.observation.error(error);
				}
				this.scope.close();
			}
			finally {
				this.observation.stop();
			}
		}

	}

}
