package dev.guardedagents.internal.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.guardedagents.InvalidReviewDecisionException;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.Reviewer;
import dev.guardedagents.ReviewerNotAuthenticatedException;
import dev.guardedagents.ReviewerNotAuthorizedException;
import dev.guardedagents.spi.ReviewerAuthorizer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Who may decide which review and act on runs: the reviewer groups and approvals of each
 * kind of review, anonymous decisions, separation of duties and the operators. Internal:
 * not API.
 */
public final class ReviewAccess {

	/**
	 * The longest name of a reviewer, as the journal stores it.
	 */
	public static final int MAX_NAME = 200;

	private static final String ROLE = "ROLE_";

	/**
	 * The prefix of a reviewer group that names one person: {@code user:ann}. Kept apart
	 * from authorities, so that a user who may choose a name cannot name themselves into
	 * a group.
	 */
	public static final String USER = "user:";

	private final Map<ReviewKind, KindRule> kinds;

	private final boolean allowAnonymous;

	private final boolean forbidSelfApproval;

	private final ReviewerAuthorizer authorizer;

	private final Set<String> operators;

	private final boolean allowAnonymousOperators;

	/**
	 * Creates the rules.
	 * @param kinds the reviewers and approvals of each kind of review, as configured
	 * @param allowAnonymous whether decisions without an authenticated principal are
	 * taken (under the name they give)
	 * @param forbidSelfApproval whether the principal that started a run may not approve
	 * its reviews
	 * @param authorizer who belongs to which reviewer group
	 * @param operators the authorities that may act on runs (cancel)
	 * @param allowAnonymousOperators whether unauthenticated callers may act on runs
	 */
	public ReviewAccess(Map<ReviewKind, KindRule> kinds, boolean allowAnonymous, boolean forbidSelfApproval,
			ReviewerAuthorizer authorizer, Set<String> operators, boolean allowAnonymousOperators) {
		this.kinds = kinds.isEmpty() ? Map.of() : new EnumMap<>(kinds);
		this.allowAnonymous = allowAnonymous;
		this.forbidSelfApproval = forbidSelfApproval;
		this.authorizer = authorizer;
		this.operators = Set.copyOf(operators);
		this.allowAnonymousOperators = allowAnonymousOperators;
	}

	/**
	 * The default {@link ReviewerAuthorizer}: {@code user:} and the reviewer's name, its
	 * authorities, and its authorities without the {@code ROLE_} prefix.
	 * @param reviewer the reviewer
	 * @return its groups
	 */
	public static Set<String> defaultGroups(Reviewer reviewer) {
		Set<String> groups = new LinkedHashSet<>();
		groups.add(USER + reviewer.name());
		for (String authority : reviewer.authorities()) {
			groups.add(authority);
			if (authority.startsWith(ROLE)) {
				groups.add(authority.substring(ROLE.length()));
			}
		}
		return groups;
	}

	/**
	 * Returns the reviewer groups configured for a kind of review.
	 * @param kind the kind
	 * @return the groups, empty when none are configured
	 */
	public List<String> reviewers(ReviewKind kind) {
		KindRule rule = this.kinds.get(kind);
		return (rule != null) ? rule.reviewers() : List.of();
	}

	/**
	 * Returns how many distinct reviewers must approve a review of a kind.
	 * @param kind the kind
	 * @return the approvals, at least 1
	 */
	public int approvals(ReviewKind kind) {
		KindRule rule = this.kinds.get(kind);
		return (rule != null) ? rule.approvals() : 1;
	}

	/**
	 * Whether decisions without an authenticated principal are taken.
	 * @return whether anonymous decisions are allowed
	 */
	public boolean allowsAnonymous() {
		return this.allowAnonymous;
	}

	/**
	 * Returns the reviewer groups of a reviewer.
	 * @param reviewer the reviewer
	 * @return its groups
	 */
	public Set<String> groupsOf(Reviewer reviewer) {
		return this.authorizer.groupsOf(reviewer);
	}

	/**
	 * Says who takes a decision: the authenticated reviewer, which a name given with the
	 * decision must match; or, when anonymous decisions are allowed, the name given.
	 * @param reviewer the reviewer, authenticated or not
	 * @param claimed the name given with the decision, or {@code null}
	 * @return the reviewer who signs the decision
	 * @throws ReviewerNotAuthenticatedException when the reviewer is not authenticated
	 * and anonymous decisions are not allowed
	 * @throws ReviewerNotAuthorizedException when the name given differs from the
	 * authenticated reviewer's
	 */
	public Reviewer decider(Reviewer reviewer, @Nullable String claimed) {
		if (claimed != null && claimed.length() > MAX_NAME) {
			throw new InvalidReviewDecisionException("reviewer",
					"must be at most " + MAX_NAME + " characters, was " + claimed.length());
		}
		if (reviewer.authenticated()) {
			if (StringUtils.hasText(claimed) && !claimed.equals(reviewer.name())) {
				throw new ReviewerNotAuthorizedException(reviewer.name(), Set.of(),
						"The decision is signed '" + claimed + "' but was made by the authenticated principal '"
								+ reviewer.name() + "'; leave 'reviewer' out or give your own name");
			}
			if (reviewer.name().length() > MAX_NAME) {
				throw new InvalidReviewDecisionException("reviewer",
						"the principal's name must be at most " + MAX_NAME + " characters");
			}
			return reviewer;
		}
		if (!this.allowAnonymous) {
			throw new ReviewerNotAuthenticatedException("A decision needs an authenticated reviewer: authenticate "
					+ "(with Spring Security), pass a Reviewer to Reviews.decide, or, for local development only, "
					+ "set guarded-agents.reviews.allow-anonymous=true");
		}
		if (!StringUtils.hasText(claimed)) {
			throw new InvalidReviewDecisionException("reviewer",
					"must name who decides (nobody is authenticated and anonymous decisions are signed with it)");
		}
		return new Reviewer(claimed, Set.of(), reviewer.channel(), false);
	}

	/**
	 * Checks that a decider may decide a review.
	 * @param reviewer who decides, as returned by {@link #decider}
	 * @param reviewId the review
	 * @param required the reviewer groups of the review
	 * @param runId the run of the review
	 * @param startedBy who started the run, if known
	 * @param approve whether the decision approves
	 * @return the groups that made the decider a reviewer of the review
	 * @throws ReviewerNotAuthorizedException when it may not
	 */
	public Set<String> authorize(Reviewer reviewer, String reviewId, Collection<String> required, String runId,
			@Nullable String startedBy, boolean approve) {
		if (approve && this.forbidSelfApproval && reviewer.name().equals(startedBy)) {
			throw new ReviewerNotAuthorizedException(reviewer.name(), Set.of(),
					"'" + reviewer.name() + "' started run " + runId + " and may not approve its review " + reviewId
							+ " (guarded-agents.reviews.forbid-self-approval); another reviewer must decide");
		}
		if (!reviewer.authenticated()) {
			return Set.of();
		}
		if (required.isEmpty()) {
			if (this.allowAnonymous) {
				return Set.of();
			}
			throw new ReviewerNotAuthorizedException(reviewer.name(), Set.of(),
					"Review " + reviewId
							+ " names no reviewers, so nobody may decide it; configure its reviewers (the checkpoint's "
							+ "reviewers, or guarded-agents.reviews.kinds.<kind>.reviewers)");
		}
		Set<String> used = new LinkedHashSet<>(groupsOf(reviewer));
		used.retainAll(Set.copyOf(required));
		if (used.isEmpty()) {
			throw new ReviewerNotAuthorizedException(reviewer.name(), Set.copyOf(required), "'" + reviewer.name()
					+ "' may not decide review " + reviewId + ": it needs a reviewer of " + required);
		}
		return used;
	}

	/**
	 * Checks that a principal may act on runs as an operator.
	 * @param principal the authenticated principal, or {@code null}
	 * @param action what it does, such as {@code cancel run 7f3e…}
	 * @throws ReviewerNotAuthenticatedException when nobody is authenticated
	 * @throws ReviewerNotAuthorizedException when the principal is no operator
	 */
	public void authorizeOperator(@Nullable Reviewer principal, String action) {
		if (principal == null) {
			if (this.allowAnonymousOperators) {
				return;
			}
			throw new ReviewerNotAuthenticatedException("To " + action + " an operator must authenticate; for "
					+ "local development only, set guarded-agents.security.allow-anonymous-operators=true");
		}
		Set<String> held = new LinkedHashSet<>();
		principal.authorities().forEach((authority) -> held.add(withoutRole(authority)));
		for (String operator : this.operators) {
			if (held.contains(withoutRole(operator))) {
				return;
			}
		}
		throw new ReviewerNotAuthorizedException(principal.name(), this.operators,
				this.operators.isEmpty()
						? "To " + action + " a principal needs an operator authority, and none is configured: set "
								+ "guarded-agents.security.operators"
						: "'" + principal.name() + "' may not " + action + ": it needs one of the authorities "
								+ this.operators + " (guarded-agents.security.operators)");
	}

	private static String withoutRole(String authority) {
		return authority.startsWith(ROLE) ? authority.substring(ROLE.length()) : authority;
	}

	/**
	 * Reads reviewer groups written as a comma-separated list.
	 * @param groups the list, or {@code null}
	 * @return the groups
	 */
	public static List<String> parse(@Nullable String groups) {
		List<String> parsed = new ArrayList<>();
		if (groups != null) {
			for (String group : groups.split(",")) {
				if (!group.isBlank()) {
					parsed.add(group.trim());
				}
			}
		}
		return parsed;
	}

	/**
	 * Writes reviewer groups as a comma-separated list.
	 * @param groups the groups
	 * @return the list, or {@code null} when there are none
	 */
	public static @Nullable String join(Collection<String> groups) {
		return groups.isEmpty() ? null : String.join(",", groups);
	}

	/**
	 * Describes a kind of review for messages and property names: {@code tool-failure}.
	 * @param kind the kind
	 * @return its name as in property names
	 */
	public static String name(ReviewKind kind) {
		return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The reviewers of a kind of review.
	 *
	 * @param reviewers the reviewer groups
	 * @param approvals how many distinct reviewers must approve
	 */
	public record KindRule(List<String> reviewers, int approvals) {

		/**
		 * Copies the groups.
		 * @param reviewers the reviewer groups
		 * @param approvals how many distinct reviewers must approve
		 */
		public KindRule {
			reviewers = List.copyOf(reviewers);
		}

	}

}
