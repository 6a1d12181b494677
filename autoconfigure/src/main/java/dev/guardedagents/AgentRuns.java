package dev.guardedagents;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Starts, finds and cancels agent runs. An instance is available as a bean.
 *
 * <pre class="code">
 * RunHandle&lt;Outcome&gt; handle = agentRuns.start(() -&gt; desk.handle(ticket));
 * Outcome outcome = handle.await(Duration.ofMinutes(1));
 * </pre>
 */
public interface AgentRuns {

	/**
	 * Starts a run asynchronously on the run executor. The call must invoke exactly one
	 * {@link AgentRun} method through its bean; that invocation returns {@code null} (or
	 * the default of a primitive) to the lambda instead of running. The arguments are
	 * stored before this method returns.
	 * <p>
	 * Called in the plan of a run (not in a step's body), it starts a child run of that
	 * run: a step of kind {@link StepKind#CHILD} whose replay returns the same child
	 * instead of starting another; wait for it with {@link RunContext#await(RunHandle)},
	 * which counts its spend in the parent's budget. A cancelled or failed parent cancels
	 * its children that have not ended. A child has no idempotency key: the parent's step
	 * starts it once.
	 * @param <T> the result type of the run
	 * @param call a call of an {@link AgentRun} method
	 * @return a handle on the run (the existing run when its idempotency key was used
	 * before)
	 * @throws IllegalArgumentException if the call invokes no {@link AgentRun} method
	 * @throws RunArgumentException if an argument cannot be stored as JSON
	 * @throws org.springframework.core.task.TaskRejectedException if the run executor's
	 * queue is full; nothing was recorded (a child run is recorded then, and started by
	 * recovery)
	 */
	<T> RunHandle<T> start(Supplier<T> call);

	/**
	 * Starts a run of a {@code void} {@link AgentRun} method asynchronously.
	 * @param call a call of an {@link AgentRun} method
	 * @return a handle on the run
	 * @see #start(Supplier)
	 */
	RunHandle<Void> start(Runnable call);

	/**
	 * Finds a run by id.
	 * @param runId the run id
	 * @return the run, or empty if there is no run with that id
	 */
	Optional<RunView> find(String runId);

	/**
	 * Lists the journaled steps of a run in order.
	 * @param runId the run id
	 * @return the steps, empty if the run has none or does not exist
	 */
	List<StepView> steps(String runId);

	/**
	 * Returns a handle on an existing run, to read its status or await its result.
	 * @param runId the run id
	 * @return the handle, or empty if there is no run with that id
	 */
	Optional<RunHandle<Object>> handle(String runId);

	/**
	 * Cancels a run that has not finished. A run executing on some instance stops at its
	 * next step boundary; its result, if it still produces one, is not recorded. Its
	 * pending reviews are closed in the same transaction, and its completed steps with
	 * compensations are compensated. Application code calls this as it sees fit; the
	 * {@code agentruns} endpoint lets only operators
	 * ({@code guarded-agents.security.operators}) cancel.
	 * @param runId the run id
	 * @return {@code true} if the run was cancelled, {@code false} if it had already
	 * finished
	 * @throws RunNotFoundException if there is no run with that id
	 * @throws RunNotCancellableException if a reviewer approved what the run waited for
	 * and it is resuming to act on the approval, or if it is being compensated already
	 */
	boolean cancel(String runId);

	/**
	 * Cancels a run that has not finished, as {@link #cancel(String)} does, and journals
	 * the cancellation with who did it (shown under {@code actions} in the run's detail).
	 * The {@code agentruns} endpoint cancels with the operator's name.
	 * @param runId the run id
	 * @param actor who cancels it
	 * @return {@code true} if the run was cancelled, {@code false} if it had already
	 * finished
	 * @throws RunNotFoundException if there is no run with that id
	 * @throws RunNotCancellableException as for {@link #cancel(String)}
	 */
	default boolean cancel(String runId, String actor) {
		return cancel(runId);
	}

	/**
	 * Retries a failed run from where it failed: it is {@code RUNNING} again and any
	 * instance resumes it at once; the steps it completed replay from the journal, a
	 * failed last step is set aside (kept in the run's history) and runs again, and its
	 * recoveries count from zero, so a run stopped by the recovery limit goes on as well.
	 * The retry is journaled with who did it. Fix the cause first: a step that fails the
	 * same way fails the run again. The {@code agentruns} endpoint lets only operators
	 * retry ({@code POST /actuator/agentruns/{runId}/retry}).
	 * @param runId the run id
	 * @param actor who retries it
	 * @return the run as the retry left it: {@code RUNNING}, resumed by recovery next
	 * @throws RunNotFoundException if there is no run with that id
	 * @throws RunNotRetryableException if it did not fail, or failed and was compensated
	 */
	default RunView retry(String runId, String actor) {
		throw new UnsupportedOperationException(getClass().getName() + " does not retry runs");
	}

	/**
	 * Forks a run from one of its steps into a new run of the same plan, arguments and
	 * business key: the steps before {@code fromStep} are copied and replay, the rest
	 * runs with the current code (a changed prompt, a fixed tool), and any instance
	 * resumes it at once. The source run is left as it is; the fork is journaled on both
	 * runs with who did it. Side effects of copied steps are not made again; those of the
	 * steps that run again are (idempotency keys of the new run's own). ({@code POST
	 * /actuator/agentruns/{runId}/fork} with {@code {"fromStep": n}} for operators.)
	 * @param runId the run to fork
	 * @param fromStep the first step the fork executes, from 1 to the run's step count
	 * plus one
	 * @param actor who forks it
	 * @return the new run
	 * @throws RunNotFoundException if there is no run with that id
	 * @throws IllegalArgumentException if the step is out of range
	 */
	default RunView fork(String runId, int fromStep, String actor) {
		throw new UnsupportedOperationException(getClass().getName() + " does not fork runs");
	}

	/**
	 * Retries the failed runs of a plan, each as {@link #retry(String, String)} does, the
	 * ones that failed first first; runs that were compensated are left alone.
	 * ({@code POST /actuator/agentruns} for operators.)
	 * @param name the plan's run name
	 * @param errorType only runs that failed with this error type (a class name, or
	 * {@code dev.guardedagents.RecoveryLimitExceeded}), or {@code null} for all
	 * @param limit how many runs at most, 1 to 200
	 * @param actor who retries them
	 * @return the ids of the runs retried
	 */
	default List<String> retryFailed(String name, @Nullable String errorType, int limit, String actor) {
		throw new UnsupportedOperationException(getClass().getName() + " does not retry runs");
	}

	/**
	 * Sends a message to a run, for its plan to receive on the topic
	 * ({@link RunContext#receive(String, Class, java.time.Duration)}): a webhook's
	 * payload, a follow-up from another system. The message is kept in the journal, also
	 * when the run does not wait for it yet or no instance is up to resume it, and
	 * received once: by the first receive on its topic that takes it. A run that waits on
	 * the topic wakes at once. Messages to one run on one topic are received in the order
	 * they were sent.
	 * @param runId the run id
	 * @param topic the topic, 1 to 200 characters
	 * @param payload the payload, written as JSON (at most
	 * {@code guarded-agents.journal.max-payload-size})
	 * @return {@code true}, the message was kept
	 * @throws RunNotFoundException if there is no run with that id
	 * @throws RunNotReceivingException if the run has finished
	 * @throws IllegalArgumentException if the topic is out of range or the payload does
	 * not write as JSON
	 * @throws PayloadTooLargeException if the payload is over the journal's limit
	 */
	default boolean send(String runId, String topic, Object payload) {
		return send(runId, topic, payload, null, null);
	}

	/**
	 * Sends a message to a run as {@link #send(String, String, Object)} does, once per
	 * key: a message with a key the run already has is not kept again, so a sender that
	 * retries (a webhook delivered twice) delivers it exactly once. The {@code agentruns}
	 * endpoint sends for operators ({@code POST /actuator/agentruns/{runId}/messages}
	 * with {@code {"topic": ..., "payload": ..., "key": ...}}), journaled as an action
	 * with the operator's name.
	 * @param runId the run id
	 * @param topic the topic, 1 to 200 characters
	 * @param payload the payload, written as JSON
	 * @param key the message's key, 1 to 200 characters, or {@code null}
	 * @param actor who sends it, journaled as an action of the run, or {@code null} for
	 * the application
	 * @return {@code true} if the message was kept, {@code false} if the run already had
	 * one with this key
	 * @throws RunNotFoundException if there is no run with that id
	 * @throws RunNotReceivingException if the run has finished
	 * @throws IllegalArgumentException if the topic or key is out of range or the payload
	 * does not write as JSON
	 * @throws PayloadTooLargeException if the payload is over the journal's limit
	 */
	default boolean send(String runId, String topic, Object payload, @Nullable String key, @Nullable String actor) {
		throw new UnsupportedOperationException(getClass().getName() + " does not send messages");
	}

	/**
	 * Erases a finished run with every row that belongs to it: its steps, its reviews and
	 * their decisions, the idempotency keys it claimed, and the run itself, in one
	 * transaction. For requests to erase personal data: nothing of the run can be read,
	 * awaited or replayed afterwards. The {@code agentruns} endpoint lets only operators
	 * purge ({@code DELETE /actuator/agentruns/{runId}?purge=true}).
	 * @param runId the run id
	 * @return how many rows were deleted, in every table
	 * @throws RunNotFoundException if there is no run with that id
	 * @throws RunNotFinishedException if it is running, waiting or being compensated
	 */
	int purge(String runId);

	/**
	 * Exports a run with its steps as JSON, for a test that replays recorded runs against
	 * new code ({@code guarded-agents-test}'s {@code @ReplayRuns}): the run as
	 * {@link RunView}, its steps as {@link StepView}s and the messages sent to it (topic,
	 * key, payload, who sent it, when, and the position of the receive that took it),
	 * payloads as stored (decrypted, not redacted: treat the file as the journal itself).
	 * @param runId the run id
	 * @return {@code {"format":"guarded-agents-run/1","run":{...},"steps":[...],"messages":[...]}}
	 * @throws RunNotFoundException if there is no run with that id
	 */
	String export(String runId);

}
