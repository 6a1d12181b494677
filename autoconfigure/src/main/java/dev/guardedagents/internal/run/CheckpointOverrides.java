package dev.guardedagents.internal.run;

import java.time.Duration;
import java.util.List;

import dev.guardedagents.TimeoutOutcome;
import org.jspecify.annotations.Nullable;

/**
 * Settings of one checkpoint from {@code guarded-agents.checkpoints.<name>.*}, which win
 * over the attributes of its {@code @HumanCheckpoint}. Internal: not API.
 *
 * @param timeout how long reviewers have, or {@code null} for the annotation's
 * @param reviewers the reviewer groups, or {@code null} for the annotation's
 * @param approvals the approvals needed, or {@code null} for the annotation's
 * @param onTimeout the timeout outcome, or {@code null} for the annotation's
 * @param escalateTo the escalation groups, or {@code null} for the annotation's
 * @param escalationTimeout the escalation timeout, or {@code null} for the annotation's
 */
public record CheckpointOverrides(@Nullable Duration timeout, @Nullable List<String> reviewers,
		@Nullable Integer approvals, @Nullable TimeoutOutcome onTimeout, @Nullable List<String> escalateTo,
		@Nullable Duration escalationTimeout) {

	/**
	 * No overrides.
	 */
	public static final CheckpointOverrides NONE = new CheckpointOverrides(null, null, null, null, null, null);

}
