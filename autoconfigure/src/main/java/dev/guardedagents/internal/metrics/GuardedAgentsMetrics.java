package dev.guardedagents.internal.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.run.RunObserver;
import dev.guardedagents.internal.retention.JournalPruner;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The metrics of Guarded Agents, bound to each meter registry: {@code guarded.steps}
 * (timer by tool, kind and outcome), {@code guarded.runs.started},
 * {@code guarded.runs.finished} (by name and status), {@code guarded.runs.recovered},
 * {@code guarded.runs.active}, {@code guarded.cost} (USD, by model and plan),
 * {@code guarded.budget.warnings} (by run name and profile),
 * {@code guarded.journal.pruned} (runs, rows, prompt versions and idempotency keys past
 * their retention), and the guards' Resilience4j circuit breaker, retry and bulkhead
 * metrics. Tokens are counted by Spring AI's own {@code gen_ai.client.token.usage}, not
 * again here. Internal: not API.
 */
public final class GuardedAgentsMetrics implements MeterBinder, RunObserver {

	private final RunEngine engine;

	private final ToolGuards guards;

	private final @Nullable JournalPruner pruner;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	/**
	 * The step timers by tool, kind and outcome, one per registry: a step looks its timer
	 * up once instead of building its id and finding it in each registry per step.
	 */
	private final Map<StepMeter, List<Timer>> stepTimers = new ConcurrentHashMap<>();

	/**
	 * Creates the metrics and starts observing the engine.
	 * @param engine the run engine
	 * @param guards the tool guards
	 * @param pruner the journal's pruner, if there is one
	 */
	public GuardedAgentsMetrics(RunEngine engine, ToolGuards guards, @Nullable JournalPruner pruner) {
		this.engine = engine;
		this.guards = guards;
		this.pruner = pruner;
		engine.observe(this);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		this.stepTimers.clear();
		Gauge.builder("guarded.runs.active", this.engine, RunEngine::activeRuns)
			.description("Runs executing on this instance")
			.register(registry);
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(this.guards.circuitBreakers()).bindTo(registry);
		TaggedRetryMetrics.ofRetryRegistry(this.guards.retries()).bindTo(registry);
		TaggedBulkheadMetrics.ofBulkheadRegistry(this.guards.bulkheads()).bindTo(registry);
		if (this.pruner != null) {
			pruned(registry, "runs", JournalPruner::runsPruned);
			pruned(registry, "rows", JournalPruner::rowsPruned);
			pruned(registry, "idempotency-keys", JournalPruner::keysPruned);
			pruned(registry, "prompt-versions", JournalPruner::promptsPruned);
		}
	}

	private void pruned(MeterRegistry registry, String what, ToDoubleFunction<JournalPruner> count) {
		FunctionCounter.builder("guarded.journal.pruned", this.pruner, count)
			.description("Rows of the journal pruned past their retention since start-up")
			.tag("what", what)
			.register(registry);
	}

	@Override
	public void runStarted(String name) {
		for (MeterRegistry registry : this.registries) {
			Counter.builder("guarded.runs.started").tag("name", name).register(registry).increment();
		}
	}

	@Override
	public void ticked(String name, boolean started) {
		for (MeterRegistry registry : this.registries) {
			Counter.builder("guarded.schedule.ticks")
				.tag("name", name)
				.tag("outcome", started ? "started" : "taken")
				.register(registry)
				.increment();
		}
	}

	@Override
	public void runFinished(String name, RunStatus status) {
		for (MeterRegistry registry : this.registries) {
			Counter.builder("guarded.runs.finished")
				.tag("name", name)
				.tag("status", status.name())
				.register(registry)
				.increment();
		}
	}

	@Override
	public void runRecovered(String name) {
		for (MeterRegistry registry : this.registries) {
			Counter.builder("guarded.runs.recovered").tag("name", name).register(registry).increment();
		}
	}

	@Override
	public void stepExecuted(String name, StepKind kind, String outcome, Duration duration) {
		for (Timer timer : this.stepTimers.computeIfAbsent(new StepMeter(name, kind, outcome), this::stepTimers)) {
			timer.record(duration);
		}
	}

	private List<Timer> stepTimers(StepMeter meter) {
		return this.registries.stream()
			.map((registry) -> Timer.builder("guarded.steps")
				.tag("tool", meter.name())
				.tag("kind", meter.kind().name())
				.tag("outcome", meter.outcome())
				.register(registry))
			.toList();
	}

	@Override
	public void modelCalled(String runName, ModelUsage usage) {
		if (usage.cost() == null) {
			return;
		}
		for (MeterRegistry registry : this.registries) {
			Counter.builder("guarded.cost")
				.description("Cost in USD of the model calls of runs, from the pricing table")
				.baseUnit("usd")
				.tag("model", String.valueOf(usage.model()))
				.tag("plan", runName)
				.register(registry)
				.increment(usage.cost().doubleValue());
		}
	}

	@Override
	public void budgetWarned(String runName, String profile) {
		for (MeterRegistry registry : this.registries) {
			Counter.builder("guarded.budget.warnings")
				.description("Runs that reached the warning fraction of a budget cap")
				.tag("run", runName)
				.tag("profile", profile)
				.register(registry)
				.increment();
		}
	}

	private record StepMeter(String name, StepKind kind, String outcome) {
	}

}
