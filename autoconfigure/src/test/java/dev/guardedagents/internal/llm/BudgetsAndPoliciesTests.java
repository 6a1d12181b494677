package dev.guardedagents.internal.llm;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.BudgetExceededException;
import dev.guardedagents.InvalidReviewDecisionException;
import dev.guardedagents.PolicyViolationException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.RunFailedException;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.RunTotals;
import dev.guardedagents.RunView;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.store.JdbcRunStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Budgets and step policies on model calls made through Spring AI's real OpenAI client:
 * each budget outcome (halt, degrade to a cheaper model, escalate then grant), the
 * warning published once, a policy that denies and one that asks a reviewer.
 */
class BudgetsAndPoliciesTests extends ModelTestSupport {

	@Autowired
	ModelTestApplication.Budgeted agent;

	@Autowired
	AgentRuns runs;

	@Autowired
	ModelTestApplication.Family family;

	@Autowired
	Reviews reviews;

	@Autowired
	JdbcRunStore store;

	@Autowired
	MeterRegistry meters;

	@Test
	void aHaltingBudgetFailsTheRunAtTheCallThatCrossedItsCostCap() {
		// each answer costs 80,000 x 2.50 + 10,000 x 10.00 per million = 0.30 USD
		openAi.answer("halt-cost question", "fine", 80000, 10000);

		assertThatExceptionOfType(BudgetExceededException.class).isThrownBy(() -> this.agent.halting("halt-cost"))
			.withMessageContaining("reached maxCost of budget 'halt': spent 0.6 USD of 0.50 USD");

		assertThat(openAi.requests("halt-cost question")).isEqualTo(2);
		RunView run = latestRun("halting");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.errorType()).isEqualTo(BudgetExceededException.class.getName());
		assertThat(this.store.totals(List.of(run.id())).get(run.id()).cost()).isEqualByComparingTo("0.60");
		assertThat(ModelTestApplication.Budgeted.warnings).filteredOn((warning) -> warning.runId().equals(run.id()))
			.singleElement()
			.satisfies((warning) -> {
				assertThat(warning.cap()).isEqualTo("maxCost");
				assertThat(warning.fraction()).isEqualTo(1.2);
			});
		assertThat(this.meters.get("guarded.budget.warnings")
			.tag("run", "halting")
			.tag("profile", "halt")
			.counter()
			.count()).isGreaterThanOrEqualTo(1.0);
	}

	@Test
	void aModelWithoutAPriceExceedsACostCapInsteadOfCostingNothing() {
		openAi.answerAs("unpriced question", "mystery-model", "fine", 1000, 100);

		assertThatExceptionOfType(BudgetExceededException.class).isThrownBy(() -> this.agent.unpriced("unpriced"))
			.withMessageContaining(
					"reached maxCost of budget 'halt': spent an unknown amount (1 model call without " + "a price");

		assertThat(openAi.requests("unpriced question", "mystery-model")).isEqualTo(1);
		RunView run = latestRun("unpriced");
		RunTotals totals = this.store.totals(List.of(run.id())).get(run.id());
		assertThat(totals.cost()).isNull();
		assertThat(totals.unpricedCalls()).isEqualTo(1);
		assertThat(totals.inputTokens()).isEqualTo(1000);
	}

	@Test
	void aDegradingBudgetSendsTheCallsAfterItsCapToTheCheaperModel() {
		openAi.answer("degrade-cost question", "fine", 80000, 10000);

		assertThat(this.agent.degrading("degrade-cost")).isEqualTo("fine fine fine");

		assertThat(openAi.requests("degrade-cost question", "gpt-lab")).isEqualTo(2);
		assertThat(openAi.requests("degrade-cost question", "gpt-lab-mini")).isEqualTo(1);
		RunView run = latestRun("degrading");
		assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
		RunTotals totals = this.store.totals(List.of(run.id())).get(run.id());
		assertThat(totals.degraded()).isTrue();
		assertThat(totals.modelCalls()).isEqualTo(3);
		assertThat(this.runs.steps(run.id()).get(2).input()).contains("\"model\":\"gpt-lab-mini\"");
	}

	@Test
	void anEscalatingBudgetParksTheRunUntilAReviewerGrantsMore() {
		openAi.answer("escalate-calls question", "fine", 1000, 100);

		RunSuspendedException suspended = org.junit.jupiter.api.Assertions.assertThrows(RunSuspendedException.class,
				() -> this.agent.escalating("escalate-calls"));

		assertThat(openAi.requests("escalate-calls question")).isEqualTo(1);
		assertThatExceptionOfType(InvalidReviewDecisionException.class)
			.isThrownBy(() -> this.reviews.decide(suspended.getReviewId(),
					ReviewDecision.approveWithEdits("finance", Map.of("maxModelCalls", "many"))))
			.withMessageContaining("edits.maxModelCalls");
		this.reviews.decide(suspended.getReviewId(), ReviewDecision.approve("finance"));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.runs.find(suspended.getRunId()).orElseThrow().status() == RunStatus.SUCCEEDED);
		assertThat(openAi.requests("escalate-calls question")).isEqualTo(2);
		assertThat(this.runs.steps(suspended.getRunId())).extracting(StepView::kind, StepView::name)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(StepKind.LLM, "chat"),
					org.assertj.core.groups.Tuple.tuple(StepKind.CHECKPOINT, "budget"),
					org.assertj.core.groups.Tuple.tuple(StepKind.LLM, "chat"));
	}

	@Test
	void aReviewerWhoRefusesMoreBudgetFailsTheRun() {
		openAi.answer("escalate-refused question", "fine", 1000, 100);
		RunSuspendedException suspended = org.junit.jupiter.api.Assertions.assertThrows(RunSuspendedException.class,
				() -> this.agent.escalating("escalate-refused"));

		this.reviews.decide(suspended.getReviewId(), ReviewDecision.reject("finance", "enough"));

		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.runs.find(suspended.getRunId()).orElseThrow().status() == RunStatus.FAILED);
		RunView run = this.runs.find(suspended.getRunId()).orElseThrow();
		assertThat(run.errorType()).isEqualTo(BudgetExceededException.class.getName());
		assertThat(run.errorMessage()).contains("reached maxModelCalls of budget 'escalate'")
			.contains("reviewer finance granted no more");
		assertThat(openAi.requests("escalate-refused question")).isEqualTo(1);
	}

	@Test
	void aPolicyDeniesAModelOutputWithACardNumberAndABeanPolicyDeniesAnInput() {
		openAi.answer("card please", "Your card is 4111 1111 1111 1111.", 100, 10);

		assertThatExceptionOfType(PolicyViolationException.class).isThrownBy(() -> this.agent.policed("card please"))
			.withMessageContaining("card-number");
		StepView denied = this.runs.steps(latestRun("policed").id()).get(0);
		assertThat(denied.succeeded()).isFalse();
		assertThat(denied.errorType()).isEqualTo(PolicyViolationException.class.getName());

		assertThatExceptionOfType(PolicyViolationException.class)
			.isThrownBy(() -> this.agent.policed("please DROP TABLE users"))
			.withMessageContaining("no SQL in prompts");
		assertThat(openAi.requests("DROP TABLE")).isZero();
	}

	@Test
	void aPolicyThatAsksForReviewParksTheRunUntilAReviewerApproves() {
		openAi.answer("SECRET-42", "noted", 100, 10);

		RunSuspendedException suspended = org.junit.jupiter.api.Assertions.assertThrows(RunSuspendedException.class,
				() -> this.agent.policed("remember SECRET-42"));

		assertThat(openAi.requests("SECRET-42")).isZero();
		assertThat(this.reviews.find(suspended.getReviewId()).orElseThrow().summary()).contains("'secret'");
		this.reviews.decide(suspended.getReviewId(), ReviewDecision.approve("security"));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.runs.find(suspended.getRunId()).orElseThrow().status() == RunStatus.SUCCEEDED);
		assertThat(openAi.requests("SECRET-42")).isEqualTo(1);
	}

	@Test
	void aParentWhoseChildrenSpendMoreThanItsBudgetHaltsWhenTheirSpendIsCounted() throws Exception {
		// each child's answer costs 0.30 USD; the parent's budget halts above 0.50 USD
		openAi.answer("kids-a question", "first", 80000, 10000);
		openAi.answer("kids-b question", "second", 80000, 10000);

		String parent = this.runs.start(() -> this.family.halting("kids")).runId();
		assertThatExceptionOfType(RunFailedException.class)
			.isThrownBy(() -> this.runs.handle(parent).orElseThrow().await(Duration.ofSeconds(20)))
			.withMessageContaining("reached maxCost of budget 'halt': spent 0.6 USD of 0.50 USD");

		assertThat(openAi.requests("kids-a question")).isEqualTo(1);
		assertThat(openAi.requests("kids-b question")).isEqualTo(1);
		RunView run = this.runs.find(parent).orElseThrow();
		assertThat(run.errorType()).isEqualTo(BudgetExceededException.class.getName());
		RunTotals totals = this.store.totals(List.of(parent)).get(parent);
		assertThat(totals.cost()).as("its children's cost, each counted once").isEqualByComparingTo("0.60");
		assertThat(totals.modelCalls()).as("the children's calls are their own").isZero();
		assertThat(this.runs.steps(parent)).extracting(StepView::kind).containsOnly(StepKind.CHILD);
		assertThat(this.runs.steps(parent).get(2).usage().totalTokens()).isEqualTo(90000);
		for (StepView step : this.runs.steps(parent).subList(0, 2)) {
			String child = new JsonMapper().readTree(step.output()).asString();
			assertThat(this.runs.find(child).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
		}
	}

	@Test
	void aChildAwaitedTwiceCountsOnce() throws Exception {
		openAi.answer("twice question", "once", 80000, 10000);
		String parent = this.runs.start(() -> this.family.twice("twice")).runId();
		assertThat(this.runs.handle(parent).orElseThrow().await(Duration.ofSeconds(20))).isEqualTo("once|once");
		assertThat(this.store.totals(List.of(parent)).get(parent).cost()).isEqualByComparingTo("0.30");
		assertThat(this.runs.steps(parent).get(2).usage()).as("the second wait counts nothing").isNull();
	}

	private RunView latestRun(String name) {
		return this.store.list(null, name, null, 0, 1).runs().get(0).view();
	}

}
