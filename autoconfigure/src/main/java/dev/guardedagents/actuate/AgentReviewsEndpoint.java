package dev.guardedagents.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.guardedagents.InvalidReviewDecisionException;
import dev.guardedagents.ReviewAlreadyDecidedException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewNotFoundException;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviews;
import dev.guardedagents.TimeoutOutcome;
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
 * {@link Endpoint @Endpoint} {@code agentreviews}: lists reviews of human checkpoints
 * (pending by default), shows one, and takes decisions. Unknown review: 404; already
 * decided: 409 with the existing decision; malformed decision or edits that do not bind:
 * 400 naming the field.
 */
@Endpoint(id = "agentreviews")
public class AgentReviewsEndpoint {

	private static final TypeReference<Map<String, Object>> EDITS = new TypeReference<>() {
	};

	private final Reviews reviews;

	private final JsonMapper mapper;

	private final Show showPayloads;

	private final Set<String> roles;

	/**
	 * Creates a new endpoint.
	 * @param reviews the reviews
	 * @param mapper the mapper to show payloads as JSON
	 * @param showPayloads when to show payloads and edits
	 * @param roles the roles allowed to see payloads when authorized
	 */
	public AgentReviewsEndpoint(Reviews reviews, JsonMapper mapper, Show showPayloads, Set<String> roles) {
		this.reviews = reviews;
		this.mapper = mapper;
		this.showPayloads = showPayloads;
		this.roles = roles;
	}

	/**
	 * Lists reviews, newest first.
	 * @param securityContext the security context
	 * @param status a review status, {@code ALL} for every status; {@code PENDING} when
	 * absent
	 * @param runId the run to match
	 * @param reviewers the reviewer group to match
	 * @return the reviews
	 */
	@ReadOperation
	public ReviewsDescriptor reviews(SecurityContext securityContext, @Nullable String status, @Nullable String runId,
			@Nullable String reviewers) {
		boolean show = show(securityContext);
		return new ReviewsDescriptor(this.reviews.list(status(status), runId, reviewers)
			.stream()
			.map((review) -> ReviewDescriptor.of(review, show, this.mapper))
			.toList());
	}

	/**
	 * Shows one review.
	 * @param securityContext the security context
	 * @param reviewId the review id
	 * @return the review, or 404
	 */
	@ReadOperation
	public WebEndpointResponse<ReviewDescriptor> review(SecurityContext securityContext, @Selector String reviewId) {
		return this.reviews.find(reviewId)
			.map((review) -> new WebEndpointResponse<>(ReviewDescriptor.of(review, show(securityContext), this.mapper)))
			.orElseGet(() -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
	}

	/**
	 * Decides a pending review.
	 * @param securityContext the security context
	 * @param reviewId the review id
	 * @param decision {@code APPROVE} or {@code REJECT}
	 * @param reviewer who decides
	 * @param comment why, optional
	 * @param edits changed arguments by parameter name, only with {@code APPROVE}: a JSON
	 * object (over HTTP it may be nested in the body, see
	 * {@link ReviewDecisionBodyAdvice})
	 * @return the decided review; 404, 409 or 400 as described on the class
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
			try {
				changed = this.mapper.readValue(edits, EDITS);
			}
			catch (JacksonException ex) {
				return badRequest("edits", "must be an object of changed arguments by parameter name");
			}
		}
		try {
			ReviewView decided = this.reviews.decide(reviewId,
					new ReviewDecision(parsed, (reviewer != null) ? reviewer : "", comment, changed));
			return new WebEndpointResponse<>(ReviewDescriptor.of(decided, show(securityContext), this.mapper));
		}
		catch (ReviewNotFoundException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage()), WebEndpointResponse.STATUS_NOT_FOUND);
		}
		catch (ReviewAlreadyDecidedException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage(), "review",
					ReviewDescriptor.of(ex.getReview(), show(securityContext), this.mapper)), 409);
		}
		catch (InvalidReviewDecisionException ex) {
			return badRequest(ex.getField(), ex.getMessage());
		}
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

	private boolean show(SecurityContext securityContext) {
		return this.showPayloads.isShown(securityContext, this.roles);
	}

	/**
	 * Reviews.
	 *
	 * @param reviews the reviews, newest first
	 */
	public record ReviewsDescriptor(List<ReviewDescriptor> reviews) {
	}

	/**
	 * A review.
	 *
	 * @param id the review id
	 * @param runId the waiting run
	 * @param seq the checkpoint's position in the run
	 * @param round 1, then one more per escalation
	 * @param checkpoint the checkpoint name
	 * @param status the status
	 * @param reviewers the reviewer group
	 * @param summary the rendered summary
	 * @param onTimeout what happens at the deadline
	 * @param deadline when the timeout passes
	 * @param reviewer who decided
	 * @param comment the reviewer's comment
	 * @param createdAt when the review was opened
	 * @param decidedAt when it was decided
	 * @param payload the arguments by parameter name, when payloads are shown
	 * @param edits the edited arguments, when payloads are shown
	 */
	public record ReviewDescriptor(String id, String runId, int seq, int round, String checkpoint, ReviewStatus status,
			@Nullable String reviewers, @Nullable String summary, TimeoutOutcome onTimeout, @Nullable Instant deadline,
			@Nullable String reviewer, @Nullable String comment, Instant createdAt, @Nullable Instant decidedAt,
			@Nullable JsonNode payload, @Nullable JsonNode edits) {

		static ReviewDescriptor of(ReviewView review, boolean show, JsonMapper mapper) {
			return new ReviewDescriptor(review.id(), review.runId(), review.seq(), review.round(), review.checkpoint(),
					review.status(), review.reviewers(), review.summary(), review.onTimeout(), review.deadline(),
					review.reviewer(), review.comment(), review.createdAt(), review.decidedAt(),
					(show && review.payload() != null) ? mapper.readTree(review.payload()) : null,
					(show && review.edits() != null) ? mapper.readTree(review.edits()) : null);
		}

	}

}
