package dev.guardedagents.internal.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewPage;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviewer;
import dev.guardedagents.ReviewerDecision;
import dev.guardedagents.ReviewerNotAuthorizedException;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.security.ReviewSecurityApplication.Plans;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Who may decide which review, as whom and on what, over HTTP with real Spring Security
 * and through the API, on a real database.
 */
@SpringBootTest(classes = ReviewSecurityApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "guarded-agents.instance-id=security", "guarded-agents.reviews.allow-anonymous=false",
				"guarded-agents.reviews.kinds.tool-failure.reviewers=ops-oncall",
				"guarded-agents.reviews.kinds.policy.reviewers=compliance",
				"guarded-agents.reviews.kinds.budget.reviewers=finance",
				"guarded-agents.reviews.kinds.compensation.reviewers=ops-oncall",
				"guarded-agents.security.operators=operator", "guarded-agents.budgets.tight.max-tool-calls=1",
				"guarded-agents.budgets.tight.on-exceeded=escalate",
				"guarded-agents.policies.patterns.secrets.regex=SECRET",
				"guarded-agents.policies.patterns.secrets.verdict=review",
				"guarded-agents.reviews.deadline-check-interval=1h", "guarded-agents.executor.pool-size=4",
				"management.endpoints.web.exposure.include=agentruns,agentreviews", "logging.level.root=warn" })
abstract class ReviewSecurityTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Reviewer ALICE = Reviewer.of("alice", "ROLE_billing");

	private static final Reviewer DAVE = Reviewer.of("dave", "ROLE_billing");

	private static final Reviewer BOB = Reviewer.of("bob", "ROLE_support");

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = new JsonMapper();

	@LocalServerPort
	int port;

	@Autowired
	AgentRuns runs;

	@Autowired
	Reviews reviews;

	@Autowired
	Plans plans;

	@Test
	void overHttpOnlyTheRightPrincipalDecidesAndSignsTheDecision() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.reply(12, "ann"));
		ReviewView review = pending(handle.runId(), ReviewKind.CHECKPOINT);
		String path = "/actuator/agentreviews/" + review.id();

		HttpResponse<String> anonymous = post(path, null,
				"{\"decision\":\"APPROVE\",\"reviewer\":\"ceo@example.com\"}");
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.body()).contains("needs an authenticated reviewer");
		HttpResponse<String> plainUser = post(path, "paul", "{\"decision\":\"APPROVE\"}");
		assertThat(plainUser.statusCode()).isEqualTo(403);
		assertThat(plainUser.body()).contains("'paul' may not decide").contains("billing");
		assertThat(post(path, "bob", "{\"decision\":\"APPROVE\"}").statusCode()).isEqualTo(403);
		HttpResponse<String> impostor = post(path, "alice",
				"{\"decision\":\"APPROVE\",\"reviewer\":\"ceo@example.com\"}");
		assertThat(impostor.statusCode()).isEqualTo(403);
		assertThat(impostor.body()).contains("ceo@example.com").contains("alice");
		assertThat(this.reviews.decisions(handle.runId())).isEmpty();
		assertThat(this.reviews.find(review.id()).orElseThrow().status()).isEqualTo(ReviewStatus.PENDING);

		HttpResponse<String> approved = post(path, "alice", "{\"decision\":\"APPROVE\",\"comment\":\"fine\"}");
		assertThat(approved.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(approved.body()).get("reviewer").asString()).isEqualTo("alice");
		assertThat(handle.await(WAIT)).isEqualTo("12:1:standard:ann");
		assertThat(this.reviews.decisions(handle.runId())).singleElement().satisfies((decision) -> {
			assertThat(decision.reviewer()).isEqualTo("alice");
			assertThat(decision.authorities()).contains("billing");
			assertThat(decision.channel()).isEqualTo(Reviewer.Channel.HTTP);
			assertThat(decision.comment()).isEqualTo("fine");
		});
		JsonNode detail = this.json.readTree(get("/actuator/agentruns/" + handle.runId(), "alice").body());
		assertThat(detail.get("decisions").get(0).get("reviewer").asString()).isEqualTo("alice");
		assertThat(detail.get("decisions").get(0).get("channel").asString()).isEqualTo("HTTP");
	}

	@Test
	void editsBindStrictlyToEditableParametersOnly() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.reply(12, "ann"));
		ReviewView review = pending(handle.runId(), ReviewKind.CHECKPOINT);
		String path = "/actuator/agentreviews/" + review.id();

		HttpResponse<String> notEditable = post(path, "alice",
				"{\"decision\":\"APPROVE\",\"edits\":{\"customer\":\"eve\"}}");
		assertThat(notEditable.statusCode()).isEqualTo(400);
		assertThat(notEditable.body()).contains("edits.customer").contains("not editable");
		HttpResponse<String> truncated = post(path, "alice", "{\"decision\":\"APPROVE\",\"edits\":{\"ticketId\":1.5}}");
		assertThat(truncated.statusCode()).isEqualTo(400);
		assertThat(truncated.body()).contains("edits.ticketId").contains("long");
		HttpResponse<String> coerced = post(path, "alice", "{\"decision\":\"APPROVE\",\"edits\":{\"count\":\"3\"}}");
		assertThat(coerced.statusCode()).isEqualTo(400);
		assertThat(coerced.body()).contains("edits.count").contains("int");
		assertThat(this.reviews.decisions(handle.runId())).isEmpty();
		assertThat(this.reviews.find(review.id()).orElseThrow().status()).isEqualTo(ReviewStatus.PENDING);

		HttpResponse<String> edited = post(path, "alice",
				"{\"decision\":\"APPROVE\",\"edits\":{\"policy\":\"strict\",\"ticketId\":13}}");
		assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
		assertThat(handle.await(WAIT)).isEqualTo("13:1:strict:ann");
	}

	@Test
	void inputOverItsLimitsIsRefusedNamingTheFieldAndNothingIsWritten() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.reply(14, "ann"));
		ReviewView review = pending(handle.runId(), ReviewKind.CHECKPOINT);
		String path = "/actuator/agentreviews/" + review.id();

		HttpResponse<String> longName = post(path, "alice",
				"{\"decision\":\"APPROVE\",\"reviewer\":\"" + "r".repeat(300) + "\"}");
		assertThat(longName.statusCode()).isEqualTo(400);
		assertThat(longName.body()).contains("reviewer").contains("200 characters");
		HttpResponse<String> longComment = post(path, "alice",
				"{\"decision\":\"REJECT\",\"comment\":\"" + "c".repeat(2 * 1024 * 1024) + "\"}");
		assertThat(longComment.statusCode()).isEqualTo(400);
		assertThat(longComment.body()).contains("comment").contains("4000");
		assertThat(this.reviews.decisions(handle.runId())).isEmpty();
		assertThat(this.reviews.find(review.id()).orElseThrow().status()).isEqualTo(ReviewStatus.PENDING);
		this.runs.cancel(handle.runId());
	}

	@Test
	void conditionThatCannotBeEvaluatedAsksAReviewerInsteadOfSkipping() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.noted(null));
		ReviewView review = pending(handle.runId(), ReviewKind.CHECKPOINT);
		assertThat(review.summary())
			.startsWith("Asked because its condition when = \"#note.length() > 3\" could not " + "be evaluated");
		this.reviews.decide(review.id(), ReviewDecision.approve(), ALICE);
		assertThat(handle.await(WAIT)).isEqualTo("noted null");
		assertThat(this.runs.start(() -> this.plans.noted("ok")).await(WAIT)).isEqualTo("noted ok");
	}

	@Test
	void twoApprovalsNeedTwoPeopleAndOneRejectionRejects() throws Exception {
		RunHandle<Integer> handle = startAs("carol", () -> this.plans.payout(500));
		assertThat(this.runs.find(handle.runId()).orElseThrow().startedBy()).isEqualTo("carol");
		ReviewView review = pending(handle.runId(), ReviewKind.CHECKPOINT);
		assertThat(review.requiredApprovals()).isEqualTo(2);

		assertThatExceptionOfType(ReviewerNotAuthorizedException.class).isThrownBy(
				() -> this.reviews.decide(review.id(), ReviewDecision.approve(), Reviewer.of("carol", "ROLE_billing")))
			.withMessageContaining("started run");
		ReviewView once = this.reviews.decide(review.id(), ReviewDecision.approve(), ALICE);
		assertThat(once.status()).isEqualTo(ReviewStatus.PENDING);
		assertThat(once.approvals()).isEqualTo(1);
		assertThatExceptionOfType(ReviewerNotAuthorizedException.class)
			.isThrownBy(() -> this.reviews.decide(review.id(), ReviewDecision.approve(), ALICE))
			.withMessageContaining("different reviewers");
		ReviewView twice = this.reviews.decide(review.id(), ReviewDecision.approve(), DAVE);
		assertThat(twice.status()).isEqualTo(ReviewStatus.APPROVED);
		assertThat(handle.await(WAIT)).isEqualTo(500);
		assertThat(this.reviews.decisions(handle.runId())).extracting(ReviewerDecision::reviewer)
			.containsExactly("alice", "dave");

		RunHandle<Integer> rejected = this.runs.start(() -> this.plans.payout(900));
		ReviewView second = pending(rejected.runId(), ReviewKind.CHECKPOINT);
		this.reviews.decide(second.id(), ReviewDecision.approve(), ALICE);
		assertThat(this.reviews.decide(second.id(), ReviewDecision.reject("too much"), DAVE).status())
			.isEqualTo(ReviewStatus.REJECTED);
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> rejected.await(WAIT));
		assertThat(this.runs.find(rejected.runId()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
	}

	@Test
	void everyKindOfReviewRefusesPrincipalsOutsideItsReviewers() {
		Map<ReviewKind, RunHandle<?>> started = Map.of(ReviewKind.TOOL_FAILURE,
				this.runs.start(() -> this.plans.toolFailure("k")), ReviewKind.POLICY,
				this.runs.start(() -> this.plans.policy("a SECRET plan")), ReviewKind.BUDGET,
				this.runs.start(() -> this.plans.budget("twice")), ReviewKind.COMPENSATION,
				this.runs.start(() -> this.plans.compensation("room")));
		Map<ReviewKind, Reviewer> reviewers = Map.of(ReviewKind.TOOL_FAILURE, Reviewer.of("oscar", "ROLE_ops-oncall"),
				ReviewKind.POLICY, Reviewer.of("cora", "ROLE_compliance"), ReviewKind.BUDGET,
				Reviewer.of("fiona", "ROLE_finance"), ReviewKind.COMPENSATION, Reviewer.of("oscar", "ROLE_ops-oncall"));
		started.forEach((kind, handle) -> {
			ReviewView review = pending(handle.runId(), kind);
			String group = reviewers.get(kind).authorities().iterator().next().substring("ROLE_".length());
			assertThat(review.reviewers()).isEqualTo(group);
			for (Reviewer outsider : List.of(BOB, ALICE, Reviewer.of("fiona2", "ROLE_finance-team"))) {
				assertThatExceptionOfType(ReviewerNotAuthorizedException.class)
					.as("%s review decided by %s", kind, outsider.name())
					.isThrownBy(() -> this.reviews.decide(review.id(), ReviewDecision.approve(), outsider))
					.satisfies((ex) -> assertThat(ex.getRequired()).containsExactly(group));
			}
			assertThat(this.reviews.decide(review.id(), ReviewDecision.reject("no"), reviewers.get(kind)).status())
				.isEqualTo(ReviewStatus.REJECTED);
		});
	}

	@Test
	void onlyOperatorsCancelAndOnlyOnce() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.reply(15, "ann"));
		pending(handle.runId(), ReviewKind.CHECKPOINT);
		String path = "/actuator/agentruns/" + handle.runId();
		assertThat(delete(path, null).statusCode()).isEqualTo(401);
		HttpResponse<String> plainUser = delete(path, "paul");
		assertThat(plainUser.statusCode()).isEqualTo(403);
		assertThat(plainUser.body()).contains("operator");
		assertThat(delete(path, "alice").statusCode()).isEqualTo(403);
		HttpResponse<String> cancelled = delete(path, "olivia");
		assertThat(cancelled.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(cancelled.body()).get("status").asString()).isEqualTo("CANCELLED");
		HttpResponse<String> again = delete(path, "olivia");
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(again.body()).contains("CANCELLED");
		assertThat(this.reviews.list(ReviewQuery.pending().withRunId(handle.runId())).total()).isZero();
		JsonNode detail = this.json.readTree(get(path, "olivia").body());
		assertThat(detail.get("mayAct").asBoolean()).as("olivia is an operator").isTrue();
		assertThat(this.json.readTree(get(path, "paul").body()).get("mayAct").asBoolean()).isFalse();
		assertThat(this.json.readTree(get("/actuator/agentruns", "paul").body()).get("mayAct").asBoolean()).isFalse();
		JsonNode actions = detail.get("actions");
		assertThat(actions).singleElement().satisfies((action) -> {
			assertThat(action.get("action").asString()).isEqualTo("CANCEL");
			assertThat(action.get("actor").asString()).as("journaled with who cancelled").isEqualTo("olivia");
			assertThat(action.get("detail").asString()).isEqualTo("cancelled while WAITING");
		});
		assertThat(delete("/actuator/agentruns/no-such-run", "olivia").statusCode()).isEqualTo(404);
	}

	@Test
	void onlyOperatorsExportRetryAndPurgeAndOnlyFinishedRunsArePurged() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.reply(16, "ann"));
		pending(handle.runId(), ReviewKind.CHECKPOINT);
		String run = "/actuator/agentruns/" + handle.runId();
		HttpResponse<String> waiting = delete(run + "?purge=true", "olivia");
		assertThat(waiting.statusCode()).isEqualTo(409);
		assertThat(waiting.body()).contains("WAITING").contains("cancel it first");
		assertThat(delete(run, "olivia").statusCode()).isEqualTo(200);
		assertThat(get(run + "/export", null).statusCode()).isEqualTo(401);
		assertThat(get(run + "/export", "paul").statusCode()).isEqualTo(403);
		HttpResponse<String> exported = get(run + "/export", "olivia");
		assertThat(exported.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(exported.body()).get("format").asString()).isEqualTo("guarded-agents-run/1");
		assertThat(this.json.readTree(exported.body()).get("run").get("id").asString()).isEqualTo(handle.runId());
		assertThat(get(run + "/other", "olivia").statusCode()).isEqualTo(404);
		assertThat(post(run + "/retry", null, "{}").statusCode()).isEqualTo(401);
		assertThat(post(run + "/retry", "paul", "{}").statusCode()).isEqualTo(403);
		HttpResponse<String> notFailed = post(run + "/retry", "olivia", "{}");
		assertThat(notFailed.statusCode()).isEqualTo(409);
		assertThat(notFailed.body()).contains("CANCELLED").contains("only a failed run is retried");
		assertThat(post(run + "/other", "olivia", "{}").statusCode()).isEqualTo(404);
		assertThat(post(run + "/fork", "paul", "{\"fromStep\":1}").statusCode()).isEqualTo(403);
		assertThat(post(run + "/fork", "olivia", "{\"fromStep\":99}").statusCode()).isEqualTo(400);
		assertThat(post(run + "/fork", "olivia", "{}").statusCode()).isEqualTo(400);
		HttpResponse<String> forked = post(run + "/fork", "olivia", "{\"fromStep\":1}");
		assertThat(forked.statusCode()).isEqualTo(200);
		String fork = this.json.readTree(forked.body()).get("id").asString();
		assertThat(fork).isNotEqualTo(handle.runId());
		this.runs.cancel(fork);
		assertThat(post("/actuator/agentruns/no-such-run/retry", "olivia", "{}").statusCode()).isEqualTo(404);
		assertThat(post("/actuator/agentruns", "paul", "{\"name\":\"reply\"}").statusCode()).isEqualTo(403);
		HttpResponse<String> bulk = post("/actuator/agentruns", "olivia", "{\"name\":\"reply\",\"limit\":5}");
		assertThat(bulk.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(bulk.body()).get("retried").isArray()).isTrue();
		assertThat(post("/actuator/agentruns", "olivia", "{\"name\":\"reply\",\"limit\":500}").statusCode())
			.isEqualTo(400);
		HttpResponse<String> spend = get("/actuator/agentruns/spend/plan", "alice");
		assertThat(spend.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(spend.body()).get("by").asString()).isEqualTo("plan");
		assertThat(get("/actuator/agentruns/spend/tenant", "alice").statusCode()).isEqualTo(400);
		assertThat(delete(run + "?purge=true", null).statusCode()).isEqualTo(401);
		assertThat(delete(run + "?purge=true", "paul").statusCode()).isEqualTo(403);
		assertThat(this.runs.find(handle.runId())).isPresent();
		HttpResponse<String> purged = delete(run + "?purge=true", "olivia");
		assertThat(purged.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(purged.body()).get("purged").asBoolean()).isTrue();
		assertThat(this.runs.find(handle.runId())).isEmpty();
		assertThat(this.runs.steps(handle.runId())).isEmpty();
		assertThat(this.reviews.list(ReviewQuery.all().withRunId(handle.runId())).total()).isZero();
		assertThat(get(run, "alice").statusCode()).isEqualTo(404);
		assertThat(get(run + "/export", "olivia").statusCode()).isEqualTo(404);
		assertThat(delete(run + "?purge=true", "olivia").statusCode()).isEqualTo(404);
	}

	@Test
	void onlyOperatorsSendMessagesToRunsAndEachIsKeptOnce() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.confirm("o-7"));
		await().atMost(WAIT).until(() -> this.runs.find(handle.runId()).orElseThrow().status() == RunStatus.WAITING);
		String messages = "/actuator/agentruns/" + handle.runId() + "/messages";
		String confirmation = "{\"topic\":\"confirmation\",\"payload\":{\"by\":\"bank\"},\"key\":\"c-1\"}";
		assertThat(post(messages, null, confirmation).statusCode()).isEqualTo(401);
		HttpResponse<String> plainUser = post(messages, "paul", confirmation);
		assertThat(plainUser.statusCode()).isEqualTo(403);
		assertThat(plainUser.body()).contains("operator");
		HttpResponse<String> noTopic = post(messages, "olivia", "{\"payload\":{\"by\":\"bank\"}}");
		assertThat(noTopic.statusCode()).isEqualTo(400);
		assertThat(noTopic.body()).contains("topic and a payload");
		assertThat(post(messages, "olivia", "{\"topic\":\"confirmation\"}").statusCode()).isEqualTo(400);
		assertThat(post("/actuator/agentruns/no-such-run/messages", "olivia", confirmation).statusCode())
			.isEqualTo(404);
		HttpResponse<String> note = post(messages, "olivia", "{\"topic\":\"note\",\"payload\":\"hi\",\"key\":\"n-1\"}");
		assertThat(note.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(note.body()).get("sent").asBoolean()).isTrue();
		HttpResponse<String> again = post(messages, "olivia",
				"{\"topic\":\"note\",\"payload\":\"hi\",\"key\":\"n-1\"}");
		assertThat(again.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(again.body()).get("sent").asBoolean()).as("the same key again").isFalse();
		assertThat(again.body()).contains("already has a message with key 'n-1'");
		assertThat(this.runs.find(handle.runId()).orElseThrow().status()).as("no message on its topic yet")
			.isEqualTo(RunStatus.WAITING);

		assertThat(post(messages, "olivia", confirmation).statusCode()).isEqualTo(200);
		assertThat(handle.await(WAIT)).isEqualTo("o-7 confirmed by bank");
		HttpResponse<String> finished = post(messages, "olivia", confirmation);
		assertThat(finished.statusCode()).isEqualTo(409);
		assertThat(finished.body()).contains("SUCCEEDED").contains("receives no more messages");
		JsonNode detail = this.json.readTree(get("/actuator/agentruns/" + handle.runId(), "olivia").body());
		assertThat(detail.get("messagesTotal").asInt()).isEqualTo(2);
		assertThat(detail.get("messages").get(0).get("topic").asString()).isEqualTo("note");
		assertThat(detail.get("messages").get(0).get("receivedAtStep").isNull()).as("no plan received it").isTrue();
		assertThat(detail.get("messages").get(1).get("receivedAtStep").asInt()).isEqualTo(1);
		JsonNode actions = detail.get("actions");
		assertThat(actions).hasSize(2).allSatisfy((action) -> {
			assertThat(action.get("action").asString()).isEqualTo("SEND");
			assertThat(action.get("actor").asString()).as("journaled with who sent it").isEqualTo("olivia");
		});
	}

	@Test
	void cancelAndApproveRacingOnFiftyRunsNeverCancelAnApprovalBeforeItIsActedOn() throws Exception {
		List<RunHandle<String>> handles = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			long ticket = 1000 + i;
			handles.add(this.runs.start(() -> this.plans.reply(ticket, "race")));
		}
		List<ReviewView> waiting = new ArrayList<>();
		for (RunHandle<String> handle : handles) {
			waiting.add(pending(handle.runId(), ReviewKind.CHECKPOINT));
		}
		ExecutorService threads = Executors.newFixedThreadPool(8);
		List<Future<Boolean>> approvals = new ArrayList<>();
		List<Future<Boolean>> cancels = new ArrayList<>();
		try {
			for (ReviewView review : waiting) {
				CyclicBarrier barrier = new CyclicBarrier(2);
				approvals.add(threads.submit(attempt(barrier, () -> {
					this.reviews.decide(review.id(), ReviewDecision.approve(), ALICE);
					return true;
				})));
				cancels.add(threads.submit(attempt(barrier, () -> this.runs.cancel(review.runId()))));
			}
			for (int i = 0; i < waiting.size(); i++) {
				boolean approved = approvals.get(i).get();
				boolean cancelled = cancels.get(i).get();
				String runId = waiting.get(i).runId();
				RunStatus end = await().atMost(WAIT)
					.until(() -> this.runs.find(runId).orElseThrow().status(), RunStatus::isTerminal);
				if (approved && cancelled) {
					// a cancel is refused while the run resumes to act on an approval,
					// and
					// taken once it has: then the approved action is journaled before it
					int checkpoint = waiting.get(i).seq();
					assertThat(this.runs.steps(runId)).as("run %s acted on its approval before the cancel", runId)
						.anySatisfy((step) -> {
							assertThat(step.seq()).isEqualTo(checkpoint + 1);
							assertThat(step.kind()).isEqualTo(StepKind.TOOL);
							assertThat(step.succeeded()).isTrue();
						});
					assertThat(end).as("run %s", runId).isEqualTo(RunStatus.CANCELLED);
					continue;
				}
				assertThat(approved ^ cancelled).as("one of approve and cancel wins on %s", runId).isTrue();
				assertThat(end).as("run %s", runId).isEqualTo(approved ? RunStatus.SUCCEEDED : RunStatus.CANCELLED);
				if (cancelled) {
					assertThat(this.reviews.list(ReviewQuery.all().withRunId(runId)).reviews())
						.allSatisfy((review) -> assertThat(review.status()).isNotEqualTo(ReviewStatus.PENDING));
				}
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void everyPendingReviewIsReachableThroughPagesSoonestDeadlineFirst() throws Exception {
		for (int i = 0; i < 125; i++) {
			int n = i;
			this.runs.start(() -> this.plans.paged(n, false));
		}
		for (int i = 0; i < 125; i++) {
			int n = i;
			this.runs.start(() -> this.plans.paged(n, true));
		}
		ReviewQuery pagers = ReviewQuery.pending().withReviewerGroup("pagers");
		await().atMost(Duration.ofSeconds(90)).until(() -> this.reviews.list(pagers).total() == 250);
		List<ReviewView> all = new ArrayList<>();
		for (int page = 0; page < 3; page++) {
			ReviewPage result = this.reviews.list(pagers.withPage(page, 100));
			assertThat(result.total()).isEqualTo(250);
			all.addAll(result.reviews());
		}
		assertThat(all).hasSize(250);
		assertThat(new HashSet<>(all.stream().map(ReviewView::id).toList())).hasSize(250);
		assertThat(all.subList(0, 125)).allSatisfy((review) -> assertThat(review.checkpoint()).isEqualTo("paged-soon"));
		for (int i = 1; i < all.size(); i++) {
			Instant before = all.get(i - 1).deadline();
			assertThat(all.get(i).deadline()).isAfterOrEqualTo(before);
		}

		JsonNode lastPage = this.json
			.readTree(get("/actuator/agentreviews?reviewers=pagers&page=2&size=100", "pat").body());
		assertThat(lastPage.get("total").asLong()).isEqualTo(250);
		assertThat(lastPage.get("reviews")).hasSize(50);
		JsonNode forOutsider = this.json.readTree(get("/actuator/agentreviews?reviewers=pagers", "paul").body());
		assertThat(forOutsider.get("total").asLong()).as("paul may decide none of them").isZero();
		Set<String> runIds = new HashSet<>(all.stream().map(ReviewView::runId).toList());
		runIds.forEach(this.runs::cancel);
	}

	private static Callable<Boolean> attempt(CyclicBarrier barrier, Callable<Boolean> action) {
		return () -> {
			barrier.await();
			try {
				return action.call();
			}
			catch (RuntimeException ex) {
				return false;
			}
		};
	}

	private <T> RunHandle<T> startAs(String user, Supplier<T> plan) {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null,
					AuthorityUtils.createAuthorityList("ROLE_billing")));
		try {
			return this.runs.start(plan);
		}
		finally {
			SecurityContextHolder.clearContext();
		}
	}

	private ReviewView pending(String runId, ReviewKind kind) {
		return await().atMost(WAIT)
			.until(() -> this.reviews.list(ReviewQuery.pending().withRunId(runId).withKind(kind)).reviews(),
					(list) -> !list.isEmpty())
			.get(0);
	}

	private HttpResponse<String> post(String path, String user, String body) throws Exception {
		return send(request(path, user).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private HttpResponse<String> get(String path, String user) throws Exception {
		return send(request(path, user).GET());
	}

	private HttpResponse<String> delete(String path, String user) throws Exception {
		return send(request(path, user).DELETE());
	}

	private HttpRequest.Builder request(String path, String user) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path));
		if (user != null) {
			builder.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((user + ":" + ReviewSecurityApplication.PASSWORD).getBytes(StandardCharsets.UTF_8)));
		}
		return builder;
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
