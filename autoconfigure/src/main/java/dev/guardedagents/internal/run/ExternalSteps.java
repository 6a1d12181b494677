package dev.guardedagents.internal.run;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.NonDeterministicRunException;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.guard.ToolGuard;
import io.github.resilience4j.core.functions.CheckedSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Steps whose body is not a bean method: the calls of a model and the tools the model
 * picks. Inside a run each call is a journaled step (replayed from the journal on resume,
 * never repeated); elsewhere it is only guarded. Internal: not API.
 */
public final class ExternalSteps {

	private final StepPipeline pipeline;

	private final BudgetGate budget;

	ExternalSteps(StepPipeline pipeline, BudgetGate budget) {
		this.pipeline = pipeline;
		this.budget = budget;
	}

	/**
	 * Calls a model as an {@link StepKind#LLM LLM} step.
	 * @param name the step name
	 * @param requested the model asked for, if the request names one
	 * @param input writes the request, only when the call is journaled (not when it is
	 * replayed or outside a run)
	 * @param guard the guard of the model
	 * @param body the call
	 * @param supplied turns the text a reviewer supplied for a call that failed (JSON)
	 * into a recorded response
	 * @return the response: recorded, or from the call
	 * @throws Throwable the failure of the call, or recorded
	 */
	public Outcome model(String name, @Nullable String requested, Supplier<ModelRequest> input, ToolGuard guard,
			ModelCall body, UnaryOperator<String> supplied) throws Throwable {
		return this.pipeline.run(new StepBody.Model(name, requested, input, guard, body, supplied));
	}

	/**
	 * Calls a tool the model picked as a {@link StepKind#TOOL TOOL} step.
	 * @param name the tool name
	 * @param input the arguments the model gave, as JSON
	 * @param guard the guard of the tool
	 * @param body the call, returning the tool's answer to the model
	 * @return the answer: recorded, or from the call
	 * @throws Throwable the failure of the call, or recorded
	 */
	public @Nullable String tool(String name, String input, ToolGuard guard, ToolCall body) throws Throwable {
		return this.pipeline.run(new StepBody.ModelTool(name, input, guard, body));
	}

	/**
	 * Returns the cheaper model the next model call of this thread's run goes to, when
	 * its budget degraded it.
	 * @return the model, or {@code null} to call the model asked for
	 */
	public @Nullable String degradeTo() {
		Execution execution = RunContextHolder.execution();
		return (execution != null && !execution.inStep()) ? this.budget.degradeTo(execution) : null;
	}

	/**
	 * Reports that the model step just answered from the journal recorded another prompt
	 * than the one the code sends now. A check of a recorded run against the code
	 * ({@link RunEngine#replay}) departs there; a resumed run goes on with the recorded
	 * response.
	 * @param what the recorded prompt and the one sent now
	 * @throws NonDeterministicRunException when the run is only checked
	 */
	public void promptChanged(String what) {
		Execution execution = RunContextHolder.execution();
		if (execution != null && execution.isReplayOnly()) {
			NonDeterministicRunException changed = new NonDeterministicRunException("Run " + execution.runId() + " ("
					+ execution.runName() + ") recorded step " + execution.stepCount() + " with " + what
					+ "; a resumed run replays the recorded response and its later model calls get the new text");
			execution.poison(changed, execution.stepCount());
			throw changed;
		}
	}

	/**
	 * Whether a streamed model call in a run holds its chunks until its output passed the
	 * step policies, because one of them may stop model outputs.
	 * @return {@code false} when chunks reach the caller as they come
	 */
	public boolean holdsStreams() {
		return this.pipeline.holdsModelStreams();
	}

	/**
	 * Takes the run this thread executes, outside any step, to the threads a streamed
	 * model call continues on: Spring AI streams on Reactor's threads and runs the tools
	 * the model picks there, while the run's own thread waits for the stream to end.
	 * @return the run, or {@code null} when calls made now are not journaled
	 */
	public @Nullable Carried carry() {
		Execution execution = RunContextHolder.execution();
		return (execution != null && !execution.inStep()) ? new Carried(execution) : null;
	}

	/**
	 * A run taken to another thread ({@link #carry()}): its calls there are steps of the
	 * run, journaled and replayed as on the run's own thread. Its thread waits for them,
	 * so the run is executed by one thread at a time.
	 */
	public static final class Carried {

		/**
		 * How long the run's thread waits, when it stops waiting for a stream early, for
		 * the calls the stream is making to end.
		 */
		private static final Duration DRAIN = Duration.ofSeconds(30);

		private final Execution execution;

		private int calling;

		private boolean closed;

		Carried(Execution execution) {
			this.execution = execution;
		}

		/**
		 * Ends the carrying once the run's thread no longer waits for the stream: a call
		 * still in progress is waited for (up to 30 seconds; past them the run's thread
		 * stops at its next step, as for a lost run), and a call made later stops with
		 * the signal of a run this execution no longer executes.
		 */
		public void close() {
			boolean interrupted = Thread.interrupted();
			long deadline = System.nanoTime() + DRAIN.toNanos();
			synchronized (this) {
				this.closed = true;
				long left;
				while (this.calling > 0 && (left = deadline - System.nanoTime()) > 0) {
					try {
						TimeUnit.NANOSECONDS.timedWait(this, left);
					}
					catch (InterruptedException ex) {
						interrupted = true;
					}
				}
				if (this.calling > 0) {
					this.execution.carriedSignal(RunSignal.lost(this.execution.runId()));
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}

		/**
		 * Calls a body as the run's thread: its model calls and tools are steps of the
		 * run. A signal that stops the run here (it parks for a review, was cancelled,
		 * lost its lease) is kept for the run's thread, which may only see it wrapped by
		 * Reactor.
		 * @param <T> the result type
		 * @param body the body
		 * @return its result
		 * @throws Throwable what the body threw
		 */
		public <T> T call(CheckedSupplier<T> body) throws Throwable {
			synchronized (this) {
				if (this.closed) {
					throw RunSignal.lost(this.execution.runId());
				}
				this.calling++;
			}
			Execution previous = RunContextHolder.bind(this.execution);
			try {
				return body.get();
			}
			catch (RunSignal signal) {
				this.execution.carriedSignal(signal);
				throw signal;
			}
			finally {
				RunContextHolder.bind(previous);
				synchronized (this) {
					this.calling--;
					notifyAll();
				}
			}
		}

	}

	/**
	 * The response of a step.
	 *
	 * @param output the response as JSON
	 * @param usage what a model call used
	 * @param replayed whether the response was read from the journal
	 */
	public record Outcome(String output, @Nullable ModelUsage usage, boolean replayed) {
	}

	/**
	 * The body of a model call.
	 */
	@FunctionalInterface
	public interface ModelCall {

		/**
		 * Calls the model.
		 * @return the response and what the call used
		 * @throws Exception when the call fails
		 */
		Result call() throws Exception;

		/**
		 * The response of a model call.
		 *
		 * @param output the response as JSON
		 * @param usage the model, prompt, tokens and cost
		 */
		record Result(String output, @Nullable ModelUsage usage) {
		}

	}

	/**
	 * The body of a tool call.
	 */
	@FunctionalInterface
	public interface ToolCall {

		/**
		 * Calls the tool.
		 * @return its answer to the model
		 * @throws Exception when the call fails
		 */
		String call() throws Exception;

	}

}
