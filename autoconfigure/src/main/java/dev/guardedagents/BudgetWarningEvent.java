package dev.guardedagents;

/**
 * Published once per run when its spending reaches the warning fraction of a cap of its
 * budget profile ({@code warn-at}).
 *
 * @param runId the run id
 * @param runName the run name
 * @param profile the budget profile
 * @param cap the cap that reached the fraction ({@code maxCost}, {@code maxTokens},
 * {@code maxModelCalls}, {@code maxToolCalls} or {@code maxWallTime})
 * @param fraction how much of the cap is spent, such as {@code 0.85}
 */
public record BudgetWarningEvent(String runId, String runName, String profile, String cap, double fraction) {

}
