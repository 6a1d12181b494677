/**
 * Reviews of human checkpoints: decisions, checked edits, and durable deadlines.
 * Internal: use {@link dev.guardedagents.Reviews}.
 */
package dev.guardedagents.internal.review;
