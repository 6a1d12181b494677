package dev.guardedagents;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Thrown to the synchronous caller of an {@link AgentRun} method whose run parked: at a
 * {@link HumanCheckpoint} (it waits for the review and resumes on its own once decided),
 * or asleep ({@link RunContext#sleep(Duration)}: it resumes on its own once the time has
 * passed, on any instance), or waiting for a message
 * ({@link RunContext#receive(String, Class, Duration)}) or for a child run
 * ({@link RunContext#await(RunHandle)}). Either way it holds no thread; its result comes
 * through {@link AgentRuns#handle(String)}.
 */
public class RunSuspendedException extends RuntimeException {

	private final String runId;

	private final @Nullable String reviewId;

	private final @Nullable Instant wakeAt;

	private final @Nullable String childRunId;

	/**
	 * Creates a new instance for a run that waits for a review.
	 * @param runId the run that waits
	 * @param reviewId the review it waits for
	 */
	public RunSuspendedException(String runId, String reviewId) {
		super("Run " + runId + " waits for review " + reviewId);
		this.runId = runId;
		this.reviewId = reviewId;
		this.wakeAt = null;
		this.childRunId = null;
	}

	/**
	 * Creates a new instance for a run that sleeps.
	 * @param runId the run that sleeps
	 * @param wakeAt when it wakes
	 */
	public RunSuspendedException(String runId, Instant wakeAt) {
		super("Run " + runId + " sleeps until " + wakeAt);
		this.runId = runId;
		this.reviewId = null;
		this.wakeAt = wakeAt;
		this.childRunId = null;
	}

	private RunSuspendedException(String runId, String childRunId, Void child) {
		super("Run " + runId + " waits for child run " + childRunId);
		this.runId = runId;
		this.reviewId = null;
		this.wakeAt = null;
		this.childRunId = childRunId;
	}

	/**
	 * Creates a new instance for a run that waits for a child run to end.
	 * @param runId the run that waits
	 * @param childRunId the child run it waits for
	 * @return the exception
	 */
	public static RunSuspendedException awaiting(String runId, String childRunId) {
		return new RunSuspendedException(runId, childRunId, null);
	}

	/**
	 * Returns the id of the waiting run.
	 * @return the run id
	 */
	public String getRunId() {
		return this.runId;
	}

	/**
	 * Returns the id of the review the run waits for.
	 * @return the review id, or {@code null} for a run that waits for something else
	 */
	public @Nullable String getReviewId() {
		return this.reviewId;
	}

	/**
	 * Returns the child run a run waits for.
	 * @return the child's run id, or {@code null} for a run that waits for something else
	 */
	public @Nullable String getChildRunId() {
		return this.childRunId;
	}

	/**
	 * Returns when a sleeping run wakes.
	 * @return the wake time, or {@code null} for a run that waits for a review or a child
	 */
	public @Nullable Instant getWakeAt() {
		return this.wakeAt;
	}

}
