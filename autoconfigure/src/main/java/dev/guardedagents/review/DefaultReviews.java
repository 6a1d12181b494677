package dev.guardedagents.review;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.guardedagents.InvalidReviewDecisionException;
import dev.guardedagents.ReviewAlreadyDecidedException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewEvent;
import dev.guardedagents.ReviewNotFoundException;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviews;
import dev.guardedagents.budget.BudgetProfile;
import dev.guardedagents.run.AgentRunRegistry;
import dev.guardedagents.run.ReviewEvents;
import dev.guardedagents.run.RunRecovery;
import dev.guardedagents.store.JdbcReviewStore;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.StringUtils;

/**
 * The {@link Reviews} bean. Internal: inject {@link Reviews}.
 */
public final class DefaultReviews implements Reviews {

	private static final int LIMIT = 200;

	private final JdbcReviewStore store;

	private final AgentRunRegistry registry;

	private final JsonMapper mapper;

	private final ReviewEvents events;

	private final RunRecovery recovery;

	private final Clock clock;

	/**
	 * Creates a new instance.
	 * @param store the reviews
	 * @param registry the registry of checkpoints, to check edits
	 * @param mapper the JSON mapper
	 * @param events the publisher of review events
	 * @param recovery the recovery, to resume decided runs at once
	 * @param clock the clock
	 */
	public DefaultReviews(JdbcReviewStore store, AgentRunRegistry registry, JsonMapper mapper, ReviewEvents events,
			RunRecovery recovery, Clock clock) {
		this.store = store;
		this.registry = registry;
		this.mapper = mapper;
		this.events = events;
		this.recovery = recovery;
		this.clock = clock;
	}

	@Override
	public List<ReviewView> list(@Nullable ReviewStatus status, @Nullable String runId, @Nullable String reviewers) {
		return this.store.list(status, runId, reviewers, LIMIT);
	}

	@Override
	public Optional<ReviewView> find(String reviewId) {
		return this.store.find(reviewId);
	}

	@Override
	public ReviewView decide(String reviewId, ReviewDecision decision) {
		if (decision.decision() == null) {
			throw new InvalidReviewDecisionException("decision", "must be APPROVE or REJECT");
		}
		if (!StringUtils.hasText(decision.reviewer())) {
			throw new InvalidReviewDecisionException("reviewer", "must name who decides");
		}
		Map<String, Object> edits = (decision.edits() != null) ? decision.edits() : Map.of();
		if (!edits.isEmpty() && decision.decision() != ReviewDecision.Decision.APPROVE) {
			throw new InvalidReviewDecisionException("edits", "only an approval may edit the arguments");
		}
		ReviewView review = this.store.find(reviewId).orElseThrow(() -> new ReviewNotFoundException(reviewId));
		if (review.status() != ReviewStatus.PENDING) {
			throw new ReviewAlreadyDecidedException(review);
		}
		String editsJson = edits.isEmpty() ? null : checkEdits(review, edits);
		ReviewStatus verdict = (decision.decision() == ReviewDecision.Decision.APPROVE) ? ReviewStatus.APPROVED
				: ReviewStatus.REJECTED;
		if (!this.store.decide(reviewId, verdict, decision.reviewer(), decision.comment(), editsJson,
				this.clock.instant())) {
			throw new ReviewAlreadyDecidedException(this.store.find(reviewId).orElseThrow());
		}
		ReviewView decided = this.store.find(reviewId).orElseThrow();
		this.events.publish(new ReviewEvent(ReviewEvent.Type.DECIDED, decided));
		this.recovery.recoverSoon();
		return decided;
	}

	/**
	 * Checks that each edit names a parameter of the checkpoint and binds to its type.
	 * @return the edits as a JSON object
	 */
	private String checkEdits(ReviewView review, Map<String, Object> edits) {
		JsonNode payload = this.mapper.readTree(review.payload());
		if (payload.has("resultType")) {
			return checkOverride(payload.get("resultType").asString(), edits);
		}
		if (payload.has("policy")) {
			throw new InvalidReviewDecisionException("edits",
					"a policy review takes no edits: approve to let the step go on, reject to fail it");
		}
		if (payload.has("budgetProfile")) {
			return checkGrant(edits);
		}
		if (payload.has("compensation")) {
			if (!edits.keySet().equals(Set.of("done"))
					|| !Boolean.TRUE.equals(edits.get("done")) && !"true".equals(String.valueOf(edits.get("done")))) {
				throw new InvalidReviewDecisionException("edits",
						"a failed compensation takes only the edit {\"done\": true}, when it was undone by hand; "
								+ "approve without edits to retry it, reject to give it up");
			}
			return this.mapper.writeValueAsString(Map.of("done", true));
		}
		AgentRunRegistry.Checkpoint checkpoint = this.registry.checkpoint(review.checkpoint());
		for (Map.Entry<String, Object> edit : edits.entrySet()) {
			String field = "edits." + edit.getKey();
			if (!payload.has(edit.getKey())) {
				throw new InvalidReviewDecisionException(field, "checkpoint '" + review.checkpoint()
						+ "' has no such parameter; its parameters are " + payload.propertyNames());
			}
			if (checkpoint != null) {
				int index = checkpoint.indexOf(edit.getKey());
				try {
					this.mapper.convertValue(edit.getValue(),
							this.mapper.getTypeFactory().constructType(checkpoint.parameterTypes()[index]));
				}
				catch (JacksonException | IllegalArgumentException ex) {
					throw new InvalidReviewDecisionException(field,
							"does not bind to " + checkpoint.parameterTypes()[index].getTypeName() + ": "
									+ ((ex instanceof JacksonException jackson) ? jackson.getOriginalMessage()
											: ex.getMessage()));
				}
			}
		}
		return this.mapper.writeValueAsString(edits);
	}

	/**
	 * Checks the caps a reviewer grants to a run that reached its budget.
	 */
	private String checkGrant(Map<String, Object> edits) {
		Map<String, String> caps = new LinkedHashMap<>();
		for (Map.Entry<String, Object> edit : edits.entrySet()) {
			String field = "edits." + edit.getKey();
			String value = String.valueOf(edit.getValue());
			try {
				switch (edit.getKey()) {
					case BudgetProfile.MAX_COST -> requireNonNegative(new BigDecimal(value).signum(), field);
					case BudgetProfile.MAX_TOKENS -> requireNonNegative(Long.signum(Long.parseLong(value)), field);
					case BudgetProfile.MAX_MODEL_CALLS, BudgetProfile.MAX_TOOL_CALLS ->
						requireNonNegative(Integer.signum(Integer.parseInt(value)), field);
					case BudgetProfile.MAX_WALL_TIME ->
						requireNonNegative(Duration.parse(value).isNegative() ? -1 : 1, field);
					default -> throw new InvalidReviewDecisionException(field,
							"a budget review grants only maxCost, maxTokens, maxModelCalls, maxToolCalls and maxWallTime");
				}
			}
			catch (NumberFormatException | DateTimeParseException ex) {
				throw new InvalidReviewDecisionException(field,
						"'" + value + "' is not a valid " + (BudgetProfile.MAX_WALL_TIME.equals(edit.getKey())
								? "ISO-8601 duration such as PT1H" : "number"));
			}
			caps.put(edit.getKey(), value);
		}
		return this.mapper.writeValueAsString(caps);
	}

	private static void requireNonNegative(int signum, String field) {
		if (signum < 0) {
			throw new InvalidReviewDecisionException(field, "must not be negative");
		}
	}

	/**
	 * Checks the result a reviewer supplies for a tool that failed for good.
	 */
	private String checkOverride(String resultType, Map<String, Object> edits) {
		for (String key : edits.keySet()) {
			if (!"result".equals(key)) {
				throw new InvalidReviewDecisionException("edits." + key,
						"a failed tool takes only the edit 'result', the value it should have returned");
			}
		}
		try {
			this.mapper.convertValue(edits.get("result"),
					this.mapper.getTypeFactory().constructFromCanonical(resultType));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new InvalidReviewDecisionException("edits.result", "does not bind to " + resultType + ": "
					+ ((ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.getMessage()));
		}
		return this.mapper.writeValueAsString(edits);
	}

}
