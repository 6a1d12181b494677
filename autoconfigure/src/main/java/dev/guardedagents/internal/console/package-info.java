/**
 * The console: a page served from the jar that reads and acts on runs and reviews through
 * the actuator endpoints only, with the caller's own authorization. Internal: not API.
 */
package dev.guardedagents.internal.console;
