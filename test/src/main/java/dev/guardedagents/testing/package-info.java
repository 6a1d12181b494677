/**
 * Testing agents: {@link dev.guardedagents.testing.GuardedAgentsTest}, a
 * {@link dev.guardedagents.testing.ScriptedChatModel scripted chat model}, reviews
 * decided by hand and assertions on recorded runs
 * ({@link dev.guardedagents.testing.TestRuns}).
 */
package dev.guardedagents.testing;
