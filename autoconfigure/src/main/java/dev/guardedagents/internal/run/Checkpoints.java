package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.internal.store.ReviewRow;
import dev.guardedagents.StepKind;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.internal.store.NewReview;
import dev.guardedagents.internal.store.NewStep;
import dev.guardedagents.internal.redaction.Sensitivity;
import dev.guardedagents.internal.store.StepRow;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;

/**
 * Human checkpoints inside runs: a checkpoint that applies parks the run with a review;
 * the decision is journaled as a {@code CHECKPOINT} step, and an approved action then
 * runs as a {@code TOOL} step.
 */
final class Checkpoints {

	private static final Log logger = LogFactory.getLog(Checkpoints.class);

	private final RunJournal journal;

	private final Parking parking;

	private final BudgetGate budget;

	private final StepPipeline pipeline;

	private final ToolGuards guards;

	private final GuardedCalls calls;

	private final JsonCodec codec;

	private final ReviewAccess access;

	private final RunSettings settings;

	Checkpoints(RunJournal journal, Parking parking, BudgetGate budget, StepPipeline pipeline, ToolGuards guards,
			GuardedCalls calls, JsonCodec codec, ReviewAccess access, RunSettings settings) {
		this.journal = journal;
		this.parking = parking;
		this.budget = budget;
		this.pipeline = pipeline;
		this.guards = guards;
		this.calls = calls;
		this.codec = codec;
		this.access = access;
		this.settings = settings;
	}

	/**
	 * Called by the {@code @HumanCheckpoint} interceptor: asks a human, or applies the
	 * decision taken, then runs the method as a step.
	 */
	@Nullable Object invoke(MethodInvocation invocation, AgentRunRegistry.Checkpoint checkpoint) throws Throwable {
		Execution execution = RunContextHolder.execution();
		if (execution == null || execution.inStep()) {
			return invocation.proceed();
		}
		StepRow ahead = this.budget.peek(execution);
		AgentRunRegistry.Condition condition = (ahead != null) ? null : checkpoint.condition(invocation.getArguments());
		boolean asked = (ahead != null) ? ahead.kind() == StepKind.CHECKPOINT && ahead.name().equals(checkpoint.name())
				: condition.applies() && !alreadyDone(execution, checkpoint, invocation.getArguments());
		if (!asked) {
			return action(invocation, checkpoint);
		}
		execution.stopIfCancelled();
		int seq = execution.nextSeq();
		StepRow recorded = execution.recorded(seq);
		if (recorded != null) {
			StepPipeline.checkReplay(execution, recorded, StepKind.CHECKPOINT, checkpoint.name());
			return act(invocation, checkpoint, this.codec.readVerdict(recorded.output()));
		}
		if (execution.poison() != null) {
			throw execution.poison();
		}
		execution.stopIfOnlyReplaying(seq);
		ReviewRow review = this.parking.reviewAt(execution, seq, ReviewKind.CHECKPOINT);
		if (review == null) {
			if (condition != null && condition.failure() != null && this.settings.failRunOnWhenError()) {
				throw RunSignal.failRun(execution.runId(), new IllegalStateException("@HumanCheckpoint '"
						+ checkpoint.name() + "': " + condition.failure() + " (guarded-agents.reviews.when-error)"));
			}
			throw openReview(execution, seq, checkpoint, invocation.getArguments(),
					(condition != null) ? condition.failure() : null);
		}
		if (review.status() == ReviewStatus.PENDING) {
			throw this.parking.waitFor(execution, review);
		}
		Verdict verdict = new Verdict(review.status(), review.id(), review.reviewer(), review.comment(),
				review.edits());
		boolean approved = verdict.status() == ReviewStatus.APPROVED;
		Instant decidedAt = (review.decidedAt() != null) ? review.decidedAt() : this.journal.now();
		this.journal.record(execution,
				NewStep.decision(seq, checkpoint.name(), execution.stepKey(seq), review.createdAt(), decidedAt,
						review.payload(), this.codec.writeVerdict(verdict),
						approved ? null : verdict.rejection(checkpoint.name())));
		return act(invocation, checkpoint, verdict);
	}

	/**
	 * Whether the checkpoint's action was done already under its idempotency key, with
	 * the same arguments: then nobody is asked, and the call answers from the key. Only
	 * where the run meets the checkpoint for the first time (a replay follows its journal
	 * instead), and never where it parked for a review.
	 */
	private boolean alreadyDone(Execution execution, AgentRunRegistry.Checkpoint checkpoint, Object[] args) {
		if (execution.mayHoldDecision(execution.stepCount() + 1)) {
			return false;
		}
		String key = checkpoint.idempotencyKey(args);
		return key != null
				&& this.calls.completed(checkpoint.toolName(), key, args, Sensitivity.of(checkpoint.method()));
	}

	private RunSignal openReview(Execution execution, int seq, AgentRunRegistry.Checkpoint checkpoint, Object[] args,
			@Nullable String conditionFailure) {
		Instant now = this.journal.now();
		String summary = checkpoint.summary(args);
		if (conditionFailure != null) {
			logger.warn("@HumanCheckpoint '" + checkpoint.name() + "' in run " + execution.runId() + ": "
					+ conditionFailure + "; a reviewer decides");
			summary = "Asked because " + conditionFailure + ((summary != null) ? ". " + summary : "");
		}
		Duration timeout = (checkpoint.timeout() != null) ? checkpoint.timeout() : this.settings.reviewTimeout();
		Duration escalationTimeout = (checkpoint.escalationTimeout() != null) ? checkpoint.escalationTimeout()
				: timeout;
		List<String> reviewers = checkpoint.reviewers().isEmpty() ? this.access.reviewers(ReviewKind.CHECKPOINT)
				: checkpoint.reviewers();
		return this.parking.open(execution,
				new NewReview(UUID.randomUUID().toString(), execution.runId(), seq, 1, ReviewKind.CHECKPOINT,
						checkpoint.name(), reviewers, summary, this.codec.writePayload(checkpoint, args),
						checkpoint.onTimeout(), now.plus(timeout), checkpoint.approvals(), checkpoint.editable(),
						checkpoint.escalateTo(), escalationTimeout.toMillis(), now),
				StepKind.CHECKPOINT);
	}

	private @Nullable Object act(MethodInvocation invocation, AgentRunRegistry.Checkpoint checkpoint, Verdict verdict)
			throws Throwable {
		if (verdict.status() == ReviewStatus.TIMED_OUT && checkpoint.onTimeout() == TimeoutOutcome.FAIL_RUN) {
			throw RunSignal.failRun(RunContextHolder.execution().runId(), verdict.rejection(checkpoint.name()));
		}
		if (verdict.status() != ReviewStatus.APPROVED) {
			throw verdict.rejection(checkpoint.name());
		}
		if (verdict.edits() != null && invocation instanceof ProxyMethodInvocation proxyInvocation) {
			proxyInvocation.setArguments(this.codec.applyEdits(checkpoint, invocation.getArguments(), verdict.edits()));
		}
		return action(invocation, checkpoint);
	}

	/**
	 * Runs the checkpoint's method as a {@code TOOL} step, with its {@code @GuardedTool}
	 * definition when it has one (idempotency key, transaction): the tool's own
	 * interceptor then lets the call through, so the method is guarded and journaled
	 * once.
	 */
	private @Nullable Object action(MethodInvocation invocation, AgentRunRegistry.Checkpoint checkpoint)
			throws Throwable {
		AgentRunRegistry.RegisteredTool tool = checkpoint.tool();
		return this.pipeline.run(new StepBody.BeanMethod(invocation, checkpoint.toolName(), checkpoint.returnType(),
				this.guards.guard(checkpoint.method(), checkpoint.toolName()),
				(tool != null) ? tool.idempotencyKey(invocation.getArguments()) : null,
				tool != null && tool.transactional()));
	}

}
