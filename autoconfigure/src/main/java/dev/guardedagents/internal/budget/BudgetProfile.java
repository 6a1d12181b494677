package dev.guardedagents.internal.budget;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.guardedagents.BudgetAction;
import org.jspecify.annotations.Nullable;

/**
 * A budget profile: the caps of one run and what happens when one is exceeded. Internal:
 * not API.
 *
 * @param name the profile name
 * @param maxCost the maximum cost in USD
 * @param maxTokens the maximum tokens
 * @param maxModelCalls the maximum model calls
 * @param maxToolCalls the maximum tool calls
 * @param maxWallTime the maximum time from the start of the run
 * @param warnAt the fraction of a cap that warns
 * @param onExceeded what happens when a cap is exceeded
 * @param degradeTo the cheaper model of a degrading profile
 * @param allowUnpriced whether model calls without a price count as free against
 * {@code maxCost} instead of exceeding it
 */
public record BudgetProfile(String name, @Nullable BigDecimal maxCost, @Nullable Long maxTokens,
		@Nullable Integer maxModelCalls, @Nullable Integer maxToolCalls, @Nullable Duration maxWallTime, double warnAt,
		BudgetAction onExceeded, @Nullable String degradeTo, boolean allowUnpriced) {

	/**
	 * The names of the caps, as reviewers edit them when they grant more.
	 */
	public static final String MAX_COST = "maxCost";

	/**
	 * The cap of tokens.
	 */
	public static final String MAX_TOKENS = "maxTokens";

	/**
	 * The cap of model calls.
	 */
	public static final String MAX_MODEL_CALLS = "maxModelCalls";

	/**
	 * The cap of tool calls.
	 */
	public static final String MAX_TOOL_CALLS = "maxToolCalls";

	/**
	 * The cap of wall time.
	 */
	public static final String MAX_WALL_TIME = "maxWallTime";

	/**
	 * Returns the caps by their edit names, {@code null} for those not set.
	 * @return the caps
	 */
	public Map<String, @Nullable Object> caps() {
		Map<String, @Nullable Object> caps = new LinkedHashMap<>();
		caps.put(MAX_COST, (this.maxCost != null) ? this.maxCost.toPlainString() : null);
		caps.put(MAX_TOKENS, this.maxTokens);
		caps.put(MAX_MODEL_CALLS, this.maxModelCalls);
		caps.put(MAX_TOOL_CALLS, this.maxToolCalls);
		caps.put(MAX_WALL_TIME, (this.maxWallTime != null) ? this.maxWallTime.toString() : null);
		return caps;
	}

	/**
	 * Returns the caps after a reviewer granted more: each cap a reviewer edited takes
	 * the edited value; without edits, each cap grows by its original amount.
	 * @param original the profile as configured
	 * @param edits the reviewer's edits, by cap name
	 * @return the new caps
	 * @throws IllegalArgumentException if an edit does not parse
	 */
	public BudgetProfile grant(BudgetProfile original, Map<String, String> edits) {
		if (edits.isEmpty()) {
			return new BudgetProfile(this.name, add(this.maxCost, original.maxCost),
					add(this.maxTokens, original.maxTokens), add(this.maxModelCalls, original.maxModelCalls),
					add(this.maxToolCalls, original.maxToolCalls),
					(this.maxWallTime != null && original.maxWallTime != null)
							? this.maxWallTime.plus(original.maxWallTime) : this.maxWallTime,
					this.warnAt, this.onExceeded, this.degradeTo, this.allowUnpriced);
		}
		return new BudgetProfile(this.name,
				edits.containsKey(MAX_COST) ? new BigDecimal(edits.get(MAX_COST)) : this.maxCost,
				edits.containsKey(MAX_TOKENS) ? Long.valueOf(edits.get(MAX_TOKENS)) : this.maxTokens,
				edits.containsKey(MAX_MODEL_CALLS) ? Integer.valueOf(edits.get(MAX_MODEL_CALLS)) : this.maxModelCalls,
				edits.containsKey(MAX_TOOL_CALLS) ? Integer.valueOf(edits.get(MAX_TOOL_CALLS)) : this.maxToolCalls,
				edits.containsKey(MAX_WALL_TIME) ? Duration.parse(edits.get(MAX_WALL_TIME)) : this.maxWallTime,
				this.warnAt, this.onExceeded, this.degradeTo, this.allowUnpriced);
	}

	private static @Nullable BigDecimal add(@Nullable BigDecimal value, @Nullable BigDecimal more) {
		return (value != null && more != null) ? value.add(more) : value;
	}

	private static @Nullable Long add(@Nullable Long value, @Nullable Long more) {
		return (value != null && more != null) ? Long.valueOf(value + more) : value;
	}

	private static @Nullable Integer add(@Nullable Integer value, @Nullable Integer more) {
		return (value != null && more != null) ? Integer.valueOf(value + more) : value;
	}

}
