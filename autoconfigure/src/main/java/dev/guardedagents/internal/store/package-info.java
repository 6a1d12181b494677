/**
 * The run journal: plain JDBC over the {@code guarded_run} and {@code guarded_step}
 * tables, and the private Flyway migration that creates them. Internal: not API.
 */
package dev.guardedagents.internal.store;
