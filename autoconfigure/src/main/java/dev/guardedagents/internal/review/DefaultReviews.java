package dev.guardedagents.internal.review;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.guardedagents.InvalidReviewDecisionException;
import dev.guardedagents.ReviewAlreadyDecidedException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewEvent;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewNotFoundException;
import dev.guardedagents.ReviewPage;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.internal.store.ReviewRow;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviewer;
import dev.guardedagents.ReviewerDecision;
import dev.guardedagents.ReviewerNotAuthorizedException;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunNotWaitingException;
import dev.guardedagents.internal.store.RunRow;
import dev.guardedagents.internal.budget.BudgetProfile;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.run.ReviewEvents;
import dev.guardedagents.internal.run.RunRecovery;
import dev.guardedagents.internal.security.Principals;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link Reviews} bean: identifies and authorizes the reviewer, bounds and checks the
 * decision, and records it. Internal: inject {@link Reviews}.
 */
public final class DefaultReviews implements Reviews {

	private final JdbcReviewStore store;

	private final JdbcRunStore runs;

	private final AgentRunRegistry registry;

	private final JsonMapper mapper;

	private final JsonMapper strict;

	private final ReviewEvents events;

	private final RunRecovery recovery;

	private final ReviewAccess access;

	private final int maxCommentLength;

	private final long maxEditsBytes;

	private final Clock clock;

	/**
	 * Creates a new instance.
	 * @param store the reviews
	 * @param runs the runs, to know who started one
	 * @param registry the registry of checkpoints, to check edits
	 * @param mapper the JSON mapper
	 * @param events the publisher of review events
	 * @param recovery the recovery, to resume decided runs at once
	 * @param access who may decide which review
	 * @param maxCommentLength the longest comment, in characters
	 * @param maxEditsBytes the largest edits, in bytes of JSON
	 * @param clock the clock
	 */
	public DefaultReviews(JdbcReviewStore store, JdbcRunStore runs, AgentRunRegistry registry, JsonMapper mapper,
			ReviewEvents events, RunRecovery recovery, ReviewAccess access, int maxCommentLength, long maxEditsBytes,
			Clock clock) {
		this.store = store;
		this.runs = runs;
		this.registry = registry;
		this.mapper = mapper;
		this.strict = mapper.rebuild()
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.build();
		this.events = events;
		this.recovery = recovery;
		this.access = access;
		this.maxCommentLength = maxCommentLength;
		this.maxEditsBytes = maxEditsBytes;
		this.clock = clock;
	}

	@Override
	public ReviewPage list(ReviewQuery query) {
		Reviewer reviewer = query.decidableBy();
		if (reviewer == null) {
			return this.store.list(query, null, List.of());
		}
		if (!reviewer.authenticated()) {
			return this.access.allowsAnonymous() ? this.store.list(query, null, List.of())
					: new ReviewPage(List.of(), query.page(), query.size(), 0);
		}
		Set<String> groups = this.access.groupsOf(reviewer);
		List<ReviewKind> byConfiguration = new ArrayList<>();
		for (ReviewKind kind : ReviewKind.values()) {
			List<String> configured = this.access.reviewers(kind);
			if (configured.isEmpty() ? this.access.allowsAnonymous() : configured.stream().anyMatch(groups::contains)) {
				byConfiguration.add(kind);
			}
		}
		return this.store.list(query, groups, byConfiguration);
	}

	@Override
	public Optional<ReviewView> find(String reviewId) {
		return this.store.find(reviewId).map(ReviewRow::view);
	}

	@Override
	public List<ReviewerDecision> decisions(String runId) {
		return this.store.decisions(runId);
	}

	@Override
	public ReviewView decide(String reviewId, ReviewDecision decision) {
		Reviewer principal = Principals.current();
		return decide(reviewId, decision, (principal != null) ? principal : Reviewer.anonymous(Reviewer.Channel.API));
	}

	@Override
	public ReviewView decide(String reviewId, ReviewDecision decision, Reviewer reviewer) {
		if (decision.decision() == null) {
			throw new InvalidReviewDecisionException("decision", "must be APPROVE or REJECT");
		}
		Reviewer signer = this.access.decider(reviewer, decision.reviewer());
		if (decision.comment() != null && decision.comment().length() > this.maxCommentLength) {
			throw new InvalidReviewDecisionException("comment", "must be at most " + this.maxCommentLength
					+ " characters (guarded-agents.reviews.max-comment-length), was " + decision.comment().length());
		}
		boolean approve = decision.decision() == ReviewDecision.Decision.APPROVE;
		Map<String, Object> edits = (decision.edits() != null) ? decision.edits() : Map.of();
		if (!edits.isEmpty() && !approve) {
			throw new InvalidReviewDecisionException("edits", "only an approval may edit the arguments");
		}
		ReviewRow review = this.store.find(reviewId).orElseThrow(() -> new ReviewNotFoundException(reviewId));
		if (review.status() != ReviewStatus.PENDING) {
			throw new ReviewAlreadyDecidedException(review.view());
		}
		String startedBy = this.runs.findRun(review.runId()).map(RunRow::startedBy).orElse(null);
		Set<String> used = this.access.authorize(signer, reviewId, required(review), review.runId(), startedBy,
				approve);
		String editsJson = null;
		if (!edits.isEmpty()) {
			editsJson = checkEdits(review, edits);
			if (review.approvals() > 0) {
				throw lateEdits(review);
			}
		}
		JdbcReviewStore.Outcome outcome = this.store.decide(reviewId, signer, used, decision.decision(),
				decision.comment(), editsJson, this.clock.instant());
		switch (outcome.result()) {
			case NOT_FOUND -> throw new ReviewNotFoundException(reviewId);
			case RUN_NOT_WAITING -> throw new RunNotWaitingException(reviewId, review.runId(), outcome.runStatus());
			case ALREADY_DECIDED ->
				throw new ReviewAlreadyDecidedException(this.store.find(reviewId).orElseThrow().view());
			case LATE_EDITS -> throw lateEdits(this.store.find(reviewId).orElseThrow());
			case REPEATED -> throw new ReviewerNotAuthorizedException(signer.name(), Set.of(),
					"'" + signer.name() + "' decided review " + reviewId + " already; its " + review.requiredApprovals()
							+ " approvals must come from different reviewers");
			case COUNTED -> {
				return this.store.find(reviewId).orElseThrow().view();
			}
			default -> {
				ReviewView decided = this.store.find(reviewId).orElseThrow().view();
				this.events.publish(new ReviewEvent(ReviewEvent.Type.DECIDED, decided));
				this.recovery.recoverSoon();
				return decided;
			}
		}
	}

	private static InvalidReviewDecisionException lateEdits(ReviewRow review) {
		return new InvalidReviewDecisionException("edits",
				"review " + review.id() + " has " + review.approvals() + " of its " + review.requiredApprovals()
						+ " approvals already; only the first approval may edit, the others approve the arguments "
						+ "as they are (reject to start over)");
	}

	/**
	 * Returns the reviewer groups of a review: those it names, or for a review that names
	 * none (opened before reviewers were configured), those configured for its kind.
	 */
	private List<String> required(ReviewRow review) {
		List<String> named = ReviewAccess.parse(review.reviewers());
		return named.isEmpty() ? this.access.reviewers(review.kind()) : named;
	}

	/**
	 * Checks that the edits are what the kind of review takes, within bounds, binding
	 * strictly to what they edit.
	 * @return the edits as a JSON object
	 */
	private String checkEdits(ReviewRow review, Map<String, Object> edits) {
		String json;
		try {
			json = this.mapper.writeValueAsString(edits);
		}
		catch (JacksonException ex) {
			throw new InvalidReviewDecisionException("edits", "cannot be written as JSON: " + ex.getOriginalMessage());
		}
		if (json.length() > this.maxEditsBytes || json.getBytes(StandardCharsets.UTF_8).length > this.maxEditsBytes) {
			throw new InvalidReviewDecisionException("edits",
					"must be at most " + this.maxEditsBytes + " bytes of JSON (guarded-agents.reviews.max-edits-size)");
		}
		return switch (review.kind()) {
			case TOOL_FAILURE ->
				checkOverride(this.mapper.readTree(review.payload()).get("resultType").asString(), edits);
			case POLICY -> throw new InvalidReviewDecisionException("edits",
					"a policy review takes no edits: approve to let the step go on, reject to fail it");
			case BUDGET -> checkGrant(edits);
			case COMPENSATION -> checkDone(edits);
			case CHECKPOINT -> checkArguments(review, edits, json);
		};
	}

	private String checkArguments(ReviewRow review, Map<String, Object> edits, String json) {
		AgentRunRegistry.Checkpoint checkpoint = this.registry.checkpoint(review.checkpoint());
		if (checkpoint == null) {
			throw new InvalidReviewDecisionException("edits", "checkpoint '" + review.checkpoint()
					+ "' is not known to this instance, which cannot check the edits' types; decide on an instance "
					+ "that runs its plan, or approve without edits");
		}
		for (Map.Entry<String, Object> edit : edits.entrySet()) {
			String field = "edits." + edit.getKey();
			int index = checkpoint.indexOf(edit.getKey());
			if (index < 0) {
				throw new InvalidReviewDecisionException(field, "checkpoint '" + review.checkpoint()
						+ "' has no such parameter; its parameters are " + List.of(checkpoint.parameterNames()));
			}
			if (!review.editable().contains(edit.getKey())) {
				throw new InvalidReviewDecisionException(field,
						"is not editable: @HumanCheckpoint(editable) of '" + review.checkpoint() + "' allows "
								+ (review.editable().isEmpty() ? "no edits" : "only " + review.editable()));
			}
			Type type = checkpoint.parameterTypes()[index];
			try {
				this.strict.convertValue(edit.getValue(), this.strict.getTypeFactory().constructType(type));
			}
			catch (JacksonException | IllegalArgumentException ex) {
				throw new InvalidReviewDecisionException(field, "does not bind to " + type.getTypeName() + ": "
						+ ((ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.getMessage()));
			}
		}
		return json;
	}

	private String checkDone(Map<String, Object> edits) {
		if (!edits.keySet().equals(Set.of("done")) || !Boolean.TRUE.equals(edits.get("done"))) {
			throw new InvalidReviewDecisionException("edits",
					"a failed compensation takes only the edit {\"done\": true}, when it was undone by hand; "
							+ "approve without edits to retry it, reject to give it up");
		}
		return this.mapper.writeValueAsString(Map.of("done", true));
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
			this.strict.convertValue(edits.get("result"),
					this.strict.getTypeFactory().constructFromCanonical(resultType));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new InvalidReviewDecisionException("edits.result", "does not bind to " + resultType + ": "
					+ ((ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.getMessage()));
		}
		return this.mapper.writeValueAsString(edits);
	}

}
