/**
 * Micrometer metrics of runs, steps and recovery, and the binding of the guards'
 * Resilience4j metrics. Internal: not API.
 */
package dev.guardedagents.internal.metrics;
