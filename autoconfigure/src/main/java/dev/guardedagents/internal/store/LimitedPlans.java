package dev.guardedagents.internal.store;

import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The plans with a limit of runs at once
 * ({@code guarded-agents.plans.<name>.max-concurrent}), as the stores need them to queue
 * a waiting run of such a plan when it is woken or handed back ({@code REQUEUE}) rather
 * than resume it beyond the limit.
 */
final class LimitedPlans {

	private volatile List<String> names = List.of();

	void set(Collection<String> names) {
		this.names = List.copyOf(names);
	}

	boolean isEmpty() {
		return this.names.isEmpty();
	}

	/**
	 * The SQL condition on {@code name} that a run is of a limited plan, with one
	 * parameter per plan ({@link #names()}).
	 * @param negated whether the condition is that it is not
	 */
	String condition(boolean negated) {
		return "name " + (negated ? "NOT IN (" : "IN (")
				+ String.join(", ", Collections.nCopies(this.names.size(), "?")) + ")";
	}

	List<String> names() {
		return this.names;
	}

}
