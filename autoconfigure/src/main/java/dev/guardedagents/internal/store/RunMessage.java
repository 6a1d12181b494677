package dev.guardedagents.internal.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A message sent to a run ({@code AgentRuns.send}). Internal: not API.
 *
 * @param topic its topic
 * @param key its key, if the sender gave one
 * @param payload its payload as JSON
 * @param sentBy who sent it, or {@code null} for the application
 * @param sentAt when
 * @param receivedAtStep the position of the receive that took it (the receive's first
 * step, its deadline), or {@code null} while no receive did
 */
public record RunMessage(String topic, @Nullable String key, String payload, @Nullable String sentBy, Instant sentAt,
		@Nullable Integer receivedAtStep) {

}
