package dev.guardedagents.internal.run;

import java.lang.reflect.Type;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.guard.ToolGuard;
import dev.guardedagents.internal.redaction.Sensitivity;
import io.github.resilience4j.core.functions.CheckedSupplier;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * What a step runs, as the {@link StepPipeline} sees it. Every kind gets the same
 * protocol around its body (ownership check before it starts, guard, trace, journal,
 * metrics); what differs is declared here:
 *
 * <table>
 * <caption>What each kind of body gets</caption>
 * <tr>
 * <th>body</th>
 * <th>replay, cancel check, budget, policies, {@code on-failure}</th>
 * <th>idempotency key</th>
 * <th>transactional</th>
 * <th>fallback</th>
 * </tr>
 * <tr>
 * <td>{@link BeanMethod} (also a checkpoint's approved action)</td>
 * <td>yes</td>
 * <td>yes</td>
 * <td>yes</td>
 * <td>yes</td>
 * </tr>
 * <tr>
 * <td>{@link Model}</td>
 * <td>yes</td>
 * <td>no (the step key)</td>
 * <td>no</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@link ModelTool}</td>
 * <td>yes</td>
 * <td>no (the step key)</td>
 * <td>no</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@link Lambda}</td>
 * <td>yes</td>
 * <td>no (the step key)</td>
 * <td>no</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@link Child}</td>
 * <td>yes, but no {@code on-failure}: see below</td>
 * <td>no</td>
 * <td>no</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@link Compensation}</td>
 * <td>no: see below</td>
 * <td>no (a key of its own)</td>
 * <td>no</td>
 * <td>no</td>
 * </tr>
 * </table>
 *
 * A model call has no idempotency expression of its own (nothing of it is written twice:
 * a replay returns the recorded response), and nothing to commit with the journal. A
 * compensation runs after the plan stopped, at a position the plan never reaches: the
 * journal says how far compensating got, a budget or a policy that refused it would leave
 * the side effect it undoes in place, and its failure always goes to a reviewer
 * ({@link Compensations}). The steps of a child run are the engine's own, guarded by one
 * attempt without a circuit breaker: their bodies touch nothing outside the run (the
 * child is started, and its end read, around them, through the journal's outage
 * handling), and a child's failure is an outcome the step records, not a failure of it.
 *
 * @param <T> what the step answers its caller
 */
sealed interface StepBody<T> permits StepBody.Planned, StepBody.Compensation {

	StepKind kind();

	String name();

	ToolGuard guard();

	/**
	 * A step the plan calls: it takes the plan's next position, replays from the journal,
	 * and answers its caller.
	 *
	 * @param <T> what the step answers its caller
	 */
	sealed interface Planned<T> extends StepBody<T> permits BeanMethod, External {

		/**
		 * The type of the step's result, for the payload of a review of its failure.
		 */
		Type resultType();

		/**
		 * Writes the step's input as JSON, only when the step is journaled.
		 */
		String input(JsonCodec codec);

		/**
		 * Answers the caller from a recorded output: replayed, supplied by a reviewer, or
		 * approved by a policy reviewer.
		 */
		@Nullable T answer(JsonCodec codec, String output, @Nullable ModelUsage usage, boolean replayed);

		/**
		 * Answers the caller from the body's own result.
		 * @param value what the body returned
		 * @param output its result as JSON
		 * @param usage what a model call used
		 */
		@Nullable T executed(@Nullable Object value, @Nullable String output, @Nullable ModelUsage usage);

		/**
		 * Recreates a recorded failure for a replay.
		 */
		default Throwable recreate(String errorType, @Nullable String message) {
			return JsonCodec.recreate(errorType, message);
		}

		/**
		 * Turns the result a reviewer supplied for a failed step (JSON) into its recorded
		 * output.
		 */
		default String supplied(String result) {
			return result;
		}

	}

	/**
	 * A bean method: a {@code @GuardedTool}, or the approved action of a
	 * {@code @HumanCheckpoint}. Its guard may fall back; it may claim an idempotency key
	 * and run in a transaction with its journal row.
	 *
	 * @param invocation the call
	 * @param name the step name
	 * @param resultType the method's generic return type
	 * @param guard the tool's guard
	 * @param idempotencyKey the evaluated idempotency key, or {@code null}
	 * @param transactional whether the body and its journal row commit together
	 */
	record BeanMethod(MethodInvocation invocation, String name, Type resultType, ToolGuard guard,
			@Nullable String idempotencyKey, boolean transactional) implements Planned<Object> {

		@Override
		public StepKind kind() {
			return StepKind.TOOL;
		}

		@Override
		public String input(JsonCodec codec) {
			return codec.writeInput(this.invocation.getArguments(), Sensitivity.of(this.invocation));
		}

		@Override
		public @Nullable Object answer(JsonCodec codec, String output, @Nullable ModelUsage usage, boolean replayed) {
			return codec.readResult(output, this.resultType);
		}

		@Override
		public @Nullable Object executed(@Nullable Object value, @Nullable String output, @Nullable ModelUsage usage) {
			return value;
		}

		@Override
		public Throwable recreate(String errorType, @Nullable String message) {
			return JsonCodec.recreate(errorType, message, this.invocation.getMethod());
		}

	}

	/**
	 * A body that is not a bean method: it produces its result and its JSON itself.
	 *
	 * @param <T> what the step answers its caller
	 */
	sealed interface External<T> extends Planned<T> permits Model, ModelTool, Lambda, Child {

		/**
		 * Runs the body once (one attempt of the guard) for a journaled step.
		 */
		Produced produce(JsonCodec codec) throws Exception;

		/**
		 * Runs the body once for a call that is not journaled: no JSON is written.
		 */
		@Nullable T unjournaled() throws Exception;

		@Override
		default Type resultType() {
			return String.class;
		}

	}

	/**
	 * A call of a model, an {@link StepKind#LLM LLM} step.
	 *
	 * @param name the step name
	 * @param requested the model asked for, if the request names one
	 * @param request writes the request
	 * @param guard the model's guard
	 * @param call the call
	 * @param asOutput turns a reviewer's supplied text (JSON) into a recorded response
	 */
	record Model(String name, @Nullable String requested, Supplier<ModelRequest> request, ToolGuard guard,
			ExternalSteps.ModelCall call, UnaryOperator<String> asOutput) implements External<ExternalSteps.Outcome> {

		@Override
		public StepKind kind() {
			return StepKind.LLM;
		}

		@Override
		public String input(JsonCodec codec) {
			return this.request.get().full();
		}

		@Override
		public Produced produce(JsonCodec codec) throws Exception {
			ExternalSteps.ModelCall.Result result = this.call.call();
			return new Produced(result, result.output(), result.usage());
		}

		@Override
		public ExternalSteps.Outcome unjournaled() throws Exception {
			ExternalSteps.ModelCall.Result result = this.call.call();
			return new ExternalSteps.Outcome(result.output(), result.usage(), false);
		}

		@Override
		public ExternalSteps.Outcome answer(JsonCodec codec, String output, @Nullable ModelUsage usage,
				boolean replayed) {
			return new ExternalSteps.Outcome(output, usage, replayed);
		}

		@Override
		public ExternalSteps.Outcome executed(@Nullable Object value, @Nullable String output,
				@Nullable ModelUsage usage) {
			return new ExternalSteps.Outcome(String.valueOf(output), usage, false);
		}

		@Override
		public String supplied(String result) {
			return this.asOutput.apply(result);
		}

	}

	/**
	 * A tool the model picked, a {@link StepKind#TOOL TOOL} step whose input is the
	 * arguments the model gave and whose result is the text the model gets back.
	 *
	 * @param name the tool name
	 * @param arguments the arguments, as JSON
	 * @param guard the tool's guard
	 * @param call the call
	 */
	record ModelTool(String name, String arguments, ToolGuard guard,
			ExternalSteps.ToolCall call) implements External<String> {

		@Override
		public StepKind kind() {
			return StepKind.TOOL;
		}

		@Override
		public String input(JsonCodec codec) {
			return this.arguments;
		}

		@Override
		public Produced produce(JsonCodec codec) throws Exception {
			String answer = this.call.call();
			return new Produced(answer, codec.writeBestEffort(answer), null);
		}

		@Override
		public @Nullable String unjournaled() throws Exception {
			return this.call.call();
		}

		@Override
		public @Nullable String answer(JsonCodec codec, String output, @Nullable ModelUsage usage, boolean replayed) {
			return (String) codec.readResult(output, String.class);
		}

		@Override
		public @Nullable String executed(@Nullable Object value, @Nullable String output, @Nullable ModelUsage usage) {
			return (String) value;
		}

	}

	/**
	 * A lambda the plan journals as a step ({@code RunContext.step}), a
	 * {@link StepKind#TOOL TOOL} step without input whose result is what the lambda
	 * returned.
	 *
	 * @param name the step name
	 * @param resultType the type the result is read back as on replay
	 * @param guard the step's guard, by its name
	 * @param body the lambda
	 */
	record Lambda(String name, Type resultType, ToolGuard guard, Supplier<?> body) implements External<Object> {

		@Override
		public StepKind kind() {
			return StepKind.TOOL;
		}

		@Override
		public String input(JsonCodec codec) {
			return "[]";
		}

		@Override
		public Produced produce(JsonCodec codec) {
			Object value = this.body.get();
			return new Produced(value, codec.writeResult(value, this.resultType), null);
		}

		@Override
		public @Nullable Object unjournaled() {
			return this.body.get();
		}

		@Override
		public @Nullable Object answer(JsonCodec codec, String output, @Nullable ModelUsage usage, boolean replayed) {
			return codec.readResult(output, this.resultType);
		}

		@Override
		public @Nullable Object executed(@Nullable Object value, @Nullable String output, @Nullable ModelUsage usage) {
			return value;
		}

	}

	/**
	 * A step of a child run ({@link Children}), a {@link StepKind#CHILD CHILD} step: its
	 * start, or the wait for its end.
	 *
	 * @param name the step name
	 * @param input the step's input, as JSON
	 * @param guard the step's guard: one attempt, no circuit breaker
	 * @param body produces the step's result, its JSON and the child's spend
	 * @param reader turns the recorded result into the answer (or what the plan gets
	 * thrown)
	 */
	record Child(String name, String input, ToolGuard guard, Supplier<Produced> body,
			Function<String, @Nullable Object> reader) implements External<Object> {

		@Override
		public StepKind kind() {
			return StepKind.CHILD;
		}

		@Override
		public String input(JsonCodec codec) {
			return this.input;
		}

		@Override
		public Produced produce(JsonCodec codec) {
			return this.body.get();
		}

		@Override
		public @Nullable Object unjournaled() {
			throw new IllegalStateException("A child run is started and awaited in the plan of a run");
		}

		@Override
		public @Nullable Object answer(JsonCodec codec, String output, @Nullable ModelUsage usage, boolean replayed) {
			return this.reader.apply(output);
		}

		@Override
		public @Nullable Object executed(@Nullable Object value, @Nullable String output, @Nullable ModelUsage usage) {
			return this.reader.apply(String.valueOf(output));
		}

	}

	/**
	 * The compensation of a completed step, a {@link StepKind#COMPENSATION COMPENSATION}
	 * step named after the step it undoes, journaled with that step's input under a key
	 * of its own.
	 *
	 * @param name the name of the step it undoes
	 * @param undoes the position of the step it undoes
	 * @param input the input of the step it undoes, as journaled
	 * @param guard the compensation's guard
	 * @param undo the call of the compensating method
	 */
	record Compensation(String name, int undoes, @Nullable String input, ToolGuard guard,
			CheckedSupplier<Object> undo) implements StepBody<Object> {

		@Override
		public StepKind kind() {
			return StepKind.COMPENSATION;
		}

	}

	/**
	 * What one attempt of an external body produced.
	 *
	 * @param value the result
	 * @param output the result as JSON
	 * @param usage what a model call used
	 */
	record Produced(@Nullable Object value, String output, @Nullable ModelUsage usage) {
	}

}
