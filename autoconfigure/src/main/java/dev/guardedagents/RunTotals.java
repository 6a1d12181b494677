package dev.guardedagents;

import java.math.BigDecimal;

/**
 * What a run has spent so far, summed from its journal.
 *
 * @param modelCalls the recorded model calls
 * @param toolCalls the recorded tool calls
 * @param inputTokens the input tokens of its model calls
 * @param outputTokens the output tokens of its model calls
 * @param cachedTokens the cached input tokens, included in {@code inputTokens}
 * @param cost the cost in USD of its priced model calls
 * @param degraded whether its budget switched it to a cheaper model
 */
public record RunTotals(int modelCalls, int toolCalls, long inputTokens, long outputTokens, long cachedTokens,
		BigDecimal cost, boolean degraded) {

	/**
	 * Returns the input and output tokens together.
	 * @return the total tokens
	 */
	public long totalTokens() {
		return this.inputTokens + this.outputTokens;
	}

}
