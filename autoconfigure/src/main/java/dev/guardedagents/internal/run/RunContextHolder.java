package dev.guardedagents.internal.run;

import dev.guardedagents.RunContext;
import org.jspecify.annotations.Nullable;

/**
 * Holds the run executing on the current thread. Internal: use
 * {@link RunContext#current()}.
 */
public final class RunContextHolder {

	private static final ThreadLocal<Execution> current = new ThreadLocal<>();

	private RunContextHolder() {
	}

	/**
	 * Returns the context of the run executing on this thread.
	 * @return the context, or {@code null} outside a run
	 */
	public static @Nullable RunContext current() {
		return current.get();
	}

	static @Nullable Execution execution() {
		return current.get();
	}

	static @Nullable Execution bind(@Nullable Execution execution) {
		Execution previous = current.get();
		if (execution != null) {
			current.set(execution);
		}
		else {
			current.remove();
		}
		return previous;
	}

}
