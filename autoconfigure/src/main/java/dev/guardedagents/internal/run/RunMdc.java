package dev.guardedagents.internal.run;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

import org.springframework.util.ClassUtils;

/**
 * Puts the run a thread executes, and the step whose body it runs, in the logging MDC
 * (SLF4J), so that every log line written inside a run carries them: {@value #RUN_ID},
 * {@value #RUN_NAME}, {@value #BUSINESS_KEY} and {@value #STEP}. Does nothing without
 * SLF4J.
 */
final class RunMdc {

	/**
	 * The MDC key of the run id.
	 */
	static final String RUN_ID = "runId";

	/**
	 * The MDC key of the run name.
	 */
	static final String RUN_NAME = "runName";

	/**
	 * The MDC key of the run's business key.
	 */
	static final String BUSINESS_KEY = "businessKey";

	/**
	 * The MDC key of the step whose body executes.
	 */
	static final String STEP = "step";

	private static final boolean PRESENT = ClassUtils.isPresent("org.slf4j.MDC", RunMdc.class.getClassLoader());

	private RunMdc() {
	}

	/**
	 * Puts a run in the MDC of this thread, or takes the run out. The application's own
	 * values under the same keys, found when a run enters a thread, are put back when it
	 * leaves.
	 * @param execution the run this thread executes now, or {@code null}
	 * @param previous the run it executed before, or {@code null}
	 */
	static void run(@Nullable Execution execution, @Nullable Execution previous) {
		if (PRESENT) {
			Slf4j.run(execution, previous);
		}
	}

	/**
	 * Puts the step whose body this thread executes in its MDC, or takes it out.
	 * @param name the step name, or {@code null}
	 */
	static void step(@Nullable String name) {
		if (PRESENT) {
			Slf4j.put(STEP, name);
		}
	}

	/**
	 * The calls that need SLF4J, loaded only when it is present.
	 */
	private static final class Slf4j {

		private static final String[] KEYS = { RUN_ID, RUN_NAME, BUSINESS_KEY, STEP };

		private static final ThreadLocal<String[]> outside = new ThreadLocal<>();

		static void run(@Nullable Execution execution, @Nullable Execution previous) {
			if (execution != null && previous == null) {
				String[] values = new String[KEYS.length];
				for (int i = 0; i < KEYS.length; i++) {
					values[i] = MDC.get(KEYS[i]);
				}
				outside.set(values);
			}
			if (execution == null) {
				String[] values = outside.get();
				outside.remove();
				for (int i = 0; i < KEYS.length; i++) {
					put(KEYS[i], (values != null) ? values[i] : null);
				}
				return;
			}
			put(RUN_ID, execution.runId());
			put(RUN_NAME, execution.runName());
			put(BUSINESS_KEY, execution.businessKey());
		}

		static void put(String key, @Nullable String value) {
			if (value != null) {
				MDC.put(key, value);
			}
			else {
				MDC.remove(key);
			}
		}

	}

}
