/**
 * Public API of Guarded Agents: the annotations that mark durable runs and their steps,
 * the {@link dev.guardedagents.AgentRuns} facade, the views of recorded runs and the
 * exceptions users may catch.
 */
package dev.guardedagents;
