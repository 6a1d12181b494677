package dev.guardedagents;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * What a run has spent so far, summed from its journal. Tokens and cost include what the
 * child runs it awaited spent ({@link RunContext#await(RunHandle)}); the calls are its
 * own.
 *
 * @param modelCalls the recorded model calls
 * @param toolCalls the recorded tool calls
 * @param inputTokens the input tokens of its model calls and awaited children
 * @param outputTokens the output tokens of its model calls and awaited children
 * @param cachedTokens the cached input tokens, included in {@code inputTokens}
 * @param cost the cost in USD of its model calls and awaited children, or {@code null}
 * when it is unknown because some of them have no price
 * @param unpricedCalls the model calls without a price (whose cost is unknown), and the
 * waits for children whose cost is unknown
 * @param degraded whether its budget switched it to a cheaper model
 */
public record RunTotals(int modelCalls, int toolCalls, long inputTokens, long outputTokens, long cachedTokens,
		@Nullable BigDecimal cost, int unpricedCalls, boolean degraded) {

	/**
	 * Returns the input and output tokens together.
	 * @return the total tokens
	 */
	public long totalTokens() {
		return this.inputTokens + this.outputTokens;
	}

}
