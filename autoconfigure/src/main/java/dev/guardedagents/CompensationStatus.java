package dev.guardedagents;

/**
 * Where the compensation of a failed or cancelled run stands; recorded beside its status.
 */
public enum CompensationStatus {

	/**
	 * The compensations of its completed steps are running, or waiting for a reviewer;
	 * the run stays {@code RUNNING} (or {@code WAITING}) until they end.
	 */
	COMPENSATING,

	/**
	 * Every completed step with a compensation was compensated (or marked done by a
	 * reviewer).
	 */
	COMPENSATED,

	/**
	 * A reviewer gave up at least one compensation; the others ran.
	 */
	PARTIALLY_COMPENSATED

}
