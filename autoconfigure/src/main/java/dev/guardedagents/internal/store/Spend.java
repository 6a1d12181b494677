package dev.guardedagents.internal.store;

import java.math.BigDecimal;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What model calls cost over a time range, grouped, most expensive first. Internal: not
 * API.
 *
 * @param groups the page of groups
 * @param total the spend of the whole range
 * @param groupCount how many groups the range has
 */
public record Spend(List<Group> groups, Group total, long groupCount) {

	/**
	 * How a spend is grouped.
	 */
	public enum By {

		/**
		 * By run name (the plan).
		 */
		PLAN("r.name"),

		/**
		 * By the runs' business keys.
		 */
		BUSINESS_KEY("r.business_key"),

		/**
		 * By the model that answered.
		 */
		MODEL("s.model"),

		/**
		 * By UTC day of the model call.
		 */
		DAY("CAST(s.started_at AT TIME ZONE 'UTC' AS DATE)");

		private final String expression;

		By(String expression) {
			this.expression = expression;
		}

		String expression() {
			return this.expression;
		}

	}

	/**
	 * The spend of one group.
	 *
	 * @param key the plan, business key, model or day; {@code null} for calls without one
	 * @param runs the runs that made calls in the group
	 * @param modelCalls the model calls
	 * @param inputTokens their input tokens
	 * @param outputTokens their output tokens
	 * @param cost their cost in USD, as priced when recorded (calls without a price count
	 * nothing)
	 * @param unpriced the calls recorded without a price
	 */
	public record Group(@Nullable String key, long runs, long modelCalls, long inputTokens, long outputTokens,
			BigDecimal cost, long unpriced) {

	}

}
