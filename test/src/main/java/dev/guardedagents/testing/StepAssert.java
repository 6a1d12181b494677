package dev.guardedagents.testing;

import java.util.List;
import java.util.Objects;

import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on the steps of one name of a run, from {@link RunAssert#step(String)}: a
 * checkpoint's verdict is its {@code CHECKPOINT} step, the action it guards the step of
 * the same name that follows.
 */
public class StepAssert extends AbstractAssert<StepAssert, List<StepView>> {

	private final String name;

	StepAssert(String name, List<StepView> steps) {
		super(steps, StepAssert.class);
		this.name = name;
	}

	/**
	 * Verifies that the step's body ran exactly once: one record, one attempt.
	 * @return this
	 */
	public StepAssert ranOnce() {
		List<StepView> ran = executed();
		if (ran.size() != 1 || ran.get(0).attempts() != 1) {
			failWithMessage("Expected step %s to have run once but it has %s records with %s attempts", this.name,
					ran.size(), ran.stream().map(StepView::attempts).toList());
		}
		return this;
	}

	/**
	 * Verifies that the step succeeded.
	 * @return this
	 */
	public StepAssert succeeded() {
		StepView last = last();
		if (!last.succeeded()) {
			failWithMessage("Expected step %s to have succeeded but it failed with %s: %s", this.name, last.errorType(),
					last.errorMessage());
		}
		return this;
	}

	/**
	 * Verifies that the step failed.
	 * @return this
	 */
	public StepAssert failed() {
		StepView last = last();
		if (last.succeeded()) {
			failWithMessage("Expected step %s to have failed but it answered %s", this.name, last.output());
		}
		return this;
	}

	/**
	 * Verifies the step's output, as the journal's JSON.
	 * @param json the output expected
	 * @return this
	 */
	public StepAssert hasOutput(String json) {
		StepView last = last();
		if (!Objects.equals(last.output(), json)) {
			failWithMessage("Expected step %s to have the output %s but it has %s", this.name, json, last.output());
		}
		return this;
	}

	/**
	 * Verifies that a reviewer approved the checkpoint of this name.
	 * @return this
	 */
	public StepAssert wasApproved() {
		return verdict("APPROVED");
	}

	/**
	 * Verifies that a reviewer rejected the checkpoint of this name.
	 * @return this
	 */
	public StepAssert wasRejected() {
		return verdict("REJECTED");
	}

	/**
	 * Verifies that nobody decided the checkpoint of this name before its deadline: it
	 * took its timeout outcome (rejected, approved, or escalated and then timed out).
	 * @return this
	 */
	public StepAssert timedOut() {
		StepView checkpoint = checkpoint();
		String verdict = (checkpoint != null)
				? String.valueOf((checkpoint.output() != null) ? checkpoint.output() : checkpoint.errorMessage()) : "";
		if (checkpoint != null && !verdict.contains("\"status\":\"TIMED_OUT\"")
				&& !verdict.contains("\"comment\":\"no decision before")) {
			failWithMessage("Expected checkpoint %s to have timed out but its verdict is %s", this.name, verdict);
		}
		return this;
	}

	private StepAssert verdict(String status) {
		StepView checkpoint = checkpoint();
		if (checkpoint != null && !String.valueOf(checkpoint.output()).contains("\"status\":\"" + status + "\"")
				&& !String.valueOf(checkpoint.errorMessage()).contains(status.toLowerCase())) {
			failWithMessage("Expected checkpoint %s to be %s but its verdict is %s", this.name, status,
					(checkpoint.output() != null) ? checkpoint.output() : checkpoint.errorMessage());
		}
		return this;
	}

	/**
	 * Verifies that the step was compensated: its compensating action ran and succeeded
	 * after the run failed or was cancelled.
	 * @return this
	 */
	public StepAssert wasCompensated() {
		List<StepView> compensations = this.actual.stream()
			.filter((step) -> step.kind() == StepKind.COMPENSATION)
			.toList();
		if (compensations.isEmpty()) {
			failWithMessage("Expected step %s to have been compensated but no compensation of it is recorded",
					this.name);
		}
		else if (!compensations.get(compensations.size() - 1).succeeded()) {
			StepView failed = compensations.get(compensations.size() - 1);
			failWithMessage("Expected step %s to have been compensated but its compensation failed with %s: %s",
					this.name, failed.errorType(), failed.errorMessage());
		}
		return this;
	}

	/**
	 * Verifies that the step was not compensated.
	 * @return this
	 */
	public StepAssert wasNotCompensated() {
		if (this.actual.stream().anyMatch((step) -> step.kind() == StepKind.COMPENSATION)) {
			failWithMessage("Expected step %s not to have been compensated but its compensation is recorded",
					this.name);
		}
		return this;
	}

	private @Nullable StepView checkpoint() {
		StepView checkpoint = this.actual.stream()
			.filter((step) -> step.kind() == StepKind.CHECKPOINT)
			.findFirst()
			.orElse(null);
		if (checkpoint == null) {
			failWithMessage("Expected %s to be a checkpoint but no reviewer decided it", this.name);
		}
		return checkpoint;
	}

	private List<StepView> executed() {
		return this.actual.stream()
			.filter((step) -> step.kind() != StepKind.CHECKPOINT && step.kind() != StepKind.COMPENSATION)
			.toList();
	}

	private StepView last() {
		List<StepView> ran = executed();
		if (ran.isEmpty()) {
			failWithMessage("Expected step %s to have run but only its checkpoint is recorded", this.name);
		}
		return ran.get(ran.size() - 1);
	}

}
