package dev.guardedagents;

/**
 * Thrown to the synchronous caller of an {@link AgentRun} method whose run parked at a
 * {@link HumanCheckpoint}: the run waits for the review, holding no thread, and resumes
 * on its own once decided.
 */
public class RunSuspendedException extends RuntimeException {

	private final String runId;

	private final String reviewId;

	/**
	 * Creates a new instance.
	 * @param runId the run that waits
	 * @param reviewId the review it waits for
	 */
	public RunSuspendedException(String runId, String reviewId) {
		super("Run " + runId + " waits for review " + reviewId);
		this.runId = runId;
		this.reviewId = reviewId;
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
	 * @return the review id
	 */
	public String getReviewId() {
		return this.reviewId;
	}

}
