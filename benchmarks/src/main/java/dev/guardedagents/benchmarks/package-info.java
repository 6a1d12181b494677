/**
 * Benchmarks of Guarded Agents, reported as ratios to baselines measured in the same run.
 */
package dev.guardedagents.benchmarks;
