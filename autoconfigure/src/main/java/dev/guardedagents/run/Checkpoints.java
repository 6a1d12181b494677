package dev.guardedagents.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.guardedagents.CheckpointRejectedException;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.store.NewReview;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;

/**
 * Human checkpoints inside runs: a checkpoint that applies parks the run with a review;
 * the decision is journaled as a {@code CHECKPOINT} step, and an approved action then
 * runs as a {@code TOOL} step.
 */
final class Checkpoints {

	private final RunEngine engine;

	Checkpoints(RunEngine engine) {
		this.engine = engine;
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
		if (!checkpoint.applies(invocation.getArguments())) {
			return this.engine.invokeStep(invocation, StepKind.TOOL, checkpoint.toolName(), checkpoint.returnType(),
					this.engine.guards().guard(checkpoint.method(), checkpoint.toolName()), null, false);
		}
		if (execution.isCancelled()) {
			throw RunSignal.cancelled(execution.runId());
		}
		int seq = execution.nextSeq();
		StepView recorded = execution.recorded(seq);
		if (recorded != null) {
			RunEngine.checkReplay(execution, recorded, StepKind.CHECKPOINT, checkpoint.name());
			return act(invocation, checkpoint, this.engine.codec().readVerdict(recorded.output()));
		}
		if (execution.poison() != null) {
			throw execution.poison();
		}
		ReviewView review = this.engine.parking().reviewAt(execution, seq, ReviewKind.CHECKPOINT);
		if (review == null) {
			throw openReview(execution, seq, checkpoint, invocation.getArguments());
		}
		if (review.status() == ReviewStatus.PENDING) {
			throw this.engine.parking().waitFor(execution, review);
		}
		Verdict verdict = new Verdict(review.status(), review.id(), review.reviewer(), review.comment(),
				review.edits());
		boolean approved = verdict.status() == ReviewStatus.APPROVED;
		String rejection = approved ? null : verdict.rejection(checkpoint.name()).getMessage();
		Instant decidedAt = (review.decidedAt() != null) ? review.decidedAt() : this.engine.now();
		this.engine.record(execution, new StepView(seq, StepKind.CHECKPOINT, checkpoint.name(), approved, 1,
				review.createdAt(), Duration.between(review.createdAt(), decidedAt), review.payload(),
				this.engine.codec().writeVerdict(verdict),
				approved ? null : CheckpointRejectedException.class.getName(), rejection, execution.stepKey(seq)));
		return act(invocation, checkpoint, verdict);
	}

	private RunSignal openReview(Execution execution, int seq, AgentRunRegistry.Checkpoint checkpoint, Object[] args) {
		Instant now = this.engine.now();
		Duration timeout = (checkpoint.timeout() != null) ? checkpoint.timeout()
				: this.engine.settings().reviewTimeout();
		Duration escalationTimeout = (checkpoint.escalationTimeout() != null) ? checkpoint.escalationTimeout()
				: timeout;
		List<String> reviewers = checkpoint.reviewers().isEmpty()
				? this.engine.access().reviewers(ReviewKind.CHECKPOINT) : checkpoint.reviewers();
		return this.engine.parking()
			.open(execution,
					new NewReview(UUID.randomUUID().toString(), execution.runId(), seq, 1, ReviewKind.CHECKPOINT,
							checkpoint.name(), reviewers, checkpoint.summary(args),
							this.engine.codec().writePayload(checkpoint, args), checkpoint.onTimeout(),
							now.plus(timeout), checkpoint.approvals(), checkpoint.editable(), checkpoint.escalateTo(),
							escalationTimeout.toMillis(), now),
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
			proxyInvocation
				.setArguments(this.engine.codec().applyEdits(checkpoint, invocation.getArguments(), verdict.edits()));
		}
		return this.engine.invokeStep(invocation, StepKind.TOOL, checkpoint.toolName(), checkpoint.returnType(),
				this.engine.guards().guard(checkpoint.method(), checkpoint.toolName()), null, false);
	}

}
