/**
 * The run engine: the advisors that turn {@code @AgentRun} and {@code @GuardedTool} calls
 * into journaled runs and steps, replay, the run executor, leases and recovery. Internal:
 * not API.
 */
package dev.guardedagents.internal.run;
