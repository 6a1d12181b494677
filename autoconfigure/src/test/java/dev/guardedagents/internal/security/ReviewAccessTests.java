package dev.guardedagents.internal.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.guardedagents.Reviewer;
import dev.guardedagents.ReviewerNotAuthorizedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ReviewAccess}: who belongs to which reviewer group.
 */
class ReviewAccessTests {

	private final ReviewAccess access = new ReviewAccess(Map.of(), false, true, ReviewAccess::defaultGroups, Set.of(),
			false);

	@Test
	void authoritiesWithAndWithoutRolePrefixAndUserPrefixedNamesAreGroups() {
		assertThat(ReviewAccess.defaultGroups(Reviewer.of("ann", "ROLE_billing-team", "audit")))
			.containsExactlyInAnyOrder("user:ann", "ROLE_billing-team", "billing-team", "audit");
	}

	@Test
	void aUserNamedLikeAGroupIsNotInThatGroup() {
		assertThatExceptionOfType(ReviewerNotAuthorizedException.class)
			.isThrownBy(() -> this.access.authorize(Reviewer.of("finance", "ROLE_user"), "review-1", List.of("finance"),
					"run-1", null, true))
			.withMessageContaining("needs a reviewer of [finance]");
		assertThat(this.access.authorize(Reviewer.of("ann", "ROLE_user"), "review-1", List.of("user:ann"), "run-1",
				null, true))
			.containsExactly("user:ann");
	}

}
