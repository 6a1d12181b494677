package dev.guardedagents.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.RunView;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.testing.GuardedAgentsTestTests.Desk;
import dev.guardedagents.testing.GuardedAgentsTestTests.Triage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Recorded runs replayed against the code: an exported run replays without calling the
 * model or any tool; a run whose plan changed fails with the position where it departs; a
 * run recorded under another plan version is checked only when the test says the code
 * serves it; and {@link ReplayRuns} replays the runs exported to a folder.
 */
@GuardedAgentsTest
class ReplayTests {

	@Autowired
	Desk desk;

	@Autowired
	Triage triage;

	@Autowired
	ScriptedChatModel model;

	@Autowired
	TestRuns runs;

	@Autowired
	AgentRuns agentRuns;

	@BeforeEach
	void reset() {
		this.model.reset();
		Desk.refunded.set(0);
	}

	@Test
	void anExportedRunReplaysWithoutCallingTheModelOrAnyTool() throws Exception {
		RecordedRun recorded = approvedRun();
		int requests = this.model.requests().size();

		this.runs.assertReplays(recorded);

		assertThat(this.model.requests()).as("the model was not asked again").hasSize(requests);
		assertThat(Desk.refunded).as("the refund was not made again").hasValue(1);
		Path export = Path.of("target", "recorded-runs", "desk-approved.json");
		Files.createDirectories(export.getParent());
		Files.writeString(export, this.agentRuns.export(recorded.run().id()));
	}

	@Test
	void aRunWhosePlanChangedFailsWithThePositionWhereItDeparts() {
		RecordedRun recorded = approvedRun();
		StepView tool = recorded.steps().get(1);
		StepView renamed = new StepView(tool.seq(), StepKind.TOOL, "findOrder", tool.succeeded(), tool.attempts(),
				tool.startedAt(), tool.duration(), tool.input(), tool.output(), tool.errorType(), tool.errorMessage(),
				tool.idempotencyKey(), tool.fellBack(), tool.attemptErrors(), tool.usage());
		RecordedRun changed = new RecordedRun("changed", recorded.run(), List.of(recorded.steps().get(0), renamed,
				recorded.steps().get(2), recorded.steps().get(3), recorded.steps().get(4)), Set.of());

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.runs.assertReplays(changed))
			.withMessageContaining("does not replay against this code after 1 of 5 steps")
			.withMessageContaining("recorded TOOL 'findOrder' as step 2 but the code now calls TOOL 'lookupOrder'");
	}

	@Test
	void aToolCallInsertedBeforeARecordedStepFailsWithThePosition() {
		// recorded by code that did not look the order up: the code now calls lookupOrder
		// where the record has the second model call
		RecordedRun recorded = approvedRun();
		List<StepView> steps = recorded.steps();
		List<StepView> without = List.of(steps.get(0), renumbered(steps.get(2), 2), renumbered(steps.get(3), 3),
				renumbered(steps.get(4), 4));
		RecordedRun before = new RecordedRun("before-lookup", recorded.run(), without, Set.of());

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.runs.assertReplays(before))
			.withMessageContaining("after 1 of 4 steps")
			.withMessageContaining("recorded LLM 'chat' as step 2 but the code now calls TOOL 'lookupOrder'");
	}

	private static StepView renumbered(StepView step, int seq) {
		return new StepView(seq, step.kind(), step.name(), step.succeeded(), step.attempts(), step.startedAt(),
				step.duration(), step.input(), step.output(), step.errorType(), step.errorMessage(),
				step.idempotencyKey(), step.fellBack(), step.attemptErrors(), step.usage());
	}

	@Test
	void aRunRecordedUnderAnotherVersionIsCheckedOnlyWhenTheCodeServesIt() {
		RecordedRun recorded = approvedRun();
		RunView run = recorded.run();
		RunView older = new RunView(run.id(), run.name(), "0", run.status(), run.businessKey(), run.idempotencyKey(),
				run.arguments(), run.result(), run.errorType(), run.errorMessage(), run.owner(), run.leaseUntil(),
				run.recoveries(), run.stepCount(), run.createdAt(), run.updatedAt(), run.finishedAt(),
				run.compensation(), run.startedBy());
		RecordedRun old = new RecordedRun("old", older, recorded.steps(), Set.of());

		assertThatExceptionOfType(TestAbortedException.class).isThrownBy(() -> this.runs.assertReplays(old))
			.withMessageContaining("recorded under version 0 of 'desk' and the code is version 1");
		this.runs.assertReplays(old.serving(Set.of("0")));
	}

	@Test
	void aRunRecordedUnderAnotherPromptVersionDepartsAtItsModelCall() {
		this.model.answer("BILLING");
		String runId = this.runs.start(() -> this.triage.classify("I was charged twice"));
		this.runs.assertThat(runId).succeeded();
		RecordedRun recorded = this.runs.export(runId);
		this.runs.assertReplays(recorded);
		StepView chat = recorded.steps().get(0);
		ModelUsage usage = chat.usage();
		assertThat(usage.promptName()).isEqualTo("triage");
		assertThat(usage.promptVersion()).isEqualTo("2");
		StepView underVersion1 = new StepView(chat.seq(), chat.kind(), chat.name(), chat.succeeded(), chat.attempts(),
				chat.startedAt(), chat.duration(), chat.input(), chat.output(), chat.errorType(), chat.errorMessage(),
				chat.idempotencyKey(), chat.fellBack(), chat.attemptErrors(),
				new ModelUsage(usage.model(), "triage", "1", "0123456789ab", usage.inputTokens(), usage.outputTokens(),
						usage.cachedTokens(), usage.reasoningTokens(), usage.cost()));
		RecordedRun older = new RecordedRun("triage-v1", recorded.run(), List.of(underVersion1), Set.of());

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.runs.assertReplays(older))
			.withMessageContaining("after 0 of 1 steps")
			.withMessageContaining("recorded step 1 with prompt 'triage' version 1 (hash 0123456789ab) where the "
					+ "code now sends prompt 'triage' version 2 (hash " + usage.promptHash() + ")");
	}

	@ReplayRuns("classpath:recorded-runs/")
	void replaysTheRunsExportedToAFolder(RecordedRun run) {
		this.runs.assertReplays(run);
	}

	private RecordedRun approvedRun() {
		this.model.callTool("lookupOrder", "{\"id\":\"7\"}").answer("Refund order 7");
		String runId = this.runs.start(() -> this.desk.handle("ticket-7"));
		this.runs.approve(runId);
		this.runs.assertThat(runId).succeeded();
		return this.runs.export(runId);
	}

}
