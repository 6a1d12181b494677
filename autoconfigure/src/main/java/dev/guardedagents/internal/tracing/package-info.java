/**
 * Micrometer Observations of runs and their executed steps, so that Micrometer Tracing
 * turns them into spans. Internal: not API.
 */
package dev.guardedagents.internal.tracing;
