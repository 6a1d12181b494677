package dev.guardedagents.internal.redaction;

import java.util.Objects;
import java.util.function.Function;

import dev.guardedagents.ReviewView;
import dev.guardedagents.RunContext;
import dev.guardedagents.Sensitive;
import dev.guardedagents.StepKind;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * What the journal shows of its payloads wherever they leave the application's own calls
 * (endpoints, review events): {@code @Sensitive} values of plans, tools and checkpoints
 * as {@value Sensitive#MASK}, and the matches of the redaction patterns masked in every
 * other string.
 */
public final class Redaction {

	/**
	 * Shows everything as it is.
	 */
	public static final Redaction NONE = new Redaction(Redactor.NONE, (name) -> Sensitivity.NONE,
			(name) -> Sensitivity.NONE, (name) -> Sensitivity.NONE, JsonMapper.shared());

	private final Redactor redactor;

	private final Function<String, Sensitivity> plans;

	private final Function<String, Sensitivity> tools;

	private final Function<String, Sensitivity> checkpoints;

	private final JsonMapper mapper;

	/**
	 * Creates a redaction.
	 * @param redactor the patterns
	 * @param plans what each plan declares sensitive, by name
	 * @param tools what each tool declares sensitive, by step name
	 * @param checkpoints what each checkpoint declares sensitive, by name
	 * @param mapper reads and writes review payloads
	 */
	public Redaction(Redactor redactor, Function<String, Sensitivity> plans, Function<String, Sensitivity> tools,
			Function<String, Sensitivity> checkpoints, JsonMapper mapper) {
		this.redactor = redactor;
		this.plans = plans;
		this.tools = tools;
		this.checkpoints = checkpoints;
		this.mapper = mapper;
	}

	/**
	 * Masks the pattern matches of a text: a failure message, a summary, a comment, a
	 * business key.
	 * @param text the text
	 * @return the text masked
	 */
	public @Nullable String text(@Nullable String text) {
		return this.redactor.text(text);
	}

	/**
	 * Masks the pattern matches in the strings of a JSON value.
	 * @param json the value (changed in place)
	 * @return the value masked
	 */
	public JsonNode json(JsonNode json) {
		return this.redactor.json(json);
	}

	/**
	 * Masks the arguments of a run.
	 * @param plan the run's name
	 * @param arguments the arguments (changed in place)
	 * @return the arguments masked
	 */
	public JsonNode runArguments(String plan, JsonNode arguments) {
		return this.redactor.json(this.plans.apply(plan).maskArguments(arguments));
	}

	/**
	 * Masks the result of a run.
	 * @param plan the run's name
	 * @param result the result (changed in place)
	 * @return the result masked
	 */
	public JsonNode runResult(String plan, JsonNode result) {
		return this.plans.apply(plan).result() ? StringNode.valueOf(Sensitive.MASK) : this.redactor.json(result);
	}

	/**
	 * Masks the input of a step.
	 * @param kind the step's kind
	 * @param name the step's name
	 * @param input the input (changed in place)
	 * @return the input masked
	 */
	public JsonNode stepInput(StepKind kind, String name, JsonNode input) {
		// the start of a child run holds the child plan's arguments
		Sensitivity sensitivity = (kind == StepKind.CHILD && !RunContext.AWAIT.equals(name)) ? this.plans.apply(name)
				: tool(kind, name);
		return this.redactor.json(sensitivity.maskArguments(input));
	}

	/**
	 * Masks the output of a step.
	 * @param kind the step's kind
	 * @param name the step's name
	 * @param output the output (changed in place)
	 * @return the output masked
	 */
	public JsonNode stepOutput(StepKind kind, String name, JsonNode output) {
		// the wait for a child run holds the child's result
		if (kind == StepKind.CHILD && RunContext.AWAIT.equals(name) && output instanceof ObjectNode outcome
				&& outcome.hasNonNull("name") && outcome.has("result")
				&& this.plans.apply(outcome.get("name").asString()).result()) {
			outcome.put("result", Sensitive.MASK);
		}
		return tool(kind, name).result() ? StringNode.valueOf(Sensitive.MASK) : this.redactor.json(output);
	}

	private Sensitivity tool(StepKind kind, String name) {
		return (kind == StepKind.TOOL) ? this.tools.apply(name) : Sensitivity.NONE;
	}

	/**
	 * Masks the payload or edits of a review: the arguments of its checkpoint or tool.
	 * @param review the review's checkpoint or tool name
	 * @param payload the payload (changed in place)
	 * @return the payload masked
	 */
	public JsonNode reviewPayload(String review, JsonNode payload) {
		return this.redactor.json(this.checkpoints.apply(review).and(this.tools.apply(review)).maskArguments(payload));
	}

	/**
	 * Returns a review as it may be shown: its summary, comment, payload and edits
	 * masked.
	 * @param review the review
	 * @return the review masked
	 */
	public ReviewView view(ReviewView review) {
		return new ReviewView(review.id(), review.runId(), review.seq(), review.round(), review.kind(),
				review.checkpoint(), review.status(), review.reviewers(), text(review.summary()),
				Objects.requireNonNull(reviewJson(review.checkpoint(), review.payload())), review.onTimeout(),
				review.deadline(), review.reviewer(), text(review.comment()),
				reviewJson(review.checkpoint(), review.edits()), review.requiredApprovals(), review.approvals(),
				review.editable(), review.createdAt(), review.decidedAt());
	}

	private @Nullable String reviewJson(String review, @Nullable String json) {
		if (json == null) {
			return null;
		}
		try {
			return this.mapper.writeValueAsString(reviewPayload(review, this.mapper.readTree(json)));
		}
		catch (JacksonException ex) {
			return this.redactor.text(json);
		}
	}

}
