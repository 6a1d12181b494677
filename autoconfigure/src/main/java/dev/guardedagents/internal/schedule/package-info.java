/**
 * The starter's periodic background work (pruning, review deadlines). Internal: not API.
 */
package dev.guardedagents.internal.schedule;
