package dev.guardedagents.internal.run;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

import dev.guardedagents.RunContext;
import dev.guardedagents.RunHandle;
import dev.guardedagents.StepFailedException;
import org.jspecify.annotations.Nullable;

/**
 * Holds the run executing on the current thread. Internal: use
 * {@link RunContext#current()}.
 */
public final class RunContextHolder {

	private static final ThreadLocal<Execution> current = new ThreadLocal<>();

	/**
	 * The longest sleep: its wake time stays far inside what the databases can store.
	 */
	static final Duration LONGEST_SLEEP = Duration.ofDays(36_500);

	private RunContextHolder() {
	}

	/**
	 * Returns the context of the run executing on this thread.
	 * @return the context, or {@code null} outside a run
	 */
	public static @Nullable RunContext current() {
		return current.get();
	}

	/**
	 * Runs a lambda as a step of the run executing on this thread: journaled and guarded
	 * by its name, replayed from the journal; outside a run, or inside another step, it
	 * is called as it is.
	 * @param name the step name
	 * @param resultType the type its result is read back as
	 * @param body the lambda
	 * @return its result, recorded or new
	 */
	public static @Nullable Object step(String name, Type resultType, Supplier<?> body) {
		Execution execution = current.get();
		if (execution == null) {
			return body.get();
		}
		try {
			return execution.lambdaStep(name, resultType, body);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/**
	 * Reads the clock of the run executing on this thread once, as the step
	 * {@value RunContext#NOW}; outside a run, the system clock.
	 * @return the instant, recorded or new
	 */
	public static Instant now() {
		Execution execution = current.get();
		return (Instant) Objects
			.requireNonNull(step(RunContext.NOW, Instant.class, (execution != null) ? execution::now : Instant::now));
	}

	/**
	 * Lets the run executing on this thread sleep without holding the thread; outside a
	 * run, or inside a step, the thread sleeps.
	 * @param duration how long
	 */
	public static void sleep(Duration duration) {
		if (duration.isNegative() || duration.compareTo(LONGEST_SLEEP) > 0) {
			throw new IllegalArgumentException(
					"RunContext.sleep takes a duration from zero to " + LONGEST_SLEEP.toDays() + " days, was "
							+ duration + "; for longer waits, sleep in a loop of shorter ones");
		}
		Execution execution = current.get();
		if (execution == null || execution.inStep()) {
			try {
				Thread.sleep(duration.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return;
		}
		try {
			execution.sleep(duration);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/**
	 * Receives a message on a topic in the run executing on this thread, or lets it wait
	 * for one without holding the thread.
	 * @param topic the topic
	 * @param type the payload's type
	 * @param timeout how long the run waits at most
	 * @return the payload, or {@code null} when the time ran out
	 * @throws IllegalStateException outside a run's plan
	 */
	public static @Nullable Object receive(String topic, Type type, Duration timeout) {
		Receives.checkTopic(topic);
		if (timeout.isNegative() || timeout.compareTo(LONGEST_SLEEP) > 0) {
			throw new IllegalArgumentException("RunContext.receive waits from zero to " + LONGEST_SLEEP.toDays()
					+ " days, was " + timeout + "; for longer waits, receive in a loop of shorter ones");
		}
		Execution execution = current.get();
		if (execution == null || execution.inStep()) {
			throw new IllegalStateException("RunContext.receive waits for a message to a run: call it in the plan of "
					+ "an @AgentRun method, not " + ((execution == null) ? "outside a run" : "inside a step"));
		}
		try {
			return execution.receive(topic, type, timeout);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/**
	 * Returns how a child run ended in the run executing on this thread, or lets it wait
	 * for the child's end without holding the thread.
	 * @param child the child run
	 * @return the child's result
	 * @throws IllegalStateException outside a run's plan
	 */
	public static @Nullable Object await(RunHandle<?> child) {
		Execution execution = current.get();
		if (execution == null || execution.inStep()) {
			throw new IllegalStateException("RunContext.await waits for a child run: call it in the plan of an "
					+ "@AgentRun method, not " + ((execution == null) ? "outside a run" : "inside a step")
					+ "; elsewhere, use RunHandle.await(timeout)");
		}
		Type type = (child instanceof DefaultAgentRuns.Typed typed) ? typed.returnType() : Object.class;
		try {
			return execution.await(child.runId(), type);
		}
		catch (Throwable ex) {
			throw unchecked(ex);
		}
	}

	/**
	 * Rethrows what the engine threw to a plan's {@code RunContext} call: unchecked as it
	 * is, a checked exception as {@link StepFailedException} (those calls declare none).
	 */
	private static RuntimeException unchecked(Throwable thrown) {
		if (thrown instanceof Error error) {
			throw error;
		}
		return (thrown instanceof RuntimeException runtime) ? runtime
				: new StepFailedException(thrown.getClass().getName(), String.valueOf(thrown.getMessage()));
	}

	static @Nullable Execution execution() {
		return current.get();
	}

	static @Nullable Execution bind(@Nullable Execution execution) {
		Execution previous = current.get();
		if (execution != null) {
			current.set(execution);
		}
		else {
			current.remove();
		}
		RunMdc.run(execution, previous);
		return previous;
	}

}
