package dev.guardedagents;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A handle on a run started with {@link AgentRuns#start(java.util.function.Supplier)}.
 *
 * @param <T> the result type of the run
 */
public interface RunHandle<T> {

	/**
	 * Returns the id of the run.
	 * @return the run id
	 */
	String runId();

	/**
	 * Returns the current status of the run, as recorded.
	 * @return the status
	 */
	RunStatus status();

	/**
	 * Waits for the run to finish and returns its result.
	 * @param timeout how long to wait at most
	 * @return the result of the run
	 * @throws RunFailedException if the run failed
	 * @throws RunCancelledException if the run was cancelled
	 * @throws TimeoutException if the run did not finish in time; it goes on
	 * @throws InterruptedException if the waiting thread was interrupted
	 */
	T await(Duration timeout) throws TimeoutException, InterruptedException;

}
