package dev.guardedagents.internal.guard;

/**
 * One failed attempt of a tool call, as journaled. Internal: not API.
 *
 * @param type the exception class
 * @param message the exception message
 * @param durationMillis how long the attempt took
 */
public record AttemptRecord(String type, String message, double durationMillis) {
}
