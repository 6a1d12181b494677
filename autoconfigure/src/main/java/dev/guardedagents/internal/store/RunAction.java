package dev.guardedagents.internal.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Something an operator did to a run. Internal: not API.
 *
 * @param action what, such as {@code RETRY}
 * @param actor who
 * @param at when
 * @param detail what it changed
 */
public record RunAction(String action, String actor, Instant at, @Nullable String detail) {

}
