package dev.guardedagents.internal.run;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.guardedagents.BudgetAction;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.store.StepRow;
import dev.guardedagents.internal.budget.BudgetProfile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's budget on its own, derived from a journal.
 */
class RunBudgetTests {

	private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");

	@Test
	void aDegradedRunStillHaltsOnTheCapsACheaperModelDoesNotHelpWith() {
		BudgetProfile profile = new BudgetProfile("degrade", new BigDecimal("0.50"), null, 2, null, null, 0.8,
				BudgetAction.DEGRADE, "cheap", false);
		RunBudget budget = new RunBudget(profile, START, List.of(modelCall(1, "0.30"), modelCall(2, "0.30")), START);

		RunBudget.Exceeded exceeded = budget.before(StepKind.LLM, START.plusSeconds(1));

		assertThat(exceeded.cap()).isEqualTo("maxModelCalls");
		assertThat(budget.action(exceeded)).isEqualTo(BudgetAction.HALT);
	}

	@Test
	void spendingIsSummedFromTheJournalAndAWarningAlreadyReachedIsNotRepeated() {
		BudgetProfile profile = new BudgetProfile("halt", new BigDecimal("1.00"), null, null, null, null, 0.5,
				BudgetAction.HALT, null, false);
		RunBudget budget = new RunBudget(profile, START, List.of(modelCall(1, "0.60")), START);

		assertThat(budget.warnOnce(START)).isNull();
		assertThat(budget.before(StepKind.LLM, START)).isNull();
		budget.add(StepKind.LLM, usage("0.50"), 2);
		assertThat(budget.after().cap()).isEqualTo("maxCost");
		assertThat(budget.after().spent()).isEqualTo("1.10 USD");
	}

	@Test
	void aGrantAcceptsOnlyTheUnpricedCallsBeforeItAlsoWhenReplayed() {
		BudgetProfile profile = new BudgetProfile("escalate", new BigDecimal("1.00"), null, null, null, null, 0.8,
				BudgetAction.ESCALATE, null, false);
		// journal: unpriced call at 1, grant at 2, unpriced call at 3
		RunBudget budget = new RunBudget(profile, START, List.of(modelCall(1, null), modelCall(3, null)), START);

		assertThat(budget.before(StepKind.LLM, START).spent()).startsWith("an unknown amount (2 model calls");
		budget.grant(Map.of(), 2);
		assertThat(budget.before(StepKind.LLM, START)).as("the call at 3 was not accepted by the grant at 2")
			.isNotNull();
		budget.grant(Map.of(), 4);
		assertThat(budget.before(StepKind.LLM, START)).isNull();
	}

	@Test
	void unpricedCallsAreFreeWhenTheProfileAllowsThem() {
		BudgetProfile profile = new BudgetProfile("loose", new BigDecimal("1.00"), null, null, null, null, 0.8,
				BudgetAction.HALT, null, true);
		RunBudget budget = new RunBudget(profile, START, List.of(modelCall(1, null)), START);

		assertThat(budget.before(StepKind.LLM, START)).isNull();
		assertThat(budget.after()).isNull();
	}

	private static StepRow modelCall(int seq, String cost) {
		return new StepRow(seq, StepKind.LLM, "chat", true, 1, START, Duration.ZERO, "{}", "{}", null, null,
				"run/" + seq, false, null, usage(cost));
	}

	private static ModelUsage usage(String cost) {
		return new ModelUsage("model", null, null, null, 100, 10, 0, 0, (cost != null) ? new BigDecimal(cost) : null);
	}

}
