package dev.guardedagents;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import dev.guardedagents.internal.run.RunContextHolder;

import org.springframework.core.ParameterizedTypeReference;

/**
 * What the current thread knows about the run it executes: available in the
 * {@link AgentRun} method and in the body of each {@link GuardedTool} step it calls; and
 * steps without a bean: {@link #step(String, Supplier, Object[]) lambdas}, {@link #now()}
 * and {@link #randomUUID()}, journaled and replayed.
 */
public interface RunContext {

	/**
	 * The step name of {@link #now()}.
	 */
	String NOW = "RunContext.now";

	/**
	 * The step name of {@link #randomUUID()}.
	 */
	String RANDOM_UUID = "RunContext.randomUUID";

	/**
	 * The step name of {@link #sleep(Duration)}, whose output is the wake time.
	 */
	String SLEEP = "RunContext.sleep";

	/**
	 * The step name of {@link #receive(String, Class, Duration)}, whose output is the
	 * message received, or {@code null} when the time ran out.
	 */
	String RECEIVE = "RunContext.receive";

	/**
	 * The step name of the deadline of {@link #receive(String, Class, Duration)}, whose
	 * output is the time the run stops waiting.
	 */
	String RECEIVE_DEADLINE = "RunContext.receive.deadline";

	/**
	 * The step name of {@link #await(RunHandle)}, whose output is how the child run ended
	 * and whose usage is what it spent.
	 */
	String AWAIT = "RunContext.await";

	/**
	 * Returns the id of the run.
	 * @return the run id
	 */
	String runId();

	/**
	 * Returns the name of the run.
	 * @return the run name
	 */
	String runName();

	/**
	 * Returns the stable idempotency key of the step being executed, {@code runId/seq}.
	 * It is the same when the step executes again after a crash, so pass it to external
	 * APIs that accept an idempotency key.
	 * @return the step's idempotency key
	 * @throws IllegalStateException if called outside a step body
	 */
	String stepIdempotencyKey();

	/**
	 * Runs a lambda as a step of the run executing on this thread, with the semantics of
	 * a {@link GuardedTool} method: guarded by the settings of its name
	 * ({@code guarded-agents.tools.<name>.*}), journaled with its result (as JSON) or
	 * failure, and on replay answered from the journal without running the lambda. Use it
	 * for what varies inside a plan (a clock, a random id, a quick lookup) without a bean
	 * of its own. Outside a run, or inside another step, the lambda is called as it is.
	 * <p>
	 * The result is read back as the class Java infers for {@code T} (a record, a
	 * {@code String}, ...); for a generic type use
	 * {@link #step(String, ParameterizedTypeReference, Supplier)}.
	 * @param <T> the result type
	 * @param name the step name, as journaled and as configured
	 * @param body the lambda
	 * @param reified leave empty: Java passes an empty array whose type says what
	 * {@code T} is
	 * @return the lambda's result, recorded or new
	 * @throws IllegalArgumentException if {@code T} is generic (a {@code List<Order>})
	 */
	@SafeVarargs
	@SuppressWarnings("unchecked")
	static <T> T step(String name, Supplier<T> body, T... reified) {
		Class<?> type = reified.getClass().getComponentType();
		if (type.getTypeParameters().length > 0) {
			throw new IllegalArgumentException("RunContext.step(\"" + name + "\", ...) returns a generic "
					+ type.getSimpleName() + ", which cannot be read back from the journal as such; use step(\"" + name
					+ "\", new ParameterizedTypeReference<" + type.getSimpleName() + "<...>>() {}, ...)");
		}
		return (T) RunContextHolder.step(name, type, body);
	}

	/**
	 * Runs a lambda as a step whose result is read back as the given class; see
	 * {@link #step(String, Supplier, Object[])}.
	 * @param <T> the result type
	 * @param name the step name
	 * @param type the result's class
	 * @param body the lambda
	 * @return the lambda's result, recorded or new
	 */
	static <T> T step(String name, Class<T> type, Supplier<? extends T> body) {
		return type.cast(RunContextHolder.step(name, type, body));
	}

	/**
	 * Runs a lambda as a step whose result is read back as the given generic type; see
	 * {@link #step(String, Supplier, Object[])}.
	 * @param <T> the result type
	 * @param name the step name
	 * @param type the result's type, such as {@code new
	 * ParameterizedTypeReference<List<Order>>() {}}
	 * @param body the lambda
	 * @return the lambda's result, recorded or new
	 */
	@SuppressWarnings("unchecked")
	static <T> T step(String name, ParameterizedTypeReference<T> type, Supplier<? extends T> body) {
		return (T) RunContextHolder.step(name, type.getType(), body);
	}

	/**
	 * Returns the current instant as a recorded value: the clock of runs (the system
	 * clock, or a test's) is read once, journaled as the step {@value #NOW}, and a replay
	 * returns the same instant.
	 * @return the instant, recorded or new
	 */
	static Instant now() {
		return RunContextHolder.now();
	}

	/**
	 * Returns a random UUID as a recorded value, journaled as the step
	 * {@value #RANDOM_UUID}; a replay returns the same UUID.
	 * @return the UUID, recorded or new
	 */
	static UUID randomUUID() {
		return step(RANDOM_UUID, UUID.class, UUID::randomUUID);
	}

	/**
	 * Lets the run sleep for a while without holding a thread: the wake time is journaled
	 * as the step {@value #SLEEP}, the run waits in the database ({@code WAITING}, owned
	 * by no instance), and once the time has passed the recovery of any instance resumes
	 * it, replaying the steps before and going on after the sleep. It survives restarts
	 * and deploys; it wakes on time while the instance that put it to sleep lives, and
	 * otherwise at the next recovery scan of any instance after the time
	 * ({@code guarded-agents.recovery.scan-interval}). A cancel ends a sleeping run.
	 * <p>
	 * The sleep is measured on the clock of runs (a test's clock in tests). A synchronous
	 * caller of the plan gets {@link RunSuspendedException}; the result comes through
	 * {@link AgentRuns#handle(String)}. Outside a run, or inside a step's body, the
	 * thread sleeps as {@link Thread#sleep(long)} does (an interrupt ends the sleep early
	 * and leaves the thread's interrupt flag set).
	 * @param duration how long to sleep, from zero to 36,500 days
	 * @throws IllegalArgumentException if the duration is negative or longer
	 */
	static void sleep(Duration duration) {
		RunContextHolder.sleep(duration);
	}

	/**
	 * Receives a message sent to this run on a topic ({@link AgentRuns#send}), waiting
	 * for one without holding a thread: the oldest message on the topic that the run has
	 * not received yet, also one sent before the run got here. Each message is received
	 * once: the step {@value #RECEIVE} records it, and a replay or a run resumed after a
	 * crash gets the same message again (from the journal, or as the message this step
	 * already took) and never a second one. The deadline is journaled first as the step
	 * {@value #RECEIVE_DEADLINE}, so a run that waits across restarts keeps its first
	 * deadline.
	 * <p>
	 * With no message yet, the run waits in the database ({@code WAITING}, owned by no
	 * instance, holding no thread) until a message on the topic arrives, which wakes it
	 * at once on the sender's instance, or until the deadline, which wakes it as
	 * {@link #sleep(Duration)} does. A timeout is an outcome, not an exception: an empty
	 * result, journaled as such. A synchronous caller of the plan gets
	 * {@link RunSuspendedException}; a cancel ends a waiting run.
	 * @param <T> the payload's type
	 * @param topic the topic, 1 to 200 characters
	 * @param type the type the payload is read as (JSON, as a step's result)
	 * @param timeout how long to wait at most, from zero (take a message only if one is
	 * there) to 36,500 days
	 * @return the payload, or empty when no message came in time
	 * @throws IllegalStateException outside the plan of a run (in a step's body, say)
	 * @throws IllegalArgumentException if the topic or timeout is out of range
	 */
	static <T> Optional<T> receive(String topic, Class<T> type, Duration timeout) {
		return Optional.ofNullable(type.cast(RunContextHolder.receive(topic, type, timeout)));
	}

	/**
	 * Waits for a child run to end and returns its result. A child run is one the plan
	 * started with {@link AgentRuns#start(Supplier)}: in a plan, the start is a step
	 * ({@link StepKind#CHILD}, named after the child's plan) whose replay returns the
	 * same child instead of starting another. The wait is journaled as the step
	 * {@value #AWAIT}, with how the child ended and what it spent (its tokens and cost,
	 * its own children's included), which counts against this run's budget there, once: a
	 * budget the children's spend takes past its cap halts, degrades or escalates as the
	 * budget says.
	 * <p>
	 * While the child runs, this run waits in the database ({@code WAITING}, owned by no
	 * instance, holding no thread) and the child's end wakes it, on any instance, across
	 * restarts. A synchronous caller of the plan gets {@link RunSuspendedException}.
	 * Cancelling this run, or its failure, cancels its children that have not ended (and
	 * compensates them).
	 * @param <T> the child's result type
	 * @param child the child, as {@link AgentRuns#start(Supplier)} returned it (another
	 * run's handle works too: its end wakes this run at the next recovery scan, and its
	 * spend is not counted)
	 * @return the child's result
	 * @throws RunFailedException if the child failed or was cancelled (then its error
	 * type is {@link RunCancelledException}'s name)
	 * @throws RunNotFoundException if the child was purged before it was awaited
	 * @throws IllegalStateException outside the plan of a run (in a step's body, say)
	 */
	@SuppressWarnings("unchecked")
	static <T> T await(RunHandle<T> child) {
		return (T) RunContextHolder.await(child);
	}

	/**
	 * Returns the context of the run executing on this thread.
	 * @return the current run context
	 * @throws IllegalStateException if this thread is not executing a run
	 */
	static RunContext current() {
		return find().orElseThrow(() -> new IllegalStateException(
				"No agent run is executing on this thread; RunContext is available inside @AgentRun methods and the @GuardedTool steps they call"));
	}

	/**
	 * Returns the context of the run executing on this thread, if any.
	 * @return the current run context, or empty outside a run
	 */
	static Optional<RunContext> find() {
		return Optional.ofNullable(RunContextHolder.current());
	}

}
