package dev.guardedagents.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviewer;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunView;
import dev.guardedagents.internal.review.ReviewDeadlines;
import dev.guardedagents.internal.run.Replay;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.run.RunRecovery;
import dev.guardedagents.internal.run.RunSchedules;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs as a test drives them: started, their reviews decided, awaited and asserted on.
 * Every wait is bounded ({@value #WAIT_SECONDS} s) and fails with what it waited for.
 */
public final class TestRuns {

	/**
	 * How long a wait lasts before it fails, in seconds.
	 */
	public static final int WAIT_SECONDS = 30;

	/**
	 * The reviewer name decisions are taken under.
	 */
	public static final String REVIEWER = "test";

	private final AgentRuns runs;

	private final Reviews reviews;

	private final RunEngine engine;

	private final RunRecovery recovery;

	private final @Nullable ReviewDeadlines deadlines;

	private final @Nullable RunSchedules schedules;

	private final TestClock clock;

	private final JsonMapper mapper;

	/**
	 * Creates the test's runs.
	 * @param runs the runs
	 * @param reviews the reviews
	 * @param engine the engine, to replay recorded runs and simulate crashes
	 * @param recovery the recovery, to restart crashed runs
	 * @param deadlines the deadlines of reviews, applied when the test moves the clock;
	 * {@code null} without reviews
	 * @param clock the clock of runs
	 * @param mapper the journal's mapper
	 */
	public TestRuns(AgentRuns runs, Reviews reviews, RunEngine engine, RunRecovery recovery,
			@Nullable ReviewDeadlines deadlines, TestClock clock, JsonMapper mapper) {
		this(runs, reviews, engine, recovery, deadlines, null, clock, mapper);
	}

	/**
	 * Creates the test's runs, with the schedules of plans.
	 * @param runs the runs
	 * @param reviews the reviews
	 * @param engine the engine, to replay recorded runs and simulate crashes
	 * @param recovery the recovery, to restart crashed runs
	 * @param deadlines the deadlines of reviews, applied when the test moves the clock;
	 * {@code null} without reviews
	 * @param schedules the schedules of plans, whose ticks start when the test moves the
	 * clock past them; {@code null} for none
	 * @param clock the clock of runs
	 * @param mapper the journal's mapper
	 */
	public TestRuns(AgentRuns runs, Reviews reviews, RunEngine engine, RunRecovery recovery,
			@Nullable ReviewDeadlines deadlines, @Nullable RunSchedules schedules, TestClock clock, JsonMapper mapper) {
		this.runs = runs;
		this.reviews = reviews;
		this.engine = engine;
		this.recovery = recovery;
		this.deadlines = deadlines;
		this.schedules = schedules;
		this.clock = clock;
		this.mapper = mapper;
	}

	/**
	 * Returns the clock of runs, reviews and the journal.
	 * @return the test clock
	 */
	public TestClock clock() {
		return this.clock;
	}

	/**
	 * Moves the clock of runs forward and applies what became due at once: reviews past
	 * their deadline take their timeout outcome (approve, reject or escalate, as the
	 * checkpoint says), runs whose {@code RunContext.sleep} is over or whose
	 * {@code RunContext.receive} passed its deadline wake, and the runs they release
	 * resume, and the ticks of schedules that came start their runs. Budgets' wall time
	 * and {@code RunContext.now()} read the moved clock.
	 * @param duration how far
	 * @return the number of reviews that timed out
	 */
	public int advanceTime(Duration duration) {
		this.clock.advance(duration);
		int timedOut = (this.deadlines != null) ? this.deadlines.fire() : 0;
		this.recovery.wake();
		this.recovery.recoverSoon();
		if (this.schedules != null) {
			this.schedules.fire();
		}
		return timedOut;
	}

	/**
	 * Starts a run of a plan, as {@link AgentRuns#start(Supplier)} does.
	 * @param <T> the plan's result type
	 * @param plan the call of the {@code @AgentRun} method
	 * @return the run id
	 */
	public <T> String start(Supplier<T> plan) {
		return this.runs.start(plan).runId();
	}

	/**
	 * Makes the next run that is about to execute a step of this name crash before the
	 * step's body runs: the run stops as if its instance died there, nothing more is
	 * recorded, and its lease stays until {@link #restart()}. Each crash point fires
	 * once; those that did not fire are forgotten after each test.
	 * @param step the step name
	 * @return these runs
	 */
	public TestRuns crashBefore(String step) {
		this.engine.crashes().crashBefore(step);
		return this;
	}

	/**
	 * Makes the next run that executes a step of this name crash after the body ran and
	 * before the step is recorded: its side effect happened and the journal does not
	 * know, the window where idempotency keys matter. As {@link #crashBefore(String)}
	 * otherwise.
	 * @param step the step name
	 * @return these runs
	 */
	public TestRuns crashDuring(String step) {
		this.engine.crashes().crashDuring(step);
		return this;
	}

	/**
	 * Makes the next run that records a step of this name crash right after recording it.
	 * As {@link #crashBefore(String)} otherwise.
	 * @param step the step name
	 * @return these runs
	 */
	public TestRuns crashAfter(String step) {
		this.engine.crashes().crashAfter(step);
		return this;
	}

	/**
	 * Makes the next run that is about to execute the step at this position (from 1)
	 * crash before its body runs. As {@link #crashBefore(String)} otherwise.
	 * @param seq the position
	 * @return these runs
	 */
	public TestRuns crashAt(int seq) {
		this.engine.crashes().crashAt(seq);
		return this;
	}

	/**
	 * Brings the engine back as a restarted instance would: waits until no run executes,
	 * then resumes every run that crashed (recovery claims it, the journal replays its
	 * recorded steps, the rest runs). A simulation in one JVM: the starter's own crash
	 * tests kill real JVMs.
	 * @return the ids of the runs resumed
	 * @throws AssertionError if no run crashed
	 */
	public Set<String> restart() {
		waitFor(() -> (this.engine.activeRuns() == 0) ? Boolean.TRUE : null, "the runs executing to stop or crash");
		Set<String> crashed = Set.copyOf(this.engine.crashes().held());
		if (crashed.isEmpty()) {
			throw new AssertionError("No run crashed: no run reached a crash point before the restart");
		}
		this.recovery.restartCrashed();
		return crashed;
	}

	/**
	 * Waits until a run no longer runs: it finished, or it waits for a review.
	 * @param runId the run
	 * @return the run as recorded
	 * @throws AssertionError if it still runs after the wait
	 */
	public RunView await(String runId) {
		return waitFor(() -> this.runs.find(runId).filter((run) -> run.status() != RunStatus.RUNNING).orElse(null),
				"run " + runId + " to finish or wait for a review");
	}

	/**
	 * Waits for the pending review of a run.
	 * @param runId the run
	 * @return the review
	 * @throws AssertionError if none is pending after the wait
	 */
	public ReviewView pendingReview(String runId) {
		return waitFor(() -> {
			List<ReviewView> pending = this.reviews.list(ReviewQuery.pending().withRunId(runId)).reviews();
			if (!pending.isEmpty()) {
				return pending.get(0);
			}
			RunView run = this.runs.find(runId).orElse(null);
			if (run != null && run.status().isTerminal()) {
				throw new AssertionError("Expected run " + runId + " to wait for a review but it is " + run.status()
						+ ((run.errorType() != null) ? " with " + run.errorType() + ": " + run.errorMessage() : ""));
			}
			return null;
		}, "a pending review of run " + runId);
	}

	/**
	 * Approves the pending review of a run, as a reviewer named {@value #REVIEWER} who
	 * holds the review's reviewer groups.
	 * @param runId the run
	 * @return the review as decided
	 */
	public ReviewView approve(String runId) {
		return decide(runId, ReviewDecision.approve(REVIEWER));
	}

	/**
	 * Approves the pending review of a run with changed arguments, as {@link #approve}
	 * does.
	 * @param runId the run
	 * @param edits the changed arguments by parameter name
	 * @return the review as decided
	 */
	public ReviewView approveWithEdits(String runId, Map<String, Object> edits) {
		return decide(runId, ReviewDecision.approveWithEdits(REVIEWER, edits));
	}

	/**
	 * Rejects the pending review of a run, as {@link #approve} does.
	 * @param runId the run
	 * @param comment why
	 * @return the review as decided
	 */
	public ReviewView reject(String runId, String comment) {
		return decide(runId, ReviewDecision.reject(REVIEWER, comment));
	}

	/**
	 * Decides the pending review of a run as a given reviewer, to test who may decide.
	 * @param runId the run
	 * @param decision the decision
	 * @param reviewer who decides
	 * @return the review as decided
	 */
	public ReviewView decide(String runId, ReviewDecision decision, Reviewer reviewer) {
		return this.reviews.decide(pendingReview(runId).id(), decision, reviewer);
	}

	private ReviewView decide(String runId, ReviewDecision decision) {
		ReviewView review = pendingReview(runId);
		String[] groups = (review.reviewers() != null) ? review.reviewers().split(",") : new String[0];
		return this.reviews.decide(review.id(), decision, Reviewer.of(REVIEWER, groups));
	}

	/**
	 * Waits until a run no longer runs, then asserts on it.
	 * @param runId the run
	 * @return the assertion
	 */
	public RunAssert assertThat(String runId) {
		RunView run = await(runId);
		return new RunAssert(run, this.runs.steps(runId),
				this.reviews.list(ReviewQuery.all().withRunId(runId).withPage(0, ReviewQuery.MAX_SIZE)).reviews());
	}

	/**
	 * Exports a run and reads it back, as a file exported from production would be.
	 * @param runId the run
	 * @return the recorded run
	 */
	public RecordedRun export(String runId) {
		return RecordedRun.parse(runId, this.runs.export(runId), this.mapper);
	}

	/**
	 * Replays a recorded run against the current code, every step answered from the
	 * record and nothing written: passes if the code calls the recorded steps in order
	 * and ends as the run did (or calls a new step where the record ends), fails with the
	 * position where it departs. A run recorded under a plan version the code does not
	 * serve (its current one, or one named in {@link RecordedRun#servedVersions()}) is
	 * skipped as a JUnit assumption.
	 * @param run the recorded run
	 */
	public void assertReplays(RecordedRun run) {
		Replay replay = this.engine.replay(run.run(), run.steps(), run.servedVersions());
		if (replay.outcome() == Replay.Outcome.SKIPPED) {
			Assumptions.abort(replay.message());
		}
		if (replay.outcome() == Replay.Outcome.DEPARTED) {
			throw new AssertionError("Recorded run " + run + " does not replay against this code after "
					+ replay.replayed() + " of " + replay.recorded() + " steps: " + replay.message());
		}
	}

	private static <T> T waitFor(Supplier<T> condition, String what) {
		long deadline = System.nanoTime() + Duration.ofSeconds(WAIT_SECONDS).toNanos();
		while (true) {
			T value = condition.get();
			if (value != null) {
				return value;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Waited " + WAIT_SECONDS + " s for " + what);
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted while waiting for " + what, ex);
			}
		}
	}

}
