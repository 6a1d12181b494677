package dev.guardedagents.actuate;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.Reviewer;
import dev.guardedagents.ReviewerNotAuthenticatedException;
import dev.guardedagents.ReviewerNotAuthorizedException;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunNotCancellableException;
import dev.guardedagents.PayloadTooLargeException;
import dev.guardedagents.RunNotFoundException;
import dev.guardedagents.RunNotReceivingException;
import dev.guardedagents.RunNotRetryableException;
import dev.guardedagents.CompensationStatus;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunTotals;
import dev.guardedagents.RunView;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.run.RunSchedules;
import dev.guardedagents.internal.store.StepRow;
import dev.guardedagents.ReviewView;
import dev.guardedagents.internal.redaction.Redaction;
import dev.guardedagents.internal.run.Conversation;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.internal.store.JdbcInstanceStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.RunAction;
import dev.guardedagents.internal.store.RunMessage;
import dev.guardedagents.internal.store.RunPage;
import dev.guardedagents.internal.store.RunRow;
import dev.guardedagents.internal.store.Spend;
import dev.guardedagents.RunNotFinishedException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.util.StringUtils;

/**
 * {@link Endpoint @Endpoint} {@code agentruns}: lists runs (filtered by status and name,
 * newest first, paged), shows one run with its steps in order and the reviews of its
 * checkpoints with every reviewer's decision, and cancels a run (operators only).
 * Payloads (arguments, results, step inputs and outputs, error messages) are shown as
 * configured by {@code guarded-agents.actuator.show-payloads}.
 */
@Endpoint(id = "agentruns")
public class AgentRunsEndpoint {

	static final int MAX_PAGE_SIZE = 200;

	private static final String SPEND = "spend";

	private static final Duration MAX_SPEND_RANGE = Duration.ofDays(366);

	/**
	 * Payloads of a step longer than this, in characters, are cut to a marker in the run
	 * detail.
	 */
	static final int TRUNCATE_AT = 16 * 1024;

	private final AgentRuns runs;

	private final Reviews reviews;

	private final JdbcRunStore store;

	/**
	 * The most messages a run's detail lists: the newest.
	 */
	private static final int MESSAGES_SHOWN = 100;

	/**
	 * The most children a run's detail lists.
	 */
	private static final int CHILDREN_SHOWN = 100;

	private final JsonMapper mapper;

	private final Show showPayloads;

	private final Set<String> roles;

	private final ReviewAccess access;

	private final @Nullable JdbcInstanceStore instances;

	private final @Nullable RunSchedules schedules;

	private final Duration lease;

	private final Redaction redaction;

	/**
	 * Creates a new endpoint that does not list instances.
	 * @param runs the runs facade
	 * @param reviews the reviews of human checkpoints
	 * @param store the run journal, for listing
	 * @param mapper the mapper to show payloads as JSON
	 * @param showPayloads when to show payloads
	 * @param roles the roles allowed to see payloads when authorized
	 * @param access who may act on runs
	 */
	public AgentRunsEndpoint(AgentRuns runs, Reviews reviews, JdbcRunStore store, JsonMapper mapper, Show showPayloads,
			Set<String> roles, ReviewAccess access) {
		this(runs, reviews, store, mapper, showPayloads, roles, access, null, Duration.ZERO, Redaction.NONE);
	}

	/**
	 * Creates a new endpoint.
	 * @param runs the runs facade
	 * @param reviews the reviews of human checkpoints
	 * @param store the run journal, for listing
	 * @param mapper the mapper to show payloads as JSON
	 * @param showPayloads when to show payloads
	 * @param roles the roles allowed to see payloads when authorized
	 * @param access who may act on runs
	 * @param instances the instances sharing the journal, to list them, or {@code null}
	 * @param lease the lease duration: an instance whose last heartbeat is older is not
	 * live
	 * @param redaction what is masked of payloads, failure messages, business keys and
	 * reviews
	 */
	public AgentRunsEndpoint(AgentRuns runs, Reviews reviews, JdbcRunStore store, JsonMapper mapper, Show showPayloads,
			Set<String> roles, ReviewAccess access, @Nullable JdbcInstanceStore instances, Duration lease,
			Redaction redaction) {
		this(runs, reviews, store, mapper, showPayloads, roles, access, instances, lease, redaction, null);
	}

	/**
	 * Creates a new endpoint that lists the schedules of plans too.
	 * @param runs the runs facade
	 * @param reviews the reviews of human checkpoints
	 * @param store the run journal, for listing
	 * @param mapper the mapper to show payloads as JSON
	 * @param showPayloads when to show payloads
	 * @param roles the roles allowed to see payloads when authorized
	 * @param access who may act on runs
	 * @param instances the instances sharing the journal, to list them, or {@code null}
	 * @param lease the lease duration: an instance whose last heartbeat is older is not
	 * live
	 * @param redaction what is masked of payloads, failure messages, business keys and
	 * reviews
	 * @param schedules the schedules of plans, or {@code null}
	 */
	public AgentRunsEndpoint(AgentRuns runs, Reviews reviews, JdbcRunStore store, JsonMapper mapper, Show showPayloads,
			Set<String> roles, ReviewAccess access, @Nullable JdbcInstanceStore instances, Duration lease,
			Redaction redaction, @Nullable RunSchedules schedules) {
		this.schedules = schedules;
		this.redaction = redaction;
		this.instances = instances;
		this.lease = lease;
		this.runs = runs;
		this.reviews = reviews;
		this.store = store;
		this.mapper = mapper;
		this.showPayloads = showPayloads;
		this.roles = roles;
		this.access = access;
	}

	/**
	 * Lists runs, newest first.
	 * @param securityContext the security context
	 * @param status the status to match, all when absent
	 * @param name the run name to match, all when absent
	 * @param businessKey the business key to match, all when absent
	 * @param page the page, from 0
	 * @param size the page size, 1 to 200, 20 when absent
	 * @return the page of runs
	 */
	@ReadOperation
	public RunsDescriptor runs(SecurityContext securityContext, @Nullable RunStatus status, @Nullable String name,
			@Nullable String businessKey, @Nullable Integer page, @Nullable Integer size) {
		int pageNumber = (page != null) ? page : 0;
		int pageSize = (size != null) ? size : 20;
		checkPaging(pageNumber, pageSize);
		boolean show = show(securityContext);
		RunPage result = this.store.list(status, name, businessKey, pageNumber, pageSize);
		Map<String, RunTotals> totals = this.store.totals(result.runs().stream().map(RunRow::id).toList());
		return new RunsDescriptor(result.runs().stream().map((run) -> run(run, totals.get(run.id()), show)).toList(),
				pageNumber, pageSize, result.total(), instances(), schedules(), mayAct(securityContext));
	}

	private static void checkPaging(int page, int size) {
		if (page < 0) {
			throw new InvalidEndpointRequestException("Parameter 'page' must not be negative, was " + page,
					"page must be >= 0");
		}
		if (size < 1 || size > MAX_PAGE_SIZE) {
			throw new InvalidEndpointRequestException(
					"Parameter 'size' must be between 1 and " + MAX_PAGE_SIZE + ", was " + size,
					"size must be 1.." + MAX_PAGE_SIZE);
		}
	}

	private SpendDescriptor spend(String grouping, @Nullable String from, @Nullable String to, @Nullable Integer page,
			@Nullable Integer size) {
		Spend.By by = switch (grouping) {
			case "plan" -> Spend.By.PLAN;
			case "business-key" -> Spend.By.BUSINESS_KEY;
			case "model" -> Spend.By.MODEL;
			case "day" -> Spend.By.DAY;
			default -> throw new InvalidEndpointRequestException(
					"Unknown grouping '" + grouping
							+ "': use /spend/plan, /spend/business-key, /spend/model or /spend/day",
					"unknown grouping");
		};
		int pageNumber = (page != null) ? page : 0;
		int pageSize = (size != null) ? size : 50;
		checkPaging(pageNumber, pageSize);
		Instant end = (to != null) ? instant("to", to) : Instant.now();
		Instant start = (from != null) ? instant("from", from) : end.minus(Duration.ofDays(7));
		if (!start.isBefore(end)) {
			throw new InvalidEndpointRequestException(
					"Parameter 'from' (" + start + ") must be before 'to' (" + end + ")", "from must be before to");
		}
		if (Duration.between(start, end).compareTo(MAX_SPEND_RANGE) > 0) {
			throw new InvalidEndpointRequestException("The range from " + start + " to " + end + " is longer than "
					+ MAX_SPEND_RANGE.toDays() + " days: ask for one year at a time", "range too long");
		}
		Spend spend = this.store.spend(by, start, end, pageNumber, pageSize);
		return new SpendDescriptor(grouping, start, end,
				spend.groups().stream().map((group) -> spendGroup(by, group)).toList(), spendGroup(by, spend.total()),
				pageNumber, pageSize, spend.groupCount());
	}

	private SpendGroupDescriptor spendGroup(Spend.By by, Spend.Group group) {
		String key = (by == Spend.By.BUSINESS_KEY) ? this.redaction.text(group.key()) : group.key();
		return new SpendGroupDescriptor(key, group.runs(), group.modelCalls(), group.inputTokens(),
				group.outputTokens(), group.cost(), group.unpriced());
	}

	/**
	 * Reads a date (UTC midnight) or an instant.
	 */
	private static Instant instant(String parameter, String value) {
		try {
			return (value.length() == 10) ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
					: Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw new InvalidEndpointRequestException("Parameter '" + parameter + "' must be an ISO date (2026-12-01) "
					+ "or instant (2026-12-01T08:00:00Z), was '" + value + "'", parameter + " is not a date");
		}
	}

	private List<ScheduleDescriptor> schedules() {
		if (this.schedules == null) {
			return List.of();
		}
		return this.schedules.list()
			.stream()
			.map((schedule) -> new ScheduleDescriptor(schedule.name(), schedule.cron(), schedule.zone(),
					schedule.catchUp(), schedule.nextTick()))
			.toList();
	}

	private List<InstanceDescriptor> instances() {
		if (this.instances == null) {
			return List.of();
		}
		Instant liveSince = Instant.now().minus(this.lease);
		return this.instances.list()
			.stream()
			.map((instance) -> new InstanceDescriptor(instance.id(), instance.host(), instance.pid(),
					instance.startedAt(), instance.heartbeatAt(), instance.heartbeatAt().isAfter(liveSince),
					instance.runningRuns()))
			.toList();
	}

	/**
	 * Shows one run and a page of its steps; payloads larger than {@value #TRUNCATE_AT}
	 * characters are cut to a marker, except for one step asked for in full.
	 * @param securityContext the security context
	 * @param runId the run id
	 * @param page the page of steps, from 0
	 * @param size the steps per page, 1 to 200, 100 when absent
	 * @param step one step to show alone, by position
	 * @param full whether that step's payloads are shown whole
	 * @return the run, or {@code null} (404) if there is none with that id
	 */
	@ReadOperation
	public @Nullable RunDetailDescriptor run(SecurityContext securityContext, @Selector String runId,
			@Nullable Integer page, @Nullable Integer size, @Nullable Integer step, @Nullable Boolean full) {
		int pageNumber = (page != null) ? page : 0;
		int pageSize = (size != null) ? size : 100;
		checkPaging(pageNumber, pageSize);
		boolean whole = Boolean.TRUE.equals(full);
		if (whole && step == null) {
			throw new InvalidEndpointRequestException("Parameter 'full' shows one step whole: add step=<position>",
					"full needs step");
		}
		boolean show = show(securityContext);
		return this.store.findRun(runId).map((run) -> {
			List<ReviewView> reviews = this.reviews
				.list(ReviewQuery.all().withRunId(runId).withPage(0, ReviewQuery.MAX_SIZE))
				.reviews();
			Map<String, String> checkpoints = new HashMap<>();
			reviews.forEach((review) -> checkpoints.put(review.id(), review.checkpoint()));
			return new RunDetailDescriptor(run(run, show),
					((step != null) ? this.store.steps(runId, step, 1)
							: this.store.steps(runId, pageNumber * pageSize + 1, pageSize))
						.stream()
						.filter((view) -> step == null || view.seq() == step)
						.map((view) -> step(view, show, whole, runId))
						.toList(),
					(step != null) ? 0 : pageNumber, (step != null) ? 1 : pageSize, this.store.stepCount(runId),
					reviews.stream()
						.map((review) -> AgentReviewsEndpoint.ReviewDescriptor.of(review, show, this.mapper,
								this.redaction))
						.toList(),
					this.reviews.decisions(runId)
						.stream()
						.map((decision) -> AgentReviewsEndpoint.DecisionDescriptor.of(decision,
								checkpoints.getOrDefault(decision.reviewId(), ""), show, this.mapper, this.redaction))
						.toList(),
					this.store.history(runId).stream().map((view) -> step(view, show, false, runId)).toList(),
					this.store.actions(runId).stream().map(ActionDescriptor::of).toList(),
					this.store.messages(runId, MESSAGES_SHOWN)
						.stream()
						.map((message) -> message(message, show))
						.toList(),
					this.store.messageCount(runId),
					this.store.children(runId, CHILDREN_SHOWN).stream().map(ChildDescriptor::of).toList(),
					this.store.childCount(runId), mayAct(securityContext));
		}).orElse(null);
	}

	/**
	 * Whether the caller may act on runs (cancel, retry, fork), for a client such as the
	 * console to offer only what the write operations allow.
	 */
	private boolean mayAct(SecurityContext securityContext) {
		Reviewer caller = AgentReviewsEndpoint.reviewer(securityContext);
		try {
			this.access.authorizeOperator(caller.authenticated() ? caller : null, "act on runs");
			return true;
		}
		catch (ReviewerNotAuthenticatedException | ReviewerNotAuthorizedException ex) {
			return false;
		}
	}

	/**
	 * Exports a run with its steps ({@code GET /actuator/agentruns/{runId}/export}) for
	 * an operator ({@code guarded-agents.security.operators}), to replay it against new
	 * code in a test: payloads as stored, not redacted. Or, as {@code GET
	 * /actuator/agentruns/spend/{plan|business-key|model|day}}, what model calls cost
	 * over a time range, grouped, most expensive first.
	 * @param securityContext the security context
	 * @param runId the run id, or {@code spend}
	 * @param part {@code export}, or the grouping of a spend
	 * @param from the start of a spend's range (an ISO date, UTC, or instant), inclusive;
	 * 7 days before {@code to} when absent
	 * @param to the end of a spend's range, exclusive; now when absent
	 * @param page the page of groups, from 0
	 * @param size the groups per page, 1 to 200, 50 when absent
	 * @return the exported run or the spend; 400 for a bad grouping or range, 401 without
	 * authentication, 403 for a principal that is no operator, 404 if there is no such
	 * run or part
	 */
	@ReadOperation
	public WebEndpointResponse<Object> part(SecurityContext securityContext, @Selector String runId,
			@Selector String part, @Nullable String from, @Nullable String to, @Nullable Integer page,
			@Nullable Integer size) {
		if (SPEND.equals(runId)) {
			return new WebEndpointResponse<>(spend(part, from, to, page, size));
		}
		if (!"export".equals(part)) {
			return new WebEndpointResponse<>(
					Map.of("error",
							"Unknown part '" + part + "' of run " + runId
									+ "; GET /actuator/agentruns/{runId}/export exports a run"),
					WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return asOperator(securityContext, "export run " + runId,
				(caller) -> new WebEndpointResponse<>(this.mapper.readTree(this.runs.export(runId))));
	}

	/**
	 * Retries the failed runs of a plan ({@code POST /actuator/agentruns} with
	 * {@code {"name": ..., "errorType": ..., "limit": ...}}), for an operator, each as
	 * {@code POST /actuator/agentruns/{runId}/retry} does.
	 * @param securityContext the security context
	 * @param name the plan's run name
	 * @param errorType only runs that failed with this error type, all when absent
	 * @param limit how many runs at most, 1 to 200, 50 when absent
	 * @return the ids retried; 400 without a name or with a limit out of range, 401, 403
	 */
	@WriteOperation
	public WebEndpointResponse<Object> retryFailed(SecurityContext securityContext, String name,
			@Nullable String errorType, @Nullable Integer limit) {
		int count = (limit != null) ? limit : 50;
		if (!StringUtils.hasText(name) || count < 1 || count > MAX_PAGE_SIZE) {
			throw new InvalidEndpointRequestException("Name the plan whose failed runs to retry, and a limit of 1 to "
					+ MAX_PAGE_SIZE + " runs (was " + count + ")", "name and limit 1.." + MAX_PAGE_SIZE);
		}
		return asOperator(securityContext, "retry failed runs of " + name, (caller) -> new WebEndpointResponse<>(
				Map.of("retried", this.runs.retryFailed(name, errorType, count, caller.name()))));
	}

	/**
	 * Retries a failed run from where it failed ({@code POST
	 * /actuator/agentruns/{runId}/retry}), or forks a run from a step into a new run
	 * ({@code .../fork} with {@code {"fromStep": n}}), or sends the run a message
	 * ({@code .../messages} with {@code {"topic": ..., "payload": ..., "key": ...}}), for
	 * an operator ({@code guarded-agents.security.operators}), journaled with the
	 * operator's name; see {@link AgentRuns#retry(String, String)} and
	 * {@link AgentRuns#send(String, String, Object, String, String)}.
	 * @param securityContext the security context
	 * @param runId the run id
	 * @param part {@code retry}, {@code fork} or {@code messages}
	 * @param fromStep where a fork starts
	 * @param topic the topic of a message
	 * @param payload the payload of a message, any JSON value (as its JSON text, which
	 * {@link RunMessageBodyAdvice} makes of it over Spring MVC)
	 * @param key the key of a message, which makes sending it again change nothing
	 * @return the run as it is now (the new run of a fork; for a message, whether it was
	 * kept); 400 for a fork without a step or a message without a topic or payload, 401
	 * without authentication, 403 for a principal that is no operator, 404 if there is no
	 * such run or part, 409 with its status if it did not fail or was compensated (for a
	 * message: if it has finished), 413 for a payload over the journal's limit
	 */
	@WriteOperation
	public WebEndpointResponse<Object> act(SecurityContext securityContext, @Selector String runId,
			@Selector String part, @Nullable Integer fromStep, @Nullable String topic, @Nullable String payload,
			@Nullable String key) {
		if ("messages".equals(part)) {
			return send(securityContext, runId, topic, payload, key);
		}
		if ("fork".equals(part)) {
			if (fromStep == null) {
				throw new InvalidEndpointRequestException("Say where the fork starts: {\"fromStep\": n}",
						"fromStep missing");
			}
			return asOperator(securityContext, "fork run " + runId, (caller) -> {
				try {
					return new WebEndpointResponse<>(
							run(RunRow.of(this.runs.fork(runId, fromStep, caller.name())), show(securityContext)));
				}
				catch (IllegalArgumentException ex) {
					return new WebEndpointResponse<>(Map.of("error", String.valueOf(ex.getMessage())),
							WebEndpointResponse.STATUS_BAD_REQUEST);
				}
			});
		}
		if (!"retry".equals(part)) {
			return new WebEndpointResponse<>(Map.of("error",
					"Unknown action '" + part + "' on run " + runId
							+ "; POST /actuator/agentruns/{runId}/retry retries a failed run, .../fork forks one, "
							+ ".../messages sends it a message"),
					WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return asOperator(securityContext, "retry run " + runId, (caller) -> {
			try {
				return new WebEndpointResponse<>(
						run(RunRow.of(this.runs.retry(runId, caller.name())), show(securityContext)));
			}
			catch (RunNotRetryableException ex) {
				return conflict(runId, ex.getMessage(), ex.getStatus());
			}
		});
	}

	private WebEndpointResponse<Object> send(SecurityContext securityContext, String runId, @Nullable String topic,
			@Nullable String payload, @Nullable String key) {
		return asOperator(securityContext, "send a message to run " + runId, (caller) -> {
			if (!StringUtils.hasText(topic) || payload == null) {
				return new WebEndpointResponse<>(Map.of("error",
						"Send a message as {\"topic\": ..., \"payload\": ..., \"key\": ...}: a topic and a payload "
								+ "(any JSON value but null) are required, the key is optional"),
						WebEndpointResponse.STATUS_BAD_REQUEST);
			}
			try {
				boolean sent = this.runs.send(runId, topic, Objects.requireNonNull(json(payload)), key, caller.name());
				Map<String, Object> body = new LinkedHashMap<>();
				body.put("runId", runId);
				body.put("topic", topic);
				body.put("sent", sent);
				if (!sent) {
					body.put("reason", "run " + runId + " already has a message with key '" + key + "'");
				}
				return new WebEndpointResponse<>(body);
			}
			catch (RunNotReceivingException ex) {
				return conflict(runId, ex.getMessage(), ex.getStatus());
			}
			catch (PayloadTooLargeException ex) {
				return new WebEndpointResponse<>(Map.of("error", String.valueOf(ex.getMessage())), 413);
			}
			catch (IllegalArgumentException ex) {
				return new WebEndpointResponse<>(Map.of("error", String.valueOf(ex.getMessage())),
						WebEndpointResponse.STATUS_BAD_REQUEST);
			}
		});
	}

	/**
	 * Cancels a run that has not finished, or with {@code purge=true} erases a finished
	 * run with all its rows, for an operator ({@code guarded-agents.security.operators}).
	 * @param securityContext the security context
	 * @param runId the run id
	 * @param purge {@code true} to erase a finished run instead of cancelling
	 * @return the run after the cancellation (after a purge: the rows deleted); 401
	 * without authentication, 403 for a principal that is no operator, 404 if there is no
	 * such run, 409 with its status if it has finished, is being compensated or is
	 * resuming after an approval (for a purge: if it has not finished)
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> cancel(SecurityContext securityContext, @Selector String runId,
			@Nullable Boolean purge) {
		boolean purging = Boolean.TRUE.equals(purge);
		return asOperator(securityContext, (purging ? "purge" : "cancel") + " run " + runId, (caller) -> {
			try {
				if (purging) {
					return new WebEndpointResponse<>(
							Map.of("runId", runId, "purged", true, "rows", this.runs.purge(runId)));
				}
				if (!this.runs.cancel(runId, caller.name())) {
					RunStatus status = this.runs.find(runId).map(RunView::status).orElse(null);
					return conflict(runId, "Run " + runId + " has finished (" + status + ") and cannot be cancelled",
							status);
				}
			}
			catch (RunNotCancellableException ex) {
				return conflict(runId, ex.getMessage(), ex.getStatus());
			}
			catch (RunNotFinishedException ex) {
				return conflict(runId, ex.getMessage(), ex.getStatus());
			}
			return this.store.findRun(runId)
				.<WebEndpointResponse<Object>>map((run) -> new WebEndpointResponse<>(run(run, show(securityContext))))
				.orElseGet(() -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
		});
	}

	/**
	 * Acts on a run for an operator ({@code guarded-agents.security.operators}): 401
	 * without authentication, 403 for a principal that is no operator, 404 for a run that
	 * does not exist.
	 */
	private WebEndpointResponse<Object> asOperator(SecurityContext securityContext, String action,
			OperatorAction operation) {
		Reviewer caller = AgentReviewsEndpoint.reviewer(securityContext);
		try {
			this.access.authorizeOperator(caller.authenticated() ? caller : null, action);
			return operation.act(caller);
		}
		catch (ReviewerNotAuthenticatedException ex) {
			return AgentReviewsEndpoint.unauthenticated(ex);
		}
		catch (ReviewerNotAuthorizedException ex) {
			return AgentReviewsEndpoint.forbidden(ex);
		}
		catch (RunNotFoundException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage()), WebEndpointResponse.STATUS_NOT_FOUND);
		}
	}

	@FunctionalInterface
	private interface OperatorAction {

		WebEndpointResponse<Object> act(Reviewer caller);

	}

	private static WebEndpointResponse<Object> conflict(String runId, String error, @Nullable RunStatus status) {
		return new WebEndpointResponse<>(Map.of("error", error, "runId", runId, "runStatus", String.valueOf(status)),
				409);
	}

	private boolean show(SecurityContext securityContext) {
		return this.showPayloads.isShown(securityContext, this.roles);
	}

	private RunDescriptor run(RunRow run, boolean show) {
		return run(run, this.store.totals(List.of(run.id())).get(run.id()), show);
	}

	private RunDescriptor run(RunRow run, @Nullable RunTotals totals, boolean show) {
		JsonNode arguments = show ? json(run.arguments()) : null;
		JsonNode result = show ? json(run.result()) : null;
		return new RunDescriptor(run.id(), run.name(), run.version(), run.status(),
				this.redaction.text(run.businessKey()), this.redaction.text(run.idempotencyKey()), run.startedBy(),
				run.owner(), run.leaseUntil(), run.recoveries(), run.stepCount(), totals, run.createdAt(),
				run.updatedAt(), run.finishedAt(), run.wakeAt(), receivesOn(run), awaits(run), run.parentId(),
				run.compensation(), run.errorType(), show ? this.redaction.text(run.errorMessage()) : null,
				(arguments != null) ? this.redaction.runArguments(run.name(), arguments) : null,
				(result != null) ? this.redaction.runResult(run.name(), result) : null);
	}

	private static @Nullable String receivesOn(RunRow run) {
		return (run.status() == RunStatus.WAITING && run.waitTopic() != null
				&& !run.waitTopic().startsWith(JdbcRunStore.CHILD_TOPIC)) ? run.waitTopic() : null;
	}

	private static @Nullable String awaits(RunRow run) {
		return (run.status() == RunStatus.WAITING && run.waitTopic() != null
				&& run.waitTopic().startsWith(JdbcRunStore.CHILD_TOPIC))
						? run.waitTopic().substring(JdbcRunStore.CHILD_TOPIC.length()) : null;
	}

	private StepDescriptor step(StepRow step, boolean show, boolean whole, String runId) {
		// a model request asked for whole is rebuilt from the requests it continues
		String request = (show && whole && step.kind() == StepKind.LLM)
				? Conversation.rebuild(this.store.steps(runId, 1, step.seq()), step.seq(), this.mapper) : null;
		return new StepDescriptor(step.seq(), step.kind(), step.name(), step.succeeded() ? "SUCCEEDED" : "FAILED",
				step.attempts(), step.fellBack(), step.startedAt(), step.duration().toNanos() / 1_000_000.0,
				step.idempotencyKey(),
				show ? payload((request != null) ? request : step.input(), step.seq(), whole,
						(input) -> this.redaction.stepInput(step.kind(), step.name(), input)) : null,
				show ? payload(step.output(), step.seq(), whole,
						(output) -> this.redaction.stepOutput(step.kind(), step.name(), output)) : null,
				step.errorType(), show ? this.redaction.text(step.errorMessage()) : null,
				show ? payload(step.attemptErrors(), step.seq(), whole, this.redaction::json) : null, step.usage());
	}

	/**
	 * A step's payload as JSON as it may be shown, or a marker in its place when it is
	 * larger than {@value #TRUNCATE_AT} characters and not asked for whole.
	 */
	private @Nullable JsonNode payload(@Nullable String json, int seq, boolean whole, UnaryOperator<JsonNode> mask) {
		if (json == null || whole || json.length() <= TRUNCATE_AT) {
			JsonNode node = json(json);
			return (node != null) ? mask.apply(node) : null;
		}
		return this.mapper.getNodeFactory()
			.objectNode()
			.put("truncated", true)
			.put("length", json.length())
			.put("show", "?step=" + seq + "&full=true");
	}

	private MessageDescriptor message(RunMessage message, boolean show) {
		JsonNode payload = show ? json(message.payload()) : null;
		return new MessageDescriptor(message.topic(), this.redaction.text(message.key()), message.sentBy(),
				message.sentAt(), message.receivedAtStep(), (payload != null) ? this.redaction.json(payload) : null);
	}

	private @Nullable JsonNode json(@Nullable String json) {
		if (json == null) {
			return null;
		}
		try {
			return this.mapper.readTree(json);
		}
		catch (JacksonException ex) {
			return this.mapper.getNodeFactory().stringNode(json);
		}
	}

	/**
	 * A page of runs.
	 *
	 * @param runs the runs, newest first
	 * @param page the page number
	 * @param size the page size
	 * @param total the number of runs matching the filter
	 * @param instances the instances sharing the journal
	 * @param schedules the schedules of plans on this instance
	 * @param mayAct whether the caller may act on runs (cancel, retry, fork), as an
	 * operator
	 */
	public record RunsDescriptor(List<RunDescriptor> runs, int page, int size, long total,
			List<InstanceDescriptor> instances, List<ScheduleDescriptor> schedules, boolean mayAct) {
	}

	/**
	 * The schedule of a plan on this instance.
	 *
	 * @param name the run name
	 * @param cron the cron expression
	 * @param zone the time zone it is read in
	 * @param catchUp whether ticks missed while no instance ran are started
	 * @param nextTick the next tick, or {@code null} when none comes
	 */
	public record ScheduleDescriptor(String name, String cron, String zone, boolean catchUp,
			@Nullable Instant nextTick) {
	}

	/**
	 * What model calls cost over a time range.
	 *
	 * @param by the grouping: {@code plan}, {@code business-key}, {@code model} or
	 * {@code day}
	 * @param from the start of the range, inclusive
	 * @param to the end of the range, exclusive
	 * @param groups the page of groups, most expensive first
	 * @param total the whole range
	 * @param page the page, from 0
	 * @param size the groups per page
	 * @param groupCount how many groups the range has
	 */
	public record SpendDescriptor(String by, Instant from, Instant to, List<SpendGroupDescriptor> groups,
			SpendGroupDescriptor total, int page, int size, long groupCount) {

	}

	/**
	 * The spend of one group; the total's key is {@code null}.
	 *
	 * @param key the plan, business key (redacted as everywhere), model or day
	 * @param runs the runs that made calls in the group
	 * @param modelCalls the model calls
	 * @param inputTokens their input tokens
	 * @param outputTokens their output tokens
	 * @param cost their cost in USD
	 * @param unpriced the calls recorded without a price (not in the cost)
	 */
	public record SpendGroupDescriptor(@Nullable String key, long runs, long modelCalls, long inputTokens,
			long outputTokens, BigDecimal cost, long unpriced) {

	}

	/**
	 * An instance that holds or held an instance id in the journal. A graceful stop gives
	 * the id up; a crashed instance stays listed, not live, until an instance with its id
	 * starts again.
	 *
	 * @param id the instance id
	 * @param host the host name
	 * @param pid the process id on that host
	 * @param startedAt when the process started
	 * @param lastHeartbeat its last heartbeat (every lease renewal)
	 * @param live whether the heartbeat is younger than a lease
	 * @param runningRuns how many running runs it owns
	 */
	public record InstanceDescriptor(String id, String host, long pid, Instant startedAt, Instant lastHeartbeat,
			boolean live, int runningRuns) {
	}

	/**
	 * A run, its steps, its reviews and every reviewer's decision on them.
	 *
	 * @param run the run
	 * @param steps a page of the steps, in order (or the one step asked for)
	 * @param stepsPage the page of steps
	 * @param stepsSize the steps per page
	 * @param stepsTotal how many steps the run has
	 * @param reviews the reviews, newest first
	 * @param decisions the individual decisions of reviewers, in the order taken
	 * @param history the failed step records retries set aside, in that order
	 * @param actions what operators did to the run (cancels, retries, forks, messages
	 * sent), oldest first
	 * @param messages the newest messages sent to the run (at most 100), oldest of them
	 * first
	 * @param messagesTotal how many messages were sent to the run
	 * @param children the runs this run started as its children (at most 100), oldest
	 * first
	 * @param childrenTotal how many children it started
	 * @param mayAct whether the caller may act on runs (cancel, retry, fork, send a
	 * message), as an operator
	 */
	public record RunDetailDescriptor(RunDescriptor run, List<StepDescriptor> steps, int stepsPage, int stepsSize,
			int stepsTotal, List<AgentReviewsEndpoint.ReviewDescriptor> reviews,
			List<AgentReviewsEndpoint.DecisionDescriptor> decisions, List<StepDescriptor> history,
			List<ActionDescriptor> actions, List<MessageDescriptor> messages, int messagesTotal,
			List<ChildDescriptor> children, int childrenTotal, boolean mayAct) {
	}

	/**
	 * A run that a run started as its child ({@code AgentRuns.start} in its plan).
	 *
	 * @param id the child's run id
	 * @param name its run name
	 * @param status its status
	 * @param createdAt when it started
	 * @param finishedAt when it finished
	 */
	public record ChildDescriptor(String id, String name, RunStatus status, Instant createdAt,
			@Nullable Instant finishedAt) {

		static ChildDescriptor of(RunRow child) {
			return new ChildDescriptor(child.id(), child.name(), child.status(), child.createdAt(), child.finishedAt());
		}

	}

	/**
	 * A message sent to a run ({@code AgentRuns.send}).
	 *
	 * @param topic its topic
	 * @param key its key, if the sender gave one (pattern matches masked)
	 * @param sentBy the operator who sent it, or {@code null} for the application
	 * @param sentAt when
	 * @param receivedAtStep the position of the receive that took it (its deadline step),
	 * or {@code null} while none did
	 * @param payload the payload, when payloads are shown (pattern matches masked)
	 */
	public record MessageDescriptor(String topic, @Nullable String key, @Nullable String sentBy, Instant sentAt,
			@Nullable Integer receivedAtStep, @Nullable JsonNode payload) {
	}

	/**
	 * Something an operator did to a run.
	 *
	 * @param action what, such as {@code RETRY}
	 * @param actor who
	 * @param at when
	 * @param detail what it changed
	 */
	public record ActionDescriptor(String action, String actor, Instant at, @Nullable String detail) {

		static ActionDescriptor of(RunAction action) {
			return new ActionDescriptor(action.action(), action.actor(), action.at(), action.detail());
		}

	}

	/**
	 * A run.
	 *
	 * @param id the run id
	 * @param name the run name
	 * @param version the plan version
	 * @param status the status
	 * @param businessKey the business key
	 * @param idempotencyKey the idempotency key
	 * @param startedBy the principal that started the run, if one was authenticated
	 * @param owner the owning instance while running
	 * @param leaseUntil the end of the owner's lease
	 * @param recoveries how often the run was resumed after its owner stopped
	 * @param stepCount the number of steps, once finished
	 * @param totals what the run spent: model and tool calls, tokens, cost, and whether
	 * its budget degraded it
	 * @param createdAt when the run started
	 * @param updatedAt when the run last changed
	 * @param finishedAt when the run finished
	 * @param wakeAt when a run that sleeps ({@code RunContext.sleep}) wakes, or one that
	 * waits for a message ({@code RunContext.receive}) stops waiting
	 * @param receivesOn the topic a run that waits for a message receives on
	 * @param awaits the child run a run that waits for one ({@code RunContext.await})
	 * waits for
	 * @param parentId the run that started this one as its child, if any
	 * @param compensation where the compensation of a failed or cancelled run stands
	 * @param errorType the error class, once failed
	 * @param errorMessage the error message, when payloads are shown
	 * @param arguments the arguments, when payloads are shown
	 * @param result the result, when payloads are shown
	 */
	public record RunDescriptor(String id, String name, String version, RunStatus status, @Nullable String businessKey,
			@Nullable String idempotencyKey, @Nullable String startedBy, @Nullable String owner,
			@Nullable Instant leaseUntil, int recoveries, int stepCount, @Nullable RunTotals totals, Instant createdAt,
			Instant updatedAt, @Nullable Instant finishedAt, @Nullable Instant wakeAt, @Nullable String receivesOn,
			@Nullable String awaits, @Nullable String parentId, @Nullable CompensationStatus compensation,
			@Nullable String errorType, @Nullable String errorMessage, @Nullable JsonNode arguments,
			@Nullable JsonNode result) {
	}

	/**
	 * A step of a run.
	 *
	 * @param seq the position in the run
	 * @param kind the kind of step
	 * @param name the step name
	 * @param status SUCCEEDED or FAILED
	 * @param attempts the number of attempts
	 * @param fellBack whether the tool's fallback answered
	 * @param startedAt when the step started
	 * @param durationMillis how long it took
	 * @param idempotencyKey the step's idempotency key
	 * @param input the input, when payloads are shown
	 * @param output the output, when payloads are shown
	 * @param errorType the exception class, when it failed
	 * @param errorMessage the exception message, when payloads are shown
	 * @param attemptErrors the failed attempts (type, message, duration), when payloads
	 * are shown
	 * @param usage the model, prompt version, tokens and cost of a model call
	 */
	public record StepDescriptor(int seq, StepKind kind, String name, String status, int attempts, boolean fellBack,
			Instant startedAt, double durationMillis, String idempotencyKey, @Nullable JsonNode input,
			@Nullable JsonNode output, @Nullable String errorType, @Nullable String errorMessage,
			@Nullable JsonNode attemptErrors, @Nullable ModelUsage usage) {
	}

}
