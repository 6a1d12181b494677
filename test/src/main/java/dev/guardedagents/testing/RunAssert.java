package dev.guardedagents.testing;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.guardedagents.CompensationStatus;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.ReviewView;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunView;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a recorded run and its steps, from {@link TestRuns#assertThat(String)}.
 */
public class RunAssert extends AbstractAssert<RunAssert, RunView> {

	private final List<StepView> steps;

	private final List<ReviewView> reviews;

	RunAssert(RunView run, List<StepView> steps, List<ReviewView> reviews) {
		super(run, RunAssert.class);
		this.steps = steps;
		this.reviews = reviews;
	}

	/**
	 * Verifies that the run succeeded.
	 * @return this
	 */
	public RunAssert succeeded() {
		return hasStatus(RunStatus.SUCCEEDED);
	}

	/**
	 * Verifies that the run failed.
	 * @return this
	 */
	public RunAssert failed() {
		return hasStatus(RunStatus.FAILED);
	}

	/**
	 * Verifies that the run waits for a review.
	 * @return this
	 */
	public RunAssert isWaiting() {
		return hasStatus(RunStatus.WAITING);
	}

	/**
	 * Verifies the run's status.
	 * @param status the status expected
	 * @return this
	 */
	public RunAssert hasStatus(RunStatus status) {
		isNotNull();
		if (this.actual.status() != status) {
			failWithMessage("Expected run %s (%s) to be %s but it is %s%s; its steps: %s", this.actual.id(),
					this.actual.name(), status, this.actual.status(), (this.actual.errorType() != null)
							? " with " + this.actual.errorType() + ": " + this.actual.errorMessage() : "",
					names());
		}
		return this;
	}

	/**
	 * Verifies the run's result, as the journal's JSON.
	 * @param json the result expected
	 * @return this
	 */
	public RunAssert hasResult(String json) {
		isNotNull();
		if (!Objects.equals(this.actual.result(), json)) {
			failWithMessage("Expected run %s to have the result %s but it has %s", this.actual.id(), json,
					this.actual.result());
		}
		return this;
	}

	/**
	 * Verifies the names of the run's steps, in order.
	 * @param names the names expected
	 * @return this
	 */
	public RunAssert hasSteps(String... names) {
		isNotNull();
		if (!names().equals(Arrays.asList(names))) {
			failWithMessage("Expected run %s to have the steps %s but it has %s", this.actual.id(),
					Arrays.asList(names), names());
		}
		return this;
	}

	/**
	 * Verifies how many model calls the run made (replayed ones are not made again).
	 * @param calls the calls expected
	 * @return this
	 */
	public RunAssert hasModelCalls(int calls) {
		isNotNull();
		long made = this.steps.stream().filter((step) -> step.kind() == StepKind.LLM).count();
		if (made != calls) {
			failWithMessage("Expected run %s to have made %s model calls but it made %s", this.actual.id(), calls,
					made);
		}
		return this;
	}

	/**
	 * Verifies the input and output tokens of the run's model calls together, with those
	 * of the child runs it awaited ({@code RunContext.await}).
	 * @param tokens the tokens expected
	 * @return this
	 */
	public RunAssert hasTotalTokens(long tokens) {
		isNotNull();
		long total = this.steps.stream()
			.map(StepView::usage)
			.filter(Objects::nonNull)
			.mapToLong((usage) -> usage.inputTokens() + usage.outputTokens())
			.sum();
		if (total != tokens) {
			failWithMessage("Expected run %s to have used %s tokens but it used %s", this.actual.id(), tokens, total);
		}
		return this;
	}

	/**
	 * Verifies the cost of the run's model calls together, with that of the child runs it
	 * awaited, as priced by {@code guarded-agents.pricing.*}.
	 * @param cost the cost expected, compared by value ({@code "0.0125"} equals
	 * {@code "0.01250"})
	 * @return this
	 */
	public RunAssert hasTotalCost(String cost) {
		isNotNull();
		BigDecimal total = this.steps.stream()
			.map(StepView::usage)
			.filter(Objects::nonNull)
			.map(ModelUsage::cost)
			.filter(Objects::nonNull)
			.reduce(BigDecimal.ZERO, BigDecimal::add);
		if (total.compareTo(new BigDecimal(cost)) != 0) {
			failWithMessage("Expected run %s to have cost %s but it cost %s", this.actual.id(), cost,
					total.stripTrailingZeros().toPlainString());
		}
		return this;
	}

	/**
	 * Verifies that the run was compensated: the steps whose compensations ran, in the
	 * order they ran (newest step first), and every one of them succeeded.
	 * @param names the names of the compensated steps
	 * @return this
	 */
	public RunAssert wasCompensated(String... names) {
		isNotNull();
		List<String> compensated = this.steps.stream()
			.filter((step) -> step.kind() == StepKind.COMPENSATION)
			.map(StepView::name)
			.toList();
		if (this.actual.compensation() != CompensationStatus.COMPENSATED || !compensated.equals(Arrays.asList(names))) {
			failWithMessage("Expected run %s to have been compensated with %s but its compensation is %s with %s",
					this.actual.id(), Arrays.asList(names), this.actual.compensation(), compensated);
		}
		return this;
	}

	/**
	 * Verifies how many reviews the run opened: checkpoints, failed steps, budgets,
	 * policies and compensations a reviewer was asked to decide, whatever became of them.
	 * @param count the reviews expected
	 * @return this
	 */
	public RunAssert openedReviews(int count) {
		isNotNull();
		if (this.reviews.size() != count) {
			failWithMessage("Expected run %s to have opened %s reviews but it opened %s: %s", this.actual.id(), count,
					this.reviews.size(),
					this.reviews.stream()
						.map((review) -> review.kind() + " " + review.checkpoint() + " " + review.status())
						.toList());
		}
		return this;
	}

	/**
	 * Narrows the assertions to the steps of one name.
	 * @param name the step name
	 * @return the assertion on those steps
	 */
	public StepAssert step(String name) {
		isNotNull();
		List<StepView> named = this.steps.stream().filter((step) -> step.name().equals(name)).toList();
		if (named.isEmpty()) {
			failWithMessage("Expected run %s to have a step named %s but it has %s", this.actual.id(), name, names());
		}
		return new StepAssert(name, named);
	}

	private List<String> names() {
		return this.steps.stream().map(StepView::name).toList();
	}

}
