package dev.guardedagents.internal.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A run about to be recorded, owned by the instance that starts it. Internal: not API.
 *
 * @param id the run id
 * @param name the run name
 * @param version the plan version
 * @param arguments the arguments as a JSON array
 * @param businessKey the business key, if any
 * @param idempotencyKey the idempotency key, if any
 * @param owner the id of the owning instance
 * @param now the start time
 * @param leaseUntil the end of the owner's first lease
 * @param startedBy the authenticated principal that started the run, if any
 * @param trace the propagation fields of the span that marks the run's start, so that
 * every execution of the run (the first, and each resumption) joins its trace; if traced
 * @param parentId the run that started this one as its child, if any
 */
public record NewRun(String id, String name, String version, String arguments, @Nullable String businessKey,
		@Nullable String idempotencyKey, String owner, Instant now, Instant leaseUntil, @Nullable String startedBy,
		@Nullable String trace, @Nullable String parentId) {

	/**
	 * Creates a run started without an authenticated principal.
	 * @param id the run id
	 * @param name the run name
	 * @param version the plan version
	 * @param arguments the arguments as a JSON array
	 * @param businessKey the business key, if any
	 * @param idempotencyKey the idempotency key, if any
	 * @param owner the id of the owning instance
	 * @param now the start time
	 * @param leaseUntil the end of the owner's first lease
	 */
	public NewRun(String id, String name, String version, String arguments, @Nullable String businessKey,
			@Nullable String idempotencyKey, String owner, Instant now, Instant leaseUntil) {
		this(id, name, version, arguments, businessKey, idempotencyKey, owner, now, leaseUntil, null, null, null);
	}

}
