/**
 * Redaction: what the journal shows and stores of sensitive values ({@code @Sensitive},
 * {@code guarded-agents.redaction.*}). Internal: not API.
 */
package dev.guardedagents.internal.redaction;
