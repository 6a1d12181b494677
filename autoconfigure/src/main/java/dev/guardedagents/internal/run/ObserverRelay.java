package dev.guardedagents.internal.run;

import java.time.Duration;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;

/**
 * The observer the engine's parts are given: passes everything on to the observer set
 * last (the metrics, once they are created), or to none.
 */
final class ObserverRelay implements RunObserver {

	private volatile RunObserver target = RunObserver.NONE;

	void relayTo(RunObserver target) {
		this.target = target;
	}

	@Override
	public void runStarted(String name) {
		this.target.runStarted(name);
	}

	@Override
	public void ticked(String name, boolean started) {
		this.target.ticked(name, started);
	}

	@Override
	public void runFinished(String name, RunStatus status) {
		this.target.runFinished(name, status);
	}

	@Override
	public void runRecovered(String name) {
		this.target.runRecovered(name);
	}

	@Override
	public void stepExecuted(String name, StepKind kind, String outcome, Duration duration) {
		this.target.stepExecuted(name, kind, outcome, duration);
	}

	@Override
	public void modelCalled(String runName, ModelUsage usage) {
		this.target.modelCalled(runName, usage);
	}

	@Override
	public void budgetWarned(String runName, String profile) {
		this.target.budgetWarned(runName, profile);
	}

}
