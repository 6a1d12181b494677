/**
 * Budget profiles: the caps of a run's spending and what happens when one is exceeded.
 * Internal: not API.
 */
package dev.guardedagents.internal.budget;
