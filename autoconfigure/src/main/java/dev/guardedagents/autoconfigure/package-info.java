/**
 * Auto-configuration of Guarded Agents: the run journal, the run engine and its advisors,
 * recovery, and the actuator endpoint.
 */
package dev.guardedagents.autoconfigure;
