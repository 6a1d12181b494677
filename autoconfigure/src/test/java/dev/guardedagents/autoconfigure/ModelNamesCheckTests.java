package dev.guardedagents.autoconfigure;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

import dev.guardedagents.internal.llm.ModelPricing;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ModelNamesCheck}: the start-up warnings about models.
 */
class ModelNamesCheckTests {

	private static final ModelPricing PRICING = new ModelPricing(
			Map.of("gpt-lab", new ModelPricing.Price(BigDecimal.ONE, BigDecimal.TEN, null)));

	@Test
	void aChatModelWithoutAPriceUnderACostCapIsWarnedAbout() {
		GuardedAgentsProperties properties = new GuardedAgentsProperties();
		properties.getBudgets().put("refunds", budget(new BigDecimal("0.10"), false));
		properties.getBudgets().put("loose", budget(new BigDecimal("0.10"), true));

		assertThat(ModelNamesCheck.check(properties, PRICING, Set.of("mystery-model", "gpt-lab-2026"))).singleElement()
			.asString()
			.contains("Chat model 'mystery-model' has no price, and budgets [refunds] cap cost")
			.contains("guarded-agents.pricing.mystery-model.input-per-million");
	}

	@Test
	void settingsForModelsNoChatModelUsesAreWarnedAbout() {
		GuardedAgentsProperties properties = new GuardedAgentsProperties();
		properties.getModels().put("gpt-lba", new GuardedAgentsProperties.Model());
		properties.getModels().put("defaults", new GuardedAgentsProperties.Model());
		properties.getPricing().put("gpt-lab", new GuardedAgentsProperties.Price());

		assertThat(ModelNamesCheck.check(properties, PRICING, Set.of("gpt-lab"))).singleElement()
			.asString()
			.contains("'guarded-agents.models.gpt-lba.*' names a model no chat model of the application uses");
	}

	private static GuardedAgentsProperties.Budget budget(BigDecimal maxCost, boolean allowUnpriced) {
		GuardedAgentsProperties.Budget budget = new GuardedAgentsProperties.Budget();
		budget.setMaxCost(maxCost);
		budget.setAllowUnpriced(allowUnpriced);
		return budget;
	}

}
