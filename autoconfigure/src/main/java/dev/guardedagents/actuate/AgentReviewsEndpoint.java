package dev.guardedagents.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.guardedagents.InvalidReviewDecisionException;
import dev.guardedagents.ReviewAlreadyDecidedException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewNotFoundException;
import dev.guardedagents.ReviewPage;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviewer;
import dev.guardedagents.ReviewerDecision;
import dev.guardedagents.ReviewerNotAuthenticatedException;
import dev.guardedagents.ReviewerNotAuthorizedException;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunNotWaitingException;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.internal.redaction.Redaction;
import dev.guardedagents.internal.security.Principals;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@link Endpoint @Endpoint} {@code agentreviews}: lists reviews (by default the pending
 * ones the caller may decide, soonest deadline first, paged), shows one with its
 * decisions, and takes decisions as the authenticated principal. Not authenticated (and
 * anonymous decisions not allowed): 401; not a reviewer of the review, or a body
 * {@code reviewer} that is not the principal: 403 naming why; unknown review: 404;
 * already decided, or its run no longer waits: 409; malformed, too large, or edits that
 * do not bind: 400 naming the field. Nothing is recorded unless the answer is 200.
 */
@Endpoint(id = "agentreviews")
public class AgentReviewsEndpoint {

	private static final TypeReference<Map<String, Object>> EDITS = new TypeReference<>() {
	};

	private final Reviews reviews;

	private final JsonMapper mapper;

	private final Show showPayloads;

	private final Set<String> roles;

	private final long maxEditsBytes;

	private final Redaction redaction;

	/**
	 * Creates a new endpoint that shows payloads unredacted.
	 * @param reviews the reviews
	 * @param mapper the mapper to show payloads as JSON
	 * @param showPayloads when to show payloads and edits
	 * @param roles the roles allowed to see payloads when authorized
	 * @param maxEditsBytes the largest edits, in bytes of JSON
	 */
	public AgentReviewsEndpoint(Reviews reviews, JsonMapper mapper, Show showPayloads, Set<String> roles,
			long maxEditsBytes) {
		this(reviews, mapper, showPayloads, roles, maxEditsBytes, Redaction.NONE);
	}

	/**
	 * Creates a new endpoint.
	 * @param reviews the reviews
	 * @param mapper the mapper to show payloads as JSON
	 * @param showPayloads when to show payloads and edits
	 * @param roles the roles allowed to see payloads when authorized
	 * @param maxEditsBytes the largest edits, in bytes of JSON
	 * @param redaction what is masked of summaries, comments, payloads and edits
	 */
	public AgentReviewsEndpoint(Reviews reviews, JsonMapper mapper, Show showPayloads, Set<String> roles,
			long maxEditsBytes, Redaction redaction) {
		this.redaction = redaction;
		this.reviews = reviews;
		this.mapper = mapper;
		this.showPayloads = showPayloads;
		this.roles = roles;
		this.maxEditsBytes = maxEditsBytes;
	}

	/**
	 * Lists a page of reviews: pending ones soonest deadline first, others newest first.
	 * @param securityContext the security context
	 * @param status a review status, {@code ALL} for every status; {@code PENDING} when
	 * absent
	 * @param kind the kind of review to match
	 * @param checkpoint the checkpoint (or tool) name to match
	 * @param runId the run to match
	 * @param reviewers a reviewer group to match
	 * @param decidable {@code false} to list every review, not only those the caller may
	 * still decide ({@code true} when absent)
	 * @param page the page, from 0
	 * @param size the page size, 1 to 200, 20 when absent
	 * @return the page of reviews
	 */
	@ReadOperation
	public ReviewsDescriptor reviews(SecurityContext securityContext, @Nullable String status, @Nullable String kind,
			@Nullable String checkpoint, @Nullable String runId, @Nullable String reviewers,
			@Nullable Boolean decidable, @Nullable Integer page, @Nullable Integer size) {
		boolean show = show(securityContext);
		Reviewer caller = Boolean.FALSE.equals(decidable) ? null : reviewer(securityContext);
		ReviewQuery query;
		try {
			query = new ReviewQuery(status(status), kind(kind), checkpoint, runId, reviewers, caller,
					(page != null) ? page : 0, (size != null) ? size : 20);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
		ReviewPage result = this.reviews.list(query);
		return new ReviewsDescriptor(result.reviews()
			.stream()
			.map((review) -> ReviewDescriptor.of(review, show, this.mapper, this.redaction))
			.toList(), result.page(), result.size(), result.total(), (caller != null) ? caller.name() : null);
	}

	/**
	 * Shows one review and its reviewers' decisions.
	 * @param securityContext the security context
	 * @param reviewId the review id
	 * @return the review, or 404
	 */
	@ReadOperation
	public WebEndpointResponse<ReviewDetailDescriptor> review(SecurityContext securityContext,
			@Selector String reviewId) {
		boolean show = show(securityContext);
		return this.reviews.find(reviewId)
			.map((review) -> new WebEndpointResponse<>(
					new ReviewDetailDescriptor(ReviewDescriptor.of(review, show, this.mapper, this.redaction),
							this.reviews.decisions(review.runId())
								.stream()
								.filter((decision) -> decision.reviewId().equals(reviewId))
								.map((decision) -> DecisionDescriptor.of(decision, review.checkpoint(), show,
										this.mapper, this.redaction))
								.toList())))
			.orElseGet(() -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
	}

	/**
	 * Decides a pending review as the authenticated principal.
	 * @param securityContext the security context
	 * @param reviewId the review id
	 * @param decision {@code APPROVE} or {@code REJECT}
	 * @param reviewer who decides: optional; when given, the principal's name (an
	 * anonymous decision, where allowed, is signed with it)
	 * @param comment why, optional
	 * @param edits changed arguments by parameter name, only with {@code APPROVE}: a JSON
	 * object (over HTTP it may be nested in the body, see
	 * {@link ReviewDecisionBodyAdvice})
	 * @return the review after the decision; 400, 401, 403, 404 or 409 as described on
	 * the class
	 */
	@WriteOperation
	public WebEndpointResponse<Object> decide(SecurityContext securityContext, @Selector String reviewId,
			@Nullable String decision, @Nullable String reviewer, @Nullable String comment, @Nullable String edits) {
		ReviewDecision.Decision parsed;
		try {
			parsed = ReviewDecision.Decision.valueOf(String.valueOf(decision).toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return badRequest("decision", "must be APPROVE or REJECT, was " + decision);
		}
		Map<String, Object> changed = Map.of();
		if (edits != null) {
			if (edits.length() > this.maxEditsBytes) {
				return badRequest("edits", "must be at most " + this.maxEditsBytes
						+ " bytes of JSON (guarded-agents.reviews.max-edits-size)");
			}
			try {
				changed = this.mapper.readValue(edits, EDITS);
			}
			catch (JacksonException ex) {
				return badRequest("edits", "must be an object of changed arguments by parameter name");
			}
		}
		try {
			ReviewView decided = this.reviews.decide(reviewId, new ReviewDecision(parsed, reviewer, comment, changed),
					reviewer(securityContext));
			return new WebEndpointResponse<>(
					ReviewDescriptor.of(decided, show(securityContext), this.mapper, this.redaction));
		}
		catch (ReviewNotFoundException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage()), WebEndpointResponse.STATUS_NOT_FOUND);
		}
		catch (ReviewAlreadyDecidedException ex) {
			return new WebEndpointResponse<>(
					Map.of("error", ex.getMessage(), "review",
							ReviewDescriptor.of(ex.getReview(), show(securityContext), this.mapper, this.redaction)),
					409);
		}
		catch (RunNotWaitingException ex) {
			return new WebEndpointResponse<>(
					Map.of("error", ex.getMessage(), "runId", ex.getRunId(), "runStatus", ex.getStatus()), 409);
		}
		catch (ReviewerNotAuthenticatedException ex) {
			return unauthenticated(ex);
		}
		catch (ReviewerNotAuthorizedException ex) {
			return forbidden(ex);
		}
		catch (InvalidReviewDecisionException ex) {
			return badRequest(ex.getField(), ex.getMessage());
		}
	}

	/**
	 * Returns who calls: the authenticated principal, or an anonymous reviewer.
	 */
	static Reviewer reviewer(SecurityContext securityContext) {
		Reviewer.Channel channel = (securityContext == SecurityContext.NONE) ? Reviewer.Channel.JMX
				: Reviewer.Channel.HTTP;
		Reviewer principal = Principals.of(securityContext.getPrincipal(), channel);
		return (principal != null) ? principal : Reviewer.anonymous(channel);
	}

	/**
	 * Answers a request without an authenticated principal: 401 with the reason.
	 */
	static WebEndpointResponse<Object> unauthenticated(ReviewerNotAuthenticatedException ex) {
		return new WebEndpointResponse<>(Map.of("error", ex.getMessage()), 401);
	}

	/**
	 * Answers a principal that may not do what it asked: 403 naming it and what it needs.
	 */
	static WebEndpointResponse<Object> forbidden(ReviewerNotAuthorizedException ex) {
		return new WebEndpointResponse<>(
				Map.of("error", ex.getMessage(), "principal", ex.getPrincipal(), "required", ex.getRequired()), 403);
	}

	private static WebEndpointResponse<Object> badRequest(String field, String message) {
		return new WebEndpointResponse<>(Map.of("error", message, "field", field),
				WebEndpointResponse.STATUS_BAD_REQUEST);
	}

	private static @Nullable ReviewStatus status(@Nullable String status) {
		if (status == null) {
			return ReviewStatus.PENDING;
		}
		if ("ALL".equalsIgnoreCase(status)) {
			return null;
		}
		try {
			return ReviewStatus.valueOf(status.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(
					"Parameter 'status' must be ALL or one of " + List.of(ReviewStatus.values()) + ", was " + status,
					"unknown status " + status);
		}
	}

	private static @Nullable ReviewKind kind(@Nullable String kind) {
		if (kind == null) {
			return null;
		}
		try {
			return ReviewKind.valueOf(kind.toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(
					"Parameter 'kind' must be one of checkpoint, tool-failure, policy, budget, compensation, was "
							+ kind,
					"unknown kind " + kind);
		}
	}

	private boolean show(SecurityContext securityContext) {
		return this.showPayloads.isShown(securityContext, this.roles);
	}

	/**
	 * A page of reviews.
	 *
	 * @param reviews the reviews: pending ones soonest deadline first, others newest
	 * first
	 * @param page the page number
	 * @param size the page size
	 * @param total the number of reviews matching the filter
	 * @param decidableBy whose reviews these are, when only the reviews the caller may
	 * still decide are listed
	 */
	public record ReviewsDescriptor(List<ReviewDescriptor> reviews, int page, int size, long total,
			@Nullable String decidableBy) {
	}

	/**
	 * A review and its reviewers' decisions.
	 *
	 * @param review the review
	 * @param decisions the decisions, oldest first
	 */
	public record ReviewDetailDescriptor(ReviewDescriptor review, List<DecisionDescriptor> decisions) {
	}

	/**
	 * A reviewer's decision.
	 *
	 * @param reviewId the review
	 * @param decision approve or reject
	 * @param reviewer who decided
	 * @param authorities the groups that made the reviewer a reviewer of the review
	 * @param channel where the decision came from
	 * @param decidedAt when
	 * @param comment the comment
	 * @param edits the edits, when payloads are shown
	 */
	public record DecisionDescriptor(String reviewId, ReviewDecision.Decision decision, String reviewer,
			Set<String> authorities, Reviewer.Channel channel, Instant decidedAt, @Nullable String comment,
			@Nullable JsonNode edits) {

		static DecisionDescriptor of(ReviewerDecision decision, String checkpoint, boolean show, JsonMapper mapper,
				Redaction redaction) {
			return new DecisionDescriptor(decision.reviewId(), decision.decision(), decision.reviewer(),
					decision.authorities(), decision.channel(), decision.decidedAt(),
					redaction.text(decision.comment()), (show && decision.edits() != null)
							? redaction.reviewPayload(checkpoint, mapper.readTree(decision.edits())) : null);
		}

	}

	/**
	 * A review.
	 *
	 * @param id the review id
	 * @param runId the waiting run
	 * @param seq the checkpoint's position in the run
	 * @param round 1, then one more per escalation
	 * @param kind what the review asks
	 * @param checkpoint the checkpoint name
	 * @param status the status
	 * @param reviewers the reviewer group
	 * @param summary the rendered summary
	 * @param onTimeout what happens at the deadline
	 * @param deadline when the timeout passes
	 * @param reviewer who decided
	 * @param comment the reviewer's comment
	 * @param requiredApprovals how many distinct reviewers must approve
	 * @param approvals how many approved so far
	 * @param editable the parameters an approval may edit
	 * @param createdAt when the review was opened
	 * @param decidedAt when it was decided
	 * @param payload the arguments by parameter name, when payloads are shown
	 * @param edits the edited arguments, when payloads are shown
	 */
	public record ReviewDescriptor(String id, String runId, int seq, int round, ReviewKind kind, String checkpoint,
			ReviewStatus status, @Nullable String reviewers, @Nullable String summary, TimeoutOutcome onTimeout,
			@Nullable Instant deadline, @Nullable String reviewer, @Nullable String comment, int requiredApprovals,
			int approvals, List<String> editable, Instant createdAt, @Nullable Instant decidedAt,
			@Nullable JsonNode payload, @Nullable JsonNode edits) {

		static ReviewDescriptor of(ReviewView shown, boolean show, JsonMapper mapper, Redaction redaction) {
			ReviewView review = redaction.view(shown);
			return new ReviewDescriptor(review.id(), review.runId(), review.seq(), review.round(), review.kind(),
					review.checkpoint(), review.status(), review.reviewers(), review.summary(), review.onTimeout(),
					review.deadline(), review.reviewer(), review.comment(), review.requiredApprovals(),
					review.approvals(), review.editable(), review.createdAt(), review.decidedAt(),
					(show && review.payload() != null) ? mapper.readTree(review.payload()) : null,
					(show && review.edits() != null) ? mapper.readTree(review.edits()) : null);
		}

	}

}
