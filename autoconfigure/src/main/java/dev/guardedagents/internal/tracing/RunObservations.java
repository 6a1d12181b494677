package dev.guardedagents.internal.tracing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.run.RunTracing;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * One {@link Observation} per execution of a run ({@value #RUN}) and one per executed
 * step inside it ({@value #STEP}), opened on the executing thread so that a step is the
 * child of its run, and what a step's body calls (Spring AI's model observations, an HTTP
 * client) the child of its step. With Micrometer Tracing these are spans.
 * <p>
 * A run's start is marked by a {@code guarded.run.start} observation (a producer) on the
 * thread that starts it, whose propagation fields are journaled with the run; every
 * execution of the run (the first, and each resumption after a checkpoint, a crash or a
 * deploy, on any instance) is a consumer continuing from them, so all executions of a run
 * are one trace under the span of the request that started it. This needs the
 * application's tracer to propagate (Spring Boot registers Micrometer Tracing's
 * propagating handlers); without them each execution is a trace of its own.
 * <p>
 * Low-cardinality keys: {@code guarded.plan}, {@code guarded.step.kind},
 * {@code guarded.step.name}, {@code guarded.outcome}, {@code guarded.resumed}, and for a
 * model step {@code gen_ai.operation.name}, {@code gen_ai.request.model} and
 * {@code gen_ai.response.model} (the provider, {@code gen_ai.system}, is on Spring AI's
 * own {@code gen_ai.client.operation} observation, a child of the step's).
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

	/**
	 * The name of the observation that marks a run's start.
	 */
	public static final String START = "guarded.run.start";

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

	/**
	 * Marks the start with a {@value #START} observation, a producer whose propagation
	 * fields (as the application's tracer writes them) every execution of the run
	 * continues from.
	 */
	@Override
	public @Nullable String started(String runId, String plan, @Nullable String businessKey) {
		Map<String, String> fields = new LinkedHashMap<>();
		SenderContext<Map<String, String>> context = new SenderContext<>(Map::put, Kind.PRODUCER);
		context.setCarrier(fields);
		Observation observation = Observation.createNotStarted(START, () -> context, this.registry)
			.contextualName("start " + plan)
			.lowCardinalityKeyValue("guarded.plan", plan)
			.highCardinalityKeyValue("guarded.run.id", runId);
		if (businessKey != null) {
			observation.highCardinalityKeyValue("guarded.business.key", businessKey);
		}
		observation.start().stop();
		return TraceFields.write(fields);
	}

	@Override
	public Scope run(String runId, String plan, @Nullable String businessKey, boolean resumed,
			Supplier<@Nullable String> started) {
		Map<String, String> fields = (this.registry.isNoop()) ? Map.of() : TraceFields.read(started.get());
		Observation observation = fields.isEmpty() ? Observation.createNotStarted(RUN, this.registry)
				: Observation.createNotStarted(RUN, () -> receiver(fields), this.registry);
		observation.contextualName("run " + plan)
			.lowCardinalityKeyValue("guarded.plan", plan)
			.lowCardinalityKeyValue("guarded.resumed", Boolean.toString(resumed))
			.highCardinalityKeyValue("guarded.run.id", runId);
		if (businessKey != null) {
			observation.highCardinalityKeyValue("guarded.business.key", businessKey);
		}
		return new Opened(observation.start());
	}

	private static ReceiverContext<Map<String, String>> receiver(Map<String, String> fields) {
		ReceiverContext<Map<String, String>> context = new ReceiverContext<>(Map::get, Kind.CONSUMER);
		context.setCarrier(fields);
		return context;
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
		public void requested(@Nullable String model) {
			this.observation.lowCardinalityKeyValue("gen_ai.operation.name", "chat");
			if (model != null) {
				this.observation.lowCardinalityKeyValue("gen_ai.request.model", model);
			}
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
