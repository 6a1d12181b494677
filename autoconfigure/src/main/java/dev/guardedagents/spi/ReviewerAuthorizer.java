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
 * The default: each of the reviewer's authorities, each authority without its
 * {@code ROLE_} prefix, and {@code user:} followed by the reviewer's name, so that
 * {@code reviewers = "billing-team"} admits users with the authority {@code billing-team}
 * or {@code ROLE_billing-team}, and {@code reviewers = "user:ann"} admits the user named
 * {@code ann} (a user name never matches a group name, so nobody can name themselves into
 * a group).
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
