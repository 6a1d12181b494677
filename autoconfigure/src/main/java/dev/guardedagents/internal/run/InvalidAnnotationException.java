package dev.guardedagents.internal.run;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanInitializationException;

/**
 * Thrown at start-up when an annotation of Guarded Agents is used wrongly: says where
 * (annotation, attribute, method), what is wrong, and how to fix it, for the failure
 * analyzer. Internal: not API.
 */
public class InvalidAnnotationException extends BeanInitializationException {

	private final String where;

	private final String problem;

	private final String fix;

	InvalidAnnotationException(String where, String problem, String fix) {
		this(where, problem, fix, null);
	}

	InvalidAnnotationException(String where, String problem, String fix, @Nullable Throwable cause) {
		super(where + " " + problem + ". " + fix, cause);
		this.where = where;
		this.problem = problem;
		this.fix = fix;
	}

	/**
	 * Returns where the mistake is: annotation, attribute and method.
	 * @return the place
	 */
	public String getWhere() {
		return this.where;
	}

	/**
	 * Returns what is wrong.
	 * @return the problem
	 */
	public String getProblem() {
		return this.problem;
	}

	/**
	 * Returns how to fix it.
	 * @return the fix
	 */
	public String getFix() {
		return this.fix;
	}

}
