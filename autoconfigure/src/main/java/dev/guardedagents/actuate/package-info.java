/**
 * The actuator endpoint {@code agentruns}: runs, their steps, cancellation.
 */
package dev.guardedagents.actuate;
