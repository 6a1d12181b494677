package dev.guardedagents.run;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import dev.guardedagents.FailureMode;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewView;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.guard.Guarded;
import dev.guardedagents.guard.ToolGuard;
import org.jspecify.annotations.Nullable;

/**
 * Steps whose body is not a bean method: the calls of a model and the tools the model
 * picks. Inside a run each call is a journaled step (replayed from the journal on resume,
 * never repeated); elsewhere it is only guarded. Internal: not API.
 */
public final class ExternalSteps {

	private final RunEngine engine;

	/**
	 * Creates the steps over an engine.
	 * @param engine the engine
	 */
	public ExternalSteps(RunEngine engine) {
		this.engine = engine;
	}

	/**
	 * Calls a model as an {@link StepKind#LLM LLM} step.
	 * @param name the step name
	 * @param input writes the request as JSON, only when the call is journaled (not when
	 * it is replayed or outside a run)
	 * @param guard the guard of the model
	 * @param body the call
	 * @param supplied turns the text a reviewer supplied for a call that failed (JSON)
	 * into a recorded response
	 * @return the response: recorded, or from the call
	 * @throws Throwable the failure of the call, or recorded
	 */
	public Outcome model(String name, Supplier<String> input, ToolGuard guard, ModelCall body,
			UnaryOperator<String> supplied) throws Throwable {
		Execution execution = RunContextHolder.execution();
		if (execution == null || execution.inStep()) {
			Guarded outcome = guard.call(body::call);
			if (outcome.failure() != null) {
				throw outcome.failure();
			}
			ModelCall.Result result = (ModelCall.Result) outcome.result();
			return new Outcome(result.output(), result.usage(), false);
		}
		return step(execution, StepKind.LLM, name, input, guard, body, supplied);
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
	public String tool(String name, String input, ToolGuard guard, ToolCall body) throws Throwable {
		Execution execution = RunContextHolder.execution();
		if (execution == null || execution.inStep()) {
			return unjournaled(guard, body::call);
		}
		String[] answer = new String[1];
		Outcome outcome = step(execution, StepKind.TOOL, name, () -> input, guard, () -> {
			answer[0] = body.call();
			return new ModelCall.Result(this.engine.codec().writeBestEffort(answer[0]), null);
		}, UnaryOperator.identity());
		return (outcome.replayed() || answer[0] == null)
				? (String) this.engine.codec().readResult(outcome.output(), String.class) : answer[0];
	}

	/**
	 * Returns the cheaper model the next model call of this thread's run goes to, when
	 * its budget degraded it.
	 * @return the model, or {@code null} to call the model asked for
	 */
	public @Nullable String degradeTo() {
		Execution execution = RunContextHolder.execution();
		return (execution != null && !execution.inStep()) ? this.engine.budgetGate().degradeTo(execution) : null;
	}

	/**
	 * Whether this thread executes a run, outside any step.
	 * @return whether calls made now are journaled
	 */
	public boolean inRun() {
		Execution execution = RunContextHolder.execution();
		return execution != null && !execution.inStep();
	}

	private Outcome step(Execution execution, StepKind kind, String name, Supplier<String> request, ToolGuard guard,
			ModelCall body, UnaryOperator<String> supplied) throws Throwable {
		execution.stopIfCancelled();
		BudgetGate budget = this.engine.budgetGate();
		int next = budget.nextSeq(execution);
		StepView recorded = execution.recorded(next);
		if (recorded != null) {
			RunEngine.checkReplay(execution, recorded, kind, name);
			if (recorded.succeeded()) {
				return new Outcome(recorded.output(), recorded.usage(), true);
			}
			throw JsonCodec.recreate(recorded.errorType(), recorded.errorMessage());
		}
		if (execution.poison() != null) {
			throw execution.poison();
		}
		int seq = budget.admit(execution, kind, next);
		String input = request.get();
		boolean reviewed = guard.settings().onFailure() == FailureMode.HUMAN_REVIEW;
		if (reviewed) {
			ReviewView review = this.engine.parking().reviewAt(execution, seq, ReviewKind.TOOL_FAILURE);
			if (review != null) {
				String output = this.engine.toolReviews().decide(execution, seq, kind, name, input, review, supplied);
				if (output != null) {
					budget.spent(execution, kind, null);
					return new Outcome(output, null, true);
				}
			}
		}
		PolicyGate policies = this.engine.policyGate();
		Instant startedAt = this.engine.now();
		long start = System.nanoTime();
		PolicyGate.Decision decision = policies.decided(execution, seq);
		if (decision != null && decision.output() != null) {
			return recorded(execution, kind, name, seq, input, startedAt, start, 1, null,
					new ModelCall.Result(decision.output(), decision.usage()));
		}
		Throwable failure = (decision != null) ? decision.rejection()
				: policies.checkInput(execution, kind, name, seq, input);
		Guarded outcome = null;
		if (failure == null) {
			boolean interruptible = guard.settings().cancelInterrupts();
			this.engine.enterBody(execution, seq, interruptible);
			try {
				outcome = guard.call(interruptible ? () -> {
					// no attempt starts once the run is cancelled
					execution.stopIfCancelled();
					return body.call();
				} : body::call);
			}
			finally {
				execution.exitStep();
			}
			failure = outcome.failure();
		}
		String attemptErrors = (outcome == null || outcome.failedAttempts().isEmpty()) ? null
				: this.engine.codec().writeAttempts(outcome.failedAttempts());
		int attempts = (outcome != null) ? outcome.attempts() : 0;
		if (failure == null) {
			ModelCall.Result result = (ModelCall.Result) outcome.result();
			failure = policies.checkOutput(execution, kind, name, seq, input, result.output(), result.usage());
			if (failure == null) {
				return recorded(execution, kind, name, seq, input, startedAt, start, attempts, attemptErrors, result);
			}
		}
		Duration duration = RunEngine.since(start);
		this.engine.observer().stepExecuted(name, kind, "failed", duration);
		if (reviewed && !this.engine.isStopping()) {
			throw this.engine.toolReviews().open(execution, seq, kind, name, String.class, input, failure, attempts);
		}
		if (!this.engine.isStopping()) {
			this.engine.record(execution,
					new StepView(seq, kind, name, false, attempts, startedAt, duration, input, null,
							failure.getClass().getName(), failure.getMessage(), execution.stepKey(seq), false,
							attemptErrors));
			budget.spent(execution, kind, null);
		}
		if (guard.settings().onFailure() == FailureMode.FAIL_RUN) {
			throw RunSignal.failRun(execution.runId(), failure);
		}
		throw failure;
	}

	private Outcome recorded(Execution execution, StepKind kind, String name, int seq, String input, Instant startedAt,
			long start, int attempts, @Nullable String attemptErrors, ModelCall.Result result) {
		Duration duration = RunEngine.since(start);
		this.engine.observer().stepExecuted(name, kind, "success", duration);
		this.engine.record(execution, new StepView(seq, kind, name, true, attempts, startedAt, duration, input,
				result.output(), null, null, execution.stepKey(seq), false, attemptErrors, result.usage()));
		if (result.usage() != null) {
			this.engine.observer().modelCalled(execution.runName(), result.usage());
		}
		this.engine.budgetGate().spent(execution, kind, result.usage());
		return new Outcome(result.output(), result.usage(), false);
	}

	private static String unjournaled(ToolGuard guard, ToolCall body) throws Throwable {
		Guarded outcome = guard.call(body::call);
		if (outcome.failure() != null) {
			throw outcome.failure();
		}
		return (String) outcome.result();
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
