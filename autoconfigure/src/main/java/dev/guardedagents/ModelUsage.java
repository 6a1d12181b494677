package dev.guardedagents;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * What a model call used: the model that answered, the prompt it was given, its tokens
 * and its cost. Recorded with each {@link StepKind#LLM LLM} step; with the wait for a
 * child run ({@link StepKind#CHILD}, {@link RunContext#AWAIT}) it holds what the child
 * spent, without a model or prompt.
 *
 * @param model the model that answered (as the provider reported it, or as requested)
 * @param promptName the name of the versioned prompt used, if any
 * @param promptVersion the version of that prompt
 * @param promptHash the SHA-256 of that prompt's template text
 * @param inputTokens the input (prompt) tokens
 * @param outputTokens the output (completion) tokens
 * @param cachedTokens the input tokens read from the provider's cache, included in
 * {@code inputTokens}
 * @param reasoningTokens the reasoning tokens, included in {@code outputTokens}, where
 * the provider reports them
 * @param cost the cost in USD from the pricing table, or {@code null} when the model has
 * no price
 */
public record ModelUsage(@Nullable String model, @Nullable String promptName, @Nullable String promptVersion,
		@Nullable String promptHash, long inputTokens, long outputTokens, long cachedTokens, long reasoningTokens,
		@Nullable BigDecimal cost) {

	/**
	 * Returns the input and output tokens together.
	 * @return the total tokens
	 */
	public long totalTokens() {
		return this.inputTokens + this.outputTokens;
	}

}
