package dev.guardedagents;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * One reviewer's decision on a review, as journaled: a review that needs several
 * approvals has one per approver, and every decision, also one that did not end the
 * review, is part of the run's record.
 *
 * @param reviewId the review
 * @param runId the run it belongs to
 * @param decision approve or reject
 * @param reviewer the name of the reviewer: the authenticated principal, or the name an
 * anonymous decision gave when anonymous decisions are allowed
 * @param authorities the authorities that made the reviewer a reviewer of the review
 * (empty for an anonymous decision)
 * @param channel where the decision came from
 * @param comment the reviewer's comment
 * @param edits the edits of the decision, as a JSON object
 * @param decidedAt when it was taken
 */
public record ReviewerDecision(String reviewId, String runId, ReviewDecision.Decision decision, String reviewer,
		Set<String> authorities, Reviewer.Channel channel, @Nullable String comment, @Nullable String edits,
		Instant decidedAt) {

}
