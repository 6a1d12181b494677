package dev.guardedagents.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.guardedagents.internal.llm.ModelPricing;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Warns at start-up about model settings that would not do what they say: a chat model
 * without a price while budgets cap cost (its calls would exceed them), and
 * {@code models.<name>} or {@code pricing.<model>} entries for models no chat model of
 * the application uses. Models may be chosen per call at run time, so these warn instead
 * of failing.
 */
final class ModelNamesCheck {

	private static final Log logger = LogFactory.getLog(ModelNamesCheck.class);

	private ModelNamesCheck() {
	}

	/**
	 * Checks the model settings against the models of the application's chat models.
	 * @param properties the properties
	 * @param pricing the pricing table
	 * @param chatModels the default models of the application's chat models
	 * @return the warnings logged
	 */
	static List<String> check(GuardedAgentsProperties properties, ModelPricing pricing, Set<String> chatModels) {
		List<String> warnings = new ArrayList<>();
		Set<String> costCapped = new TreeSet<>();
		Set<String> known = new TreeSet<>(chatModels);
		properties.getBudgets().forEach((name, budget) -> {
			if (budget.getMaxCost() != null && !budget.isAllowUnpriced()) {
				costCapped.add(name);
			}
			if (budget.getDegradeTo() != null) {
				known.add(budget.getDegradeTo());
			}
		});
		if (!costCapped.isEmpty()) {
			for (String model : chatModels) {
				if (!pricing.prices(model)) {
					warnings.add("Chat model '" + model + "' has no price, and budgets " + costCapped
							+ " cap cost: each of its calls exceeds their max-cost, as their on-exceeded says. Set "
							+ "guarded-agents.pricing." + model + ".input-per-million and .output-per-million, or "
							+ "allow-unpriced on the budgets");
				}
			}
		}
		if (!known.isEmpty()) {
			check("guarded-agents.models", properties.getModels().keySet(), known, warnings);
			check("guarded-agents.pricing", properties.getPricing().keySet(), known, warnings);
		}
		warnings.forEach(logger::warn);
		return warnings;
	}

	private static void check(String prefix, Set<String> configured, Set<String> known, List<String> warnings) {
		for (String name : configured) {
			boolean used = "defaults".equals(name)
					|| known.stream().anyMatch((model) -> model.equals(name) || model.startsWith(name));
			if (!used) {
				warnings.add("'" + prefix + "." + name + ".*' names a model no chat model of the application uses "
						+ "by default " + known + "; it applies only if a call asks for '" + name + "'");
			}
		}
	}

}
