package dev.guardedagents.internal.run;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.guardedagents.BudgetAction;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.budget.BudgetProfile;
import dev.guardedagents.internal.store.StepRow;
import org.jspecify.annotations.Nullable;

/**
 * What a run has spent against its budget profile. Derived from the journal when a run
 * resumes, then kept up to date as steps are recorded, so it survives restarts without a
 * table of its own. A child run's tokens and cost are journaled with the parent's wait
 * for its end ({@link StepKind#CHILD}), and count once, there: a budget tree whose
 * replays never count twice.
 */
final class RunBudget {

	private final BudgetProfile profile;

	private final Instant startedAt;

	private BudgetProfile caps;

	private int modelCalls;

	private int toolCalls;

	private long tokens;

	private BigDecimal cost = BigDecimal.ZERO;

	private final List<Integer> unpriced = new ArrayList<>();

	private int acceptedUnpriced;

	private boolean warned;

	private boolean degraded;

	RunBudget(BudgetProfile profile, Instant startedAt, List<StepRow> journal, Instant now) {
		this.profile = profile;
		this.caps = profile;
		this.startedAt = startedAt;
		journal.forEach((step) -> add(step.kind(), step.usage(), step.seq()));
		this.warned = warning(now) != null;
	}

	BudgetProfile profile() {
		return this.caps;
	}

	/**
	 * Adds what a recorded step spent.
	 * @param seq the step's position, to tell which unpriced calls a later grant accepted
	 */
	void add(StepKind kind, @Nullable ModelUsage usage, int seq) {
		if (kind == StepKind.LLM || kind == StepKind.CHILD) {
			// a child's spend comes with the wait for its end: its tokens and cost count,
			// its calls are its own
			if (kind == StepKind.LLM) {
				this.modelCalls++;
			}
			if (usage != null) {
				this.tokens += usage.totalTokens();
				if (usage.cost() != null) {
					this.cost = this.cost.add(usage.cost());
				}
				else if (usage.totalTokens() > 0) {
					this.unpriced.add(seq);
				}
			}
		}
		else if (kind == StepKind.TOOL) {
			this.toolCalls++;
		}
	}

	/**
	 * A reviewer granted more: new caps, and the model calls without a price before the
	 * grant are accepted.
	 * @param seq the position of the grant
	 */
	void grant(Map<String, String> edits, int seq) {
		this.caps = this.caps.grant(this.profile, edits);
		this.acceptedUnpriced = (int) this.unpriced.stream().filter((call) -> call < seq).count();
	}

	/**
	 * A cost cap with model calls whose cost is unknown is not known to hold: it counts
	 * as exceeded unless the profile allows unpriced calls or a reviewer accepted them.
	 */
	private @Nullable Exceeded unknownCost() {
		int calls = this.unpriced.size();
		if (this.caps.maxCost() == null || this.caps.allowUnpriced() || calls <= this.acceptedUnpriced) {
			return null;
		}
		return new Exceeded(BudgetProfile.MAX_COST,
				"an unknown amount (" + calls + " model call" + ((calls == 1) ? "" : "s")
						+ " without a price; set guarded-agents.pricing.<model>.* or allow-unpriced)",
				this.caps.maxCost().toPlainString() + " USD");
	}

	/**
	 * Checks the caps before a call: a call may not start once a cap is reached. The caps
	 * a cheaper model does not help with come first, so that a degraded run still halts
	 * on them.
	 */
	@Nullable Exceeded before(StepKind kind, Instant now) {
		Duration elapsed = Duration.between(this.startedAt, now);
		if (this.caps.maxWallTime() != null && elapsed.compareTo(this.caps.maxWallTime()) > 0) {
			return new Exceeded(BudgetProfile.MAX_WALL_TIME, elapsed.toString(), this.caps.maxWallTime().toString());
		}
		if (kind == StepKind.LLM || kind == StepKind.CHILD) {
			if (kind == StepKind.LLM && this.caps.maxModelCalls() != null
					&& this.modelCalls >= this.caps.maxModelCalls()) {
				return new Exceeded(BudgetProfile.MAX_MODEL_CALLS, String.valueOf(this.modelCalls),
						String.valueOf(this.caps.maxModelCalls()));
			}
			if (this.caps.maxCost() != null && this.cost.compareTo(this.caps.maxCost()) >= 0) {
				return new Exceeded(BudgetProfile.MAX_COST, this.cost.toPlainString() + " USD",
						this.caps.maxCost().toPlainString() + " USD");
			}
			Exceeded unknown = unknownCost();
			if (unknown != null) {
				return unknown;
			}
			if (this.caps.maxTokens() != null && this.tokens >= this.caps.maxTokens()) {
				return new Exceeded(BudgetProfile.MAX_TOKENS, String.valueOf(this.tokens),
						String.valueOf(this.caps.maxTokens()));
			}
		}
		if (kind == StepKind.TOOL && this.caps.maxToolCalls() != null && this.toolCalls >= this.caps.maxToolCalls()) {
			return new Exceeded(BudgetProfile.MAX_TOOL_CALLS, String.valueOf(this.toolCalls),
					String.valueOf(this.caps.maxToolCalls()));
		}
		return null;
	}

	/**
	 * Checks the caps after a call: cost and tokens may overshoot with the call that
	 * crossed them.
	 */
	@Nullable Exceeded after() {
		if (this.caps.maxCost() != null && this.cost.compareTo(this.caps.maxCost()) > 0) {
			return new Exceeded(BudgetProfile.MAX_COST, this.cost.toPlainString() + " USD",
					this.caps.maxCost().toPlainString() + " USD");
		}
		Exceeded unknown = unknownCost();
		if (unknown != null) {
			return unknown;
		}
		if (this.caps.maxTokens() != null && this.tokens > this.caps.maxTokens()) {
			return new Exceeded(BudgetProfile.MAX_TOKENS, String.valueOf(this.tokens),
					String.valueOf(this.caps.maxTokens()));
		}
		return null;
	}

	/**
	 * What exceeding a cap does: a degrading profile degrades on cost and tokens, which a
	 * cheaper model helps with, and halts on counts and wall time, which it does not.
	 */
	BudgetAction action(Exceeded exceeded) {
		if (this.caps.onExceeded() == BudgetAction.DEGRADE && !exceeded.degradable()) {
			return BudgetAction.HALT;
		}
		return this.caps.onExceeded();
	}

	/**
	 * Returns the first cap whose warning fraction is reached, once per run.
	 */
	@Nullable Warning warnOnce(Instant now) {
		if (this.warned) {
			return null;
		}
		Warning warning = warning(now);
		this.warned = warning != null;
		return warning;
	}

	private @Nullable Warning warning(Instant now) {
		double warnAt = this.caps.warnAt();
		if (this.caps.maxCost() != null && this.caps.maxCost().signum() > 0) {
			double fraction = this.cost.divide(this.caps.maxCost(), 6, RoundingMode.HALF_UP).doubleValue();
			if (fraction >= warnAt) {
				return new Warning(BudgetProfile.MAX_COST, fraction);
			}
		}
		Warning warning = fraction(BudgetProfile.MAX_TOKENS, this.tokens, this.caps.maxTokens(), warnAt);
		if (warning == null) {
			warning = fraction(BudgetProfile.MAX_MODEL_CALLS, this.modelCalls, this.caps.maxModelCalls(), warnAt);
		}
		if (warning == null) {
			warning = fraction(BudgetProfile.MAX_TOOL_CALLS, this.toolCalls, this.caps.maxToolCalls(), warnAt);
		}
		if (warning == null && this.caps.maxWallTime() != null) {
			warning = fraction(BudgetProfile.MAX_WALL_TIME, Duration.between(this.startedAt, now).toMillis(),
					this.caps.maxWallTime().toMillis(), warnAt);
		}
		return warning;
	}

	private static @Nullable Warning fraction(String cap, long spent, @Nullable Number max, double warnAt) {
		if (max == null || max.longValue() <= 0) {
			return null;
		}
		double fraction = (double) spent / max.longValue();
		return (fraction >= warnAt) ? new Warning(cap, fraction) : null;
	}

	boolean degraded() {
		return this.degraded;
	}

	void degrade() {
		this.degraded = true;
	}

	/**
	 * A cap that a run reached.
	 *
	 * @param cap the cap's name
	 * @param spent what the run spent
	 * @param limit the cap
	 */
	record Exceeded(String cap, String spent, String limit) {

		boolean degradable() {
			return BudgetProfile.MAX_COST.equals(this.cap) || BudgetProfile.MAX_TOKENS.equals(this.cap);
		}

		String describe(Execution execution, String profile) {
			return "Run " + execution.runId() + " (" + execution.runName() + ") reached " + this.cap + " of budget '"
					+ profile + "': spent " + this.spent + " of " + this.limit;
		}

	}

	/**
	 * A cap whose warning fraction a run reached.
	 *
	 * @param cap the cap's name
	 * @param fraction the fraction spent
	 */
	record Warning(String cap, double fraction) {
	}

}
