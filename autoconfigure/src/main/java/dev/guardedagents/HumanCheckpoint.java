package dev.guardedagents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as an action that needs a human decision before it runs.
 * <p>
 * Inside a run, the first call writes a pending review (the arguments are its payload)
 * and parks the run as {@link RunStatus#WAITING} without holding a thread: a synchronous
 * caller of the {@link AgentRun} method gets {@link RunSuspendedException}. Once a
 * reviewer decides through {@link Reviews} (or the {@code agentreviews} endpoint), the
 * run is resumed on any instance and replays to the checkpoint, which then runs the
 * method (approved, possibly with edited arguments) or throws
 * {@link CheckpointRejectedException} (rejected or timed out). The method's body is a
 * journaled step, so it runs once per approval. Outside a run the method is called as
 * usual.
 *
 * Only reviewers of the checkpoint's {@link #reviewers()} groups may decide, as the
 * authenticated principal; {@link #approvals()} distinct reviewers must approve, and an
 * approval may change only the {@link #editable()} parameters.
 *
 * <pre class="code">
 * &#64;HumanCheckpoint(name = "send-offer", timeout = "4h", onTimeout = TimeoutOutcome.REJECT,
 *         when = "#offer.amount &gt; 500", reviewers = "sales-leads", editable = "offer",
 *         summary = "'Send offer of ' + #offer.amount + ' to ' + #customer.email")
 * public Receipt sendOffer(Customer customer, Offer offer) { ... }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HumanCheckpoint {

	/**
	 * Name of the checkpoint. Defaults to the simple class name and method name.
	 * @return the checkpoint name
	 */
	String name() default "";

	/**
	 * How long reviewers have to decide, as a duration ({@code 4h}, {@code 30m},
	 * {@code PT4H}). Defaults to {@code guarded-agents.reviews.default-timeout}.
	 * @return the timeout
	 */
	String timeout() default "";

	/**
	 * What happens when the timeout passes without a decision.
	 * @return the timeout outcome
	 */
	TimeoutOutcome onTimeout() default TimeoutOutcome.REJECT;

	/**
	 * SpEL condition over the arguments; a human is asked only when it holds, otherwise
	 * the method just runs. Always asks when empty.
	 * @return the condition
	 */
	String when() default "";

	/**
	 * The reviewer groups who may decide, comma-separated: authorities (such as
	 * {@code billing-team}, which also admits {@code ROLE_billing-team}) or people
	 * ({@code user:ann}), as the {@link dev.guardedagents.spi.ReviewerAuthorizer} maps
	 * them. Defaults to {@code guarded-agents.reviews.kinds.checkpoint.reviewers}.
	 * @return the reviewer groups
	 */
	String reviewers() default "";

	/**
	 * How many distinct reviewers must approve before the action runs; one rejection
	 * rejects it. Only the first approval may carry edits; the others approve the
	 * arguments as edited.
	 * @return the number of approvals, at least 1
	 */
	int approvals() default 1;

	/**
	 * The parameters an approval may change ("approve with edits"); none by default.
	 * Edits bind strictly to the parameter's type: no number from a string, no integer
	 * from a fraction.
	 * @return the names of the editable parameters
	 */
	String[] editable() default {};

	/**
	 * SpEL expression over the arguments rendering what the reviewers see.
	 * @return the summary expression
	 */
	String summary() default "";

	/**
	 * Reviewer groups asked next, comma-separated, when {@link #onTimeout()} is
	 * {@link TimeoutOutcome#ESCALATE}.
	 * @return the escalation reviewers
	 */
	String escalateTo() default "";

	/**
	 * How long the escalation reviewers have; the escalated review is rejected as timed
	 * out after that. Defaults to {@link #timeout()}.
	 * @return the escalation timeout
	 */
	String escalationTimeout() default "";

}
