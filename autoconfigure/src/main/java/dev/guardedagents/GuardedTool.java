package dev.guardedagents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as a step: a call with side effects or non-determinism (an API
 * call, a database write, a tool a model may call).
 * <p>
 * Inside a run each call is journaled once it completes: its input, its output or
 * failure, its timing. When the run is resumed, a journaled call returns its recorded
 * output (or rethrows its recorded failure) without executing again. A call that was
 * executing when the process died has no journal entry and runs again, so the body should
 * pass {@link RunContext#stepIdempotencyKey()} to external systems that accept one.
 * Outside a run the method is called as usual.
 *
 * @see AgentRun
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface GuardedTool {

	/**
	 * Name of the step, as recorded in the journal and checked on replay. Defaults to the
	 * simple class name and method name.
	 * @return the step name
	 */
	String name() default "";

}
