/**
 * Guards of tool calls: timeout, retry with exponential backoff and jitter, circuit
 * breaker, bulkhead and fallback, with Resilience4j's core modules used programmatically.
 * Internal: not API.
 */
package dev.guardedagents.internal.guard;
