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
	 * Puts a run in the MDC of this thread, or takes the run out.
	 * @param execution the run this thread executes now, or {@code null}
	 */
	static void run(@Nullable Execution execution) {
		if (PRESENT) {
			Slf4j.run(execution);
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

		static void run(@Nullable Execution execution) {
			put(RUN_ID, (execution != null) ? execution.runId() : null);
			put(RUN_NAME, (execution != null) ? execution.runName() : null);
			put(BUSINESS_KEY, (execution != null) ? execution.businessKey() : null);
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
