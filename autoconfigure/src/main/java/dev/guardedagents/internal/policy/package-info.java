/**
 * The built-in step policies: payload size and regular-expression rules. Internal: not
 * API.
 */
package dev.guardedagents.internal.policy;
