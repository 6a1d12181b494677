package dev.guardedagents;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A recorded agent run, as stored in the run journal.
 *
 * @param id the run id
 * @param name the run name
 * @param version the plan version the run was recorded under
 * @param status the status
 * @param businessKey the business key, if any
 * @param idempotencyKey the idempotency key, if any
 * @param arguments the arguments as a JSON array, one value per parameter
 * @param result the result as JSON, once succeeded
 * @param errorType the class name of the error, once failed
 * @param errorMessage the error message, once failed
 * @param owner the id of the instance that owns the run while it runs
 * @param leaseUntil until when the owner holds the run without renewing its lease
 * @param recoveries how often the run was resumed after its owner stopped
 * @param stepCount the number of recorded steps, once finished
 * @param createdAt when the run started
 * @param updatedAt when the run row last changed
 * @param finishedAt when the run finished
 * @param compensation where the compensation of a failed or cancelled run stands, if it
 * had steps to compensate
 * @param startedBy the authenticated principal that started the run, if any
 */
public record RunView(String id, String name, String version, RunStatus status, @Nullable String businessKey,
		@Nullable String idempotencyKey, String arguments, @Nullable String result, @Nullable String errorType,
		@Nullable String errorMessage, @Nullable String owner, @Nullable Instant leaseUntil, int recoveries,
		int stepCount, Instant createdAt, Instant updatedAt, @Nullable Instant finishedAt,
		@Nullable CompensationStatus compensation, @Nullable String startedBy) {

}
