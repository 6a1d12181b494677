package dev.guardedagents.internal.run;

import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.RunCancelledException;
import dev.guardedagents.RunContext;
import dev.guardedagents.RunFailedException;
import dev.guardedagents.RunNotFoundException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunTotals;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.RunRow;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.dao.DataAccessException;

/**
 * Lets plans start child runs and wait for them. {@code AgentRuns.start} in a plan is a
 * {@code CHILD} step named after the child's plan, whose output is the child's id: the
 * step is recorded first, the child started after it (or, after a crash in between, when
 * the step replays where the journal ends), so a replay returns the same child and never
 * starts a second, nor again one that was purged. {@code RunContext.await} reads the
 * child's end; while it has not ended, the parent waits in the database as a receiving
 * run does, on the topic {@value JdbcRunStore#CHILD_TOPIC} and the child's id, and the
 * child's end (or any recovery scan) wakes it. The wait is journaled as the step
 * {@value RunContext#AWAIT}, whose output is how the child ended and whose usage is what
 * the child (with its own children) spent, which the parent's budget counts there, once.
 */
final class Children {

	private static final Log logger = LogFactory.getLog(Children.class);

	private final RunJournal journal;

	private final JdbcRunStore store;

	private final JsonCodec codec;

	private final BudgetGate budget;

	private final StepPipeline pipeline;

	private final ToolGuards guards;

	private final Starter starter;

	private final Consumer<Instant> wakeUp;

	/**
	 * Creates the children.
	 * @param journal the run journal
	 * @param store the run store
	 * @param codec the journal's JSON
	 * @param budget tells the step the journal holds next
	 * @param pipeline the step pipeline
	 * @param guards the guards of the steps
	 * @param starter records a child run and starts it
	 * @param wakeUp told when a waiting run was woken, so that recovery resumes it soon
	 */
	Children(RunJournal journal, JdbcRunStore store, JsonCodec codec, BudgetGate budget, StepPipeline pipeline,
			ToolGuards guards, Starter starter, Consumer<Instant> wakeUp) {
		this.journal = journal;
		this.store = store;
		this.codec = codec;
		this.budget = budget;
		this.pipeline = pipeline;
		this.guards = guards;
		this.starter = starter;
		this.wakeUp = wakeUp;
	}

	/**
	 * Starts a child run as the plan's next step, or returns the child the step started
	 * before.
	 */
	RunEngine.StartedRun start(Execution execution, AgentRunRegistry.Plan plan, Object[] args) throws Throwable {
		String arguments = this.codec.writeArguments(plan, args);
		boolean[] executed = { false };
		String childId = (String) this.pipeline
			.run(new StepBody.Child(plan.name(), arguments, this.guards.child(plan.name()), () -> {
				executed[0] = true;
				String id = UUID.randomUUID().toString();
				return new StepBody.Produced(id, this.codec.writeResult(id, String.class), null);
			}, (output) -> this.codec.readResult(output, String.class)));
		// started now, or replayed where the journal ends: the child may not be recorded
		// yet (a crash came between); a start the run went on after recorded it, and a
		// child missing then was purged, not to be started again
		if (!execution.isReplayOnly() && (executed[0] || this.budget.peek(execution) == null)) {
			this.journal.writeFor(execution, () -> this.starter.start(execution, plan, args, childId));
		}
		return new RunEngine.StartedRun(childId, plan.returnType(), executed[0]);
	}

	/**
	 * Returns the result of a child run that ended, throws its failure, or puts the run
	 * to wait for its end.
	 */
	@Nullable Object await(Execution execution, String childId, Type type) throws Throwable {
		String input = this.codec.mapper().writeValueAsString(Map.of("child", childId));
		Function<String, @Nullable Object> reader = (output) -> outcome(childId, output, type);
		// every earlier wait of the run replayed in this execution before this one
		boolean firstWait = execution.awaitedFirst(childId);
		if (execution.isReplayOnly() || this.budget.peek(execution) != null) {
			// answered from the journal (or a departure from it), without reading the
			// child
			return this.pipeline
				.run(new StepBody.Child(RunContext.AWAIT, input, this.guards.child(RunContext.AWAIT), () -> {
					throw new IllegalStateException("The wait for child run " + childId + " is not recorded");
				}, reader));
		}
		RunRow child = this.journal.writeFor(execution, () -> this.store.findRun(childId).orElse(null));
		if (child != null && !child.status().isTerminal()) {
			this.journal.park(execution, null, JdbcRunStore.CHILD_TOPIC + childId);
			// a child that ended while the run went to wait found it awake: wake it now
			// (should the journal fail, any instance's scan wakes a run whose child
			// ended)
			Instant now = this.journal.now();
			try {
				if (this.store.wakeAwaiting(childId, now)) {
					this.wakeUp.accept(now);
				}
			}
			catch (DataAccessException ex) {
				logger.debug("Could not look again at child run " + childId + ": " + ex.getMessage());
			}
			throw RunSignal.awaiting(execution.runId(), childId);
		}
		ModelUsage usage = null;
		// a child's spend counts at the first wait for it only
		if (child != null && execution.runId().equals(child.parentId()) && firstWait) {
			RunTotals totals = this.journal.writeFor(execution, () -> this.store.totals(List.of(childId)).get(childId));
			if (totals != null) {
				usage = new ModelUsage(null, null, null, null, totals.inputTokens(), totals.outputTokens(),
						totals.cachedTokens(), 0, totals.cost());
			}
		}
		String output = this.codec.mapper().writeValueAsString(ended(childId, child));
		ModelUsage spent = usage;
		return this.pipeline.run(new StepBody.Child(RunContext.AWAIT, input, this.guards.child(RunContext.AWAIT),
				() -> new StepBody.Produced(null, output, spent), reader));
	}

	private Outcome ended(String childId, @Nullable RunRow child) {
		if (child == null) {
			return new Outcome(childId, null, "MISSING", null, null, null);
		}
		return new Outcome(childId, child.name(), child.status().name(),
				(child.result() != null) ? this.codec.mapper().readTree(child.result()) : null, child.errorType(),
				child.errorMessage());
	}

	/**
	 * Answers the plan with how a child ended, as recorded.
	 */
	private @Nullable Object outcome(String childId, String output, Type type) {
		Outcome outcome = this.codec.mapper().readValue(output, Outcome.class);
		if (RunStatus.SUCCEEDED.name().equals(outcome.status())) {
			return this.codec.readResult((outcome.result() != null) ? outcome.result().toString() : "null", type);
		}
		if (RunStatus.CANCELLED.name().equals(outcome.status())) {
			throw new RunFailedException(childId, RunCancelledException.class.getName(),
					"Run " + childId + " was cancelled", null);
		}
		if (RunStatus.FAILED.name().equals(outcome.status())) {
			throw new RunFailedException(childId, String.valueOf(outcome.errorType()), outcome.errorMessage(), null);
		}
		throw new RunNotFoundException(childId);
	}

	/**
	 * How a child ended, as the wait for it records it.
	 *
	 * @param run the child's id
	 * @param name the child's run name, for the redaction of its result
	 * @param status its status, or {@code MISSING} when it was purged
	 * @param result its result, once succeeded
	 * @param errorType the class name of its error, once failed
	 * @param errorMessage its error message, once failed
	 */
	record Outcome(String run, @Nullable String name, String status, @Nullable JsonNode result,
			@Nullable String errorType, @Nullable String errorMessage) {
	}

	/**
	 * Records a child run, unless it exists, and starts it.
	 */
	@FunctionalInterface
	interface Starter {

		@Nullable Void start(Execution parent, AgentRunRegistry.Plan plan, Object[] args, String childId);

	}

}
