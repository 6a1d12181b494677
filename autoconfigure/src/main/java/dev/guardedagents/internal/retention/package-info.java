/**
 * Retention of the journal: finished runs and idempotency keys are pruned once their
 * retention has passed.
 */
package dev.guardedagents.internal.retention;
