package dev.guardedagents;

import java.util.Set;

/**
 * Thrown when an authenticated principal may not take a decision (HTTP 403): it belongs
 * to none of the review's reviewer groups, it started the run it would approve, it
 * approved the review already, or it signs the decision with another name. Also thrown
 * when a principal without an operator authority acts on a run.
 */
public class ReviewerNotAuthorizedException extends RuntimeException {

	private final String principal;

	private final Set<String> required;

	/**
	 * Creates a new instance.
	 * @param principal the name of the refused principal
	 * @param required the groups or authorities that would have been allowed, empty when
	 * the refusal is not about groups
	 * @param message why it was refused
	 */
	public ReviewerNotAuthorizedException(String principal, Set<String> required, String message) {
		super(message);
		this.principal = principal;
		this.required = Set.copyOf(required);
	}

	/**
	 * Returns the name of the refused principal.
	 * @return the principal
	 */
	public String getPrincipal() {
		return this.principal;
	}

	/**
	 * Returns the reviewer groups (or operator authorities) that would have been allowed.
	 * @return the required groups, empty when the refusal is not about groups
	 */
	public Set<String> getRequired() {
		return this.required;
	}

}
