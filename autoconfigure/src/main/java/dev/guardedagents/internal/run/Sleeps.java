package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

import dev.guardedagents.RunContext;

/**
 * Puts runs to sleep ({@code RunContext.sleep}): the wake time is journaled as a step
 * ({@value RunContext#SLEEP}, read back on replay), and the run waits in the database
 * without an owner and without a thread until it has passed; then the recovery of any
 * instance wakes it and resumes it past the sleep. A run whose journal goes on after the
 * sleep, or whose wake time has passed, goes on at once, as does a check of a recorded
 * run against the code (it writes nothing).
 */
final class Sleeps {

	private final RunJournal journal;

	private final Consumer<Instant> wakeUp;

	/**
	 * Creates the sleeps.
	 * @param journal the run journal
	 * @param wakeUp told of each wake time, so that this instance wakes the run on time
	 * while it lives (its recovery scan wakes it otherwise)
	 */
	Sleeps(RunJournal journal, Consumer<Instant> wakeUp) {
		this.journal = journal;
		this.wakeUp = wakeUp;
	}

	void sleep(Execution execution, Duration duration) throws Throwable {
		Instant wakeAt = (Instant) execution.lambdaStep(RunContext.SLEEP, Instant.class,
				// to the microsecond, as the database keeps it
				() -> execution.now().plus(duration).truncatedTo(ChronoUnit.MICROS));
		if (execution.isReplayOnly() || !execution.now().isBefore(wakeAt)
				|| execution.recorded(execution.stepCount() + 1) != null) {
			// a check of a recorded run goes on to where its record ends
			return;
		}
		this.journal.park(execution, wakeAt, null);
		this.wakeUp.accept(wakeAt);
		throw RunSignal.sleeping(execution.runId(), wakeAt);
	}

}
