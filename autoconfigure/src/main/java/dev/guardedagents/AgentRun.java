package dev.guardedagents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the entry point (the plan) of a durable agent run.
 * <p>
 * Calling the method through its bean starts a run in the caller's thread: the arguments
 * are stored, every {@link GuardedTool} call made by the method is journaled as a step,
 * and the result is recorded. {@link AgentRuns#start(java.util.function.Supplier)} starts
 * the same run asynchronously. A run interrupted by a crash or a deploy is resumed by
 * calling the method again with the stored arguments: completed steps return their
 * recorded results, so the method's own code must be deterministic.
 * <p>
 * Calls through {@code this} bypass the proxy and are not runs. A call made inside a run
 * is part of that run.
 *
 * @see GuardedTool
 * @see AgentRuns
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AgentRun {

	/**
	 * Name of the run, unique in the application. Defaults to the simple class name and
	 * method name, such as {@code RefundDesk.handle}.
	 * @return the run name
	 */
	String name() default "";

	/**
	 * Version of the plan. Runs recorded under another version are not resumed by this
	 * code: they are reported and left for an instance that has that version.
	 * @return the plan version
	 */
	String version() default "1";

	/**
	 * SpEL expression over the method arguments (such as {@code #ticket.id}) giving the
	 * idempotency key of the run. A second start with a key already used by a run of the
	 * same name returns that run instead of starting a new one.
	 * @return the idempotency key expression, empty for none
	 */
	String idempotencyKey() default "";

	/**
	 * SpEL expression over the method arguments giving a business key recorded with the
	 * run, to find it later (such as {@code #ticket.orderId}).
	 * @return the business key expression, empty for none
	 */
	String businessKey() default "";

	/**
	 * Name of the budget profile ({@code guarded-agents.budgets.<profile>}) that caps the
	 * run's cost, tokens, model and tool calls and wall time. Empty: the profile named
	 * {@code default} if there is one, else no budget.
	 * @return the budget profile, empty for the default
	 */
	String budget() default "";

	/**
	 * A cron expression (Spring's six fields, such as {@code 0 0 * * * *} for every hour,
	 * or a macro such as {@code @daily}) that starts a run of this plan at each tick,
	 * once across all instances: the tick is the run's idempotency key. The method takes
	 * no parameter, or one {@link java.time.Instant} that receives the tick. Overridden
	 * by {@code guarded-agents.schedules.<run name>.cron}, which also sets the time zone
	 * and the catch-up of ticks missed while no instance ran. Placeholders
	 * ({@code ${...}}) are resolved.
	 * @return the cron expression, empty for no schedule
	 */
	String schedule() default "";

}
