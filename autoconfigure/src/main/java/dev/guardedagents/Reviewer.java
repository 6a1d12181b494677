package dev.guardedagents;

import java.util.Set;

import org.springframework.util.Assert;

/**
 * Who decides a review: a name, the authorities that make them a reviewer of a group, the
 * channel the decision came through, and whether the name was authenticated. The
 * {@code agentreviews} endpoint and {@link Reviews#decide(String, ReviewDecision)} take
 * the authenticated principal; a trusted caller that authenticates people itself (a chat
 * bot, a ticketing integration) passes one to
 * {@link Reviews#decide(String, ReviewDecision, Reviewer)}.
 *
 * @param name the reviewer's name, as recorded with the decision
 * @param authorities the reviewer's authorities (such as {@code ROLE_billing-team})
 * @param channel where the decision came from
 * @param authenticated whether the caller authenticated the reviewer; a decision of an
 * unauthenticated reviewer is taken only when anonymous decisions are allowed, under the
 * name it gives
 */
public record Reviewer(String name, Set<String> authorities, Channel channel, boolean authenticated) {

	/**
	 * Creates a reviewer, checking its name.
	 * @param name the reviewer's name
	 * @param authorities the reviewer's authorities
	 * @param channel where the decision came from
	 * @param authenticated whether the caller authenticated the reviewer
	 */
	public Reviewer {
		Assert.hasText(name, "A reviewer needs a name");
		Assert.notNull(channel, "A reviewer needs a channel");
		authorities = (authorities != null) ? Set.copyOf(authorities) : Set.of();
	}

	/**
	 * Creates a reviewer the caller authenticated, deciding through the API.
	 * @param name the reviewer's name
	 * @param authorities the reviewer's authorities
	 * @return the reviewer
	 */
	public static Reviewer of(String name, String... authorities) {
		return new Reviewer(name, Set.of(authorities), Channel.API, true);
	}

	/**
	 * Creates the reviewer of a decision nobody authenticated; it is signed with the
	 * {@link ReviewDecision#reviewer() name the decision gives}.
	 * @param channel where the decision came from
	 * @return the reviewer
	 */
	public static Reviewer anonymous(Channel channel) {
		return new Reviewer("anonymous", Set.of(), channel, false);
	}

	/**
	 * Where a decision came from.
	 */
	public enum Channel {

		/**
		 * The {@code agentreviews} endpoint over HTTP.
		 */
		HTTP,

		/**
		 * The {@code agentreviews} endpoint over JMX.
		 */
		JMX,

		/**
		 * The {@link Reviews} bean, called by application code.
		 */
		API

	}

}
