package dev.guardedagents.internal.store;

import java.time.Instant;

import dev.guardedagents.CompensationStatus;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunView;
import org.jspecify.annotations.Nullable;

/**
 * A run as the journal holds it, as the engine and the endpoint read it back. The public
 * {@link RunView} is made from it where a run leaves the starter (the API, an export), so
 * that a column the engine adds is not a change of the API. Internal: not API.
 *
 * @param id the run id
 * @param name the run name
 * @param version the plan version the run was recorded under
 * @param status the status
 * @param businessKey the business key, if any
 * @param idempotencyKey the idempotency key, if any
 * @param arguments the arguments as a JSON array
 * @param result the result as JSON, once succeeded
 * @param errorType the class name of the error, once failed
 * @param errorMessage the error message, once failed
 * @param owner the instance that owns the run while it runs
 * @param leaseUntil until when the owner holds the run without renewing its lease
 * @param recoveries how often the run was resumed after its owner stopped
 * @param stepCount the number of recorded steps, once finished
 * @param createdAt when the run started
 * @param updatedAt when the run row last changed
 * @param finishedAt when the run finished
 * @param compensation where the compensation of the run stands, if it has one
 * @param startedBy the authenticated principal that started the run, if any
 * @param wakeAt when a run that sleeps ({@code RunContext.sleep}) wakes, or a run that
 * waits for a message ({@code RunContext.receive}) stops waiting
 * @param waitTopic the topic a run that waits for a message receives on, or
 * {@code @child:<id>} for one that waits for a child run to end
 * @param parentId the run that started this one as its child, if any
 */
public record RunRow(String id, String name, String version, RunStatus status, @Nullable String businessKey,
		@Nullable String idempotencyKey, String arguments, @Nullable String result, @Nullable String errorType,
		@Nullable String errorMessage, @Nullable String owner, @Nullable Instant leaseUntil, int recoveries,
		int stepCount, Instant createdAt, Instant updatedAt, @Nullable Instant finishedAt,
		@Nullable CompensationStatus compensation, @Nullable String startedBy, @Nullable Instant wakeAt,
		@Nullable String waitTopic, @Nullable String parentId) {

	/**
	 * Takes a run the API returned as a row, without reading it again: one an operator
	 * retried or forked, which runs and so neither sleeps nor waits for a message.
	 * @param run the run as the API returned it
	 * @return the row, without a wake time, topic or parent
	 */
	public static RunRow of(RunView run) {
		return new RunRow(run.id(), run.name(), run.version(), run.status(), run.businessKey(), run.idempotencyKey(),
				run.arguments(), run.result(), run.errorType(), run.errorMessage(), run.owner(), run.leaseUntil(),
				run.recoveries(), run.stepCount(), run.createdAt(), run.updatedAt(), run.finishedAt(),
				run.compensation(), run.startedBy(), null, null, null);
	}

	/**
	 * Returns the run as the API shows it.
	 * @return the public view
	 */
	public RunView view() {
		return new RunView(this.id, this.name, this.version, this.status, this.businessKey, this.idempotencyKey,
				this.arguments, this.result, this.errorType, this.errorMessage, this.owner, this.leaseUntil,
				this.recoveries, this.stepCount, this.createdAt, this.updatedAt, this.finishedAt, this.compensation,
				this.startedBy);
	}

}
