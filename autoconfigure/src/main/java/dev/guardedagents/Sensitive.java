package dev.guardedagents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter or the return value (on the method) of a {@link GuardedTool},
 * {@link HumanCheckpoint} or {@link AgentRun} method as sensitive.
 * <p>
 * Wherever the journal is shown (the {@code agentruns} and {@code agentreviews}
 * endpoints, review events) a sensitive value appears as {@value #MASK}. A sensitive
 * parameter of a tool is not needed to replay a run (a replay returns the recorded
 * output), so it is not even stored: the step's journaled input holds {@value #MASK} in
 * its place, or its SHA-256 hash with {@code guarded-agents.redaction.store=hash}. The
 * arguments of a run and the output of a tool are needed to resume and replay it, so they
 * are stored as they are and only hidden where shown; the application's own calls
 * ({@link AgentRuns}, {@link Reviews}) see the real values.
 * <p>
 * Values in the journal that are not marked are still masked where shown when they match
 * one of {@code guarded-agents.redaction.patterns} (card numbers, e-mail addresses and
 * API keys by default).
 *
 * @see GuardedTool
 */
@Target({ ElementType.PARAMETER, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Sensitive {

	/**
	 * What a sensitive value is shown and stored as.
	 */
	String MASK = "[sensitive]";

}
