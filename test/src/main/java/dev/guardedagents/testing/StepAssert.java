package dev.guardedagents.testing;

import java.util.List;
import java.util.Objects;

import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import org.assertj.core.api.AbstractAssert;

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

	private StepAssert verdict(String status) {
		StepView checkpoint = this.actual.stream()
			.filter((step) -> step.kind() == StepKind.CHECKPOINT)
			.findFirst()
			.orElse(null);
		if (checkpoint == null) {
			failWithMessage("Expected %s to be a checkpoint but no reviewer decided it", this.name);
		}
		else if (!String.valueOf(checkpoint.output()).contains("\"status\":\"" + status + "\"")
				&& !String.valueOf(checkpoint.errorMessage()).contains(status.toLowerCase())) {
			failWithMessage("Expected checkpoint %s to be %s but its verdict is %s", this.name, status,
					(checkpoint.output() != null) ? checkpoint.output() : checkpoint.errorMessage());
		}
		return this;
	}

	private List<StepView> executed() {
		return this.actual.stream().filter((step) -> step.kind() != StepKind.CHECKPOINT).toList();
	}

	private StepView last() {
		List<StepView> ran = executed();
		if (ran.isEmpty()) {
			failWithMessage("Expected step %s to have run but only its checkpoint is recorded", this.name);
		}
		return ran.get(ran.size() - 1);
	}

}
