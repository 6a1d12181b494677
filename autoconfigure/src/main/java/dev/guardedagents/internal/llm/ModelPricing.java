package dev.guardedagents.internal.llm;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The pricing table: USD per million tokens by model, exact decimals. A model is looked
 * up by the name the provider answered with, then by the name asked for, then by the
 * longest configured name the answered one starts with (providers answer
 * {@code gpt-4o-2024-08-06} when asked for {@code gpt-4o}). Internal: not API.
 */
public final class ModelPricing {

	private static final Log logger = LogFactory.getLog(ModelPricing.class);

	private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

	private final Map<String, Price> prices;

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	/**
	 * Creates the table.
	 * @param prices the prices by model name
	 */
	public ModelPricing(Map<String, Price> prices) {
		this.prices = Map.copyOf(prices);
	}

	/**
	 * Prices a call; a model without a price costs {@code null} and is warned about once.
	 * @param answered the model that answered, if known
	 * @param asked the model asked for, if known
	 * @param input the input tokens, cached ones included
	 * @param cached the cached input tokens
	 * @param output the output tokens
	 * @return the cost in USD, or {@code null}
	 */
	public @Nullable BigDecimal cost(@Nullable String answered, @Nullable String asked, long input, long cached,
			long output) {
		Price price = find(answered, asked);
		if (price == null) {
			String model = (answered != null) ? answered : String.valueOf(asked);
			if (this.warned.add(model)) {
				logger.warn("Model '" + model + "' has no price, so its calls are recorded with tokens and without "
						+ "cost; set guarded-agents.pricing." + model + ".input-per-million and .output-per-million");
			}
			return null;
		}
		BigDecimal cachedPrice = (price.cachedInputPerMillion() != null) ? price.cachedInputPerMillion()
				: price.inputPerMillion();
		BigDecimal total = price.inputPerMillion()
			.multiply(BigDecimal.valueOf(input - cached))
			.add(cachedPrice.multiply(BigDecimal.valueOf(cached)))
			.add(price.outputPerMillion().multiply(BigDecimal.valueOf(output)));
		return total.divide(MILLION, 10, RoundingMode.HALF_UP).stripTrailingZeros();
	}

	/**
	 * Whether calls of a model have a price.
	 * @param model the model name
	 * @return whether the table prices it
	 */
	public boolean prices(String model) {
		return find(model, model) != null;
	}

	private @Nullable Price find(@Nullable String answered, @Nullable String asked) {
		if (answered != null && this.prices.containsKey(answered)) {
			return this.prices.get(answered);
		}
		if (asked != null && this.prices.containsKey(asked)) {
			return this.prices.get(asked);
		}
		if (answered == null) {
			return null;
		}
		return this.prices.keySet()
			.stream()
			.filter(answered::startsWith)
			.max(Comparator.comparingInt(String::length))
			.map(this.prices::get)
			.orElse(null);
	}

	/**
	 * The price of one model.
	 *
	 * @param inputPerMillion USD per million input tokens
	 * @param outputPerMillion USD per million output tokens
	 * @param cachedInputPerMillion USD per million cached input tokens, or {@code null}
	 * to charge them as input tokens
	 */
	public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion,
			@Nullable BigDecimal cachedInputPerMillion) {
	}

}
