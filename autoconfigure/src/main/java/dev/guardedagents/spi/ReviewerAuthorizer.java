package dev.guardedagents.spi;

import java.util.Set;

import dev.guardedagents.Reviewer;

/**
 * Says which reviewer groups a reviewer belongs to. A reviewer may decide a review when
 * one of its groups is among the review's reviewers (a checkpoint's {@code reviewers}, or
 * {@code guarded-agents.reviews.kinds.<kind>.reviewers}); the {@code agentreviews}
 * endpoint lists, by default, the reviews of those groups. Declare a bean of this type to
 * map groups another way, such as from a directory.
 * <p>
 * The default: the reviewer's name, each of its authorities, and each authority without
 * its {@code ROLE_} prefix, so that {@code reviewers = "billing-team"} admits a user
 * named {@code billing-team} and users with the authority {@code billing-team} or
 * {@code ROLE_billing-team}.
 */
@FunctionalInterface
public interface ReviewerAuthorizer {

	/**
	 * Returns the reviewer groups of a reviewer.
	 * @param reviewer the authenticated reviewer
	 * @return its groups
	 */
	Set<String> groupsOf(Reviewer reviewer);

}
