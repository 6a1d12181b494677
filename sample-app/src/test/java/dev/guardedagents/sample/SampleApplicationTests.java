package dev.guardedagents.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunStatus;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample end to end on in-memory H2, where Boot defaults the application's
 * {@code ddl-auto} to {@code create-drop}: the app's own Flyway, entities and repository
 * keep working beside the run journal, whose schema stays exactly what its migrations
 * define.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:h2:mem:sample-test;DB_CLOSE_DELAY=-1",
				"spring.jpa.hibernate.ddl-auto=create-drop", "logging.level.root=warn" })
class SampleApplicationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = new JsonMapper();

	@LocalServerPort
	int port;

	@Autowired
	AgentRuns runs;

	@Autowired
	TicketRepository tickets;

	@Autowired
	DataSource dataSource;

	@Test
	void ticketIsTriagedByADurableRunVisibleAtTheEndpoint() throws Exception {
		JsonNode filed = post("/tickets", "{\"text\":\"The app shows an error at login\"}");
		String runId = filed.get("runId").asString();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.runs.find(runId).orElseThrow().status() == RunStatus.SUCCEEDED);
		Ticket ticket = this.tickets.findById(filed.get("ticketId").asLong()).orElseThrow();
		assertThat(ticket.getCategory()).isEqualTo("technical");
		assertThat(ticket.getReply()).contains("(ref " + runId + "/3)");

		assertThat(raw("/actuator/agentruns/" + runId, null).statusCode()).isEqualTo(401);
		JsonNode list = get("/actuator/agentruns?name=ticket-triage&status=SUCCEEDED", 200);
		assertThat(list.get("runs").findValuesAsString("id")).contains(runId);
		JsonNode detail = get("/actuator/agentruns/" + runId, 200);
		assertThat(detail.get("run").get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(detail.get("run").get("result").get("category").asString()).isEqualTo("technical");
		JsonNode steps = detail.get("steps");
		assertThat(steps).hasSize(3);
		assertThat(steps.get(0).get("name").asString()).isEqualTo("load-ticket");
		JsonNode chat = steps.get(1);
		assertThat(chat.get("kind").asString()).isEqualTo("LLM");
		assertThat(chat.get("output").get("generations").get(0).get("text").asString()).isEqualTo("technical");
		assertThat(chat.get("usage").get("model").asString()).isEqualTo("offline-triage");
		assertThat(chat.get("usage").get("promptName").asString()).isEqualTo("triage");
		assertThat(chat.get("usage").get("promptVersion").asString()).isEqualTo("1");
		assertThat(chat.get("usage").get("cost").decimalValue()).isPositive();
		JsonNode totals = detail.get("run").get("totals");
		assertThat(totals.get("modelCalls").asInt()).isEqualTo(1);
		assertThat(totals.get("toolCalls").asInt()).isEqualTo(2);
		assertThat(totals.get("cost").decimalValue())
			.isEqualByComparingTo(chat.get("usage").get("cost").decimalValue());
		assertThat(steps.get(2).get("idempotencyKey").asString()).isEqualTo(runId + "/3");
	}

	@Test
	void anAnswerToATicketStreamsToTheReaderFromAJournaledRun() throws Exception {
		JsonNode filed = post("/tickets", "{\"text\":\"The app shows an error at login\"}");
		long ticketId = filed.get("ticketId").asLong();

		HttpResponse<java.util.stream.Stream<String>> answer = this.http.send(
				HttpRequest.newBuilder(uri("/tickets/" + ticketId + "/answer")).GET().build(),
				HttpResponse.BodyHandlers.ofLines());

		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
		List<String> chunks = answer.body()
			.filter((line) -> line.startsWith("data:"))
			.map((line) -> line.substring("data:".length()))
			.toList();
		assertThat(chunks).hasSizeGreaterThan(5);
		String reply = String.join("", chunks);
		assertThat(reply).isEqualTo(
				"Thank you for writing to us. We have filed your technical ticket and will get back to you today.");
		String runId = get("/actuator/agentruns?name=ticket-answer", 200).get("runs").get(0).get("id").asString();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.runs.find(runId).orElseThrow().status() == RunStatus.SUCCEEDED);
		JsonNode detail = get("/actuator/agentruns/" + runId, 200);
		assertThat(detail.get("run").get("result").asString()).isEqualTo(reply);
		JsonNode steps = detail.get("steps");
		assertThat(steps).hasSize(2);
		assertThat(steps.get(1).get("kind").asString()).isEqualTo("LLM");
		assertThat(steps.get(1).get("output").get("generations").get(0).get("text").asString()).isEqualTo(reply);
		assertThat(steps.get(1).get("usage").get("outputTokens").asInt()).isEqualTo(chunks.size());
		assertThat(raw("/tickets/999999/answer", null).statusCode()).isEqualTo(404);
	}

	@Test
	void billingReplyWaitsForAnApprovalGivenAtTheEndpoint() throws Exception {
		JsonNode filed = post("/tickets", "{\"text\":\"Please refund the double charge\"}");
		String runId = filed.get("runId").asString();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.runs.find(runId).orElseThrow().status() == RunStatus.WAITING);
		JsonNode pending = get("/actuator/agentreviews?runId=" + runId, 200).get("reviews");
		assertThat(pending).hasSize(1);
		JsonNode review = pending.get(0);
		assertThat(review.get("checkpoint").asString()).isEqualTo("billing-reply");
		assertThat(review.get("reviewers").asString()).isEqualTo("billing-team");
		assertThat(review.get("summary").asString()).isEqualTo("Reply to billing ticket " + filed.get("ticketId"));
		assertThat(review.get("payload").get("category").asString()).isEqualTo("billing");
		String reviewId = review.get("id").asString();
		assertThat(get("/actuator/agentreviews/" + reviewId, 200).get("review").get("status").asString())
			.isEqualTo("PENDING");

		HttpResponse<String> anonymous = decide(reviewId, null, "{\"decision\":\"APPROVE\",\"reviewer\":\"ann\"}");
		assertThat(anonymous.statusCode()).isEqualTo(401);
		HttpResponse<String> plainUser = decide(reviewId, "paul", "{\"decision\":\"APPROVE\"}");
		assertThat(plainUser.statusCode()).isEqualTo(403);
		assertThat(this.json.readTree(plainUser.body()).get("required").get(0).asString()).isEqualTo("billing-team");
		HttpResponse<String> impostor = decide(reviewId, "paul", "{\"decision\":\"APPROVE\",\"reviewer\":\"ann\"}");
		assertThat(impostor.statusCode()).isEqualTo(403);
		HttpResponse<String> badEdit = decide(reviewId, "ann",
				"{\"decision\":\"APPROVE\",\"edits\":{\"ticketId\":\"not a number\"}}");
		assertThat(badEdit.statusCode()).isEqualTo(400);
		assertThat(this.json.readTree(badEdit.body()).get("field").asString()).isEqualTo("edits.ticketId");
		HttpResponse<String> badDecision = decide(reviewId, "ann", "{\"decision\":\"MAYBE\"}");
		assertThat(badDecision.statusCode()).isEqualTo(400);
		assertThat(this.json.readTree(badDecision.body()).get("field").asString()).isEqualTo("decision");
		assertThat(decide("no-such-review", "ann", "{\"decision\":\"APPROVE\"}").statusCode()).isEqualTo(404);
		assertThat(get("/actuator/agentreviews/" + reviewId, 200).get("review").get("status").asString())
			.isEqualTo("PENDING");

		List<CompletableFuture<HttpResponse<String>>> racing = List.of(
				decideAsync(reviewId, "ann", "{\"decision\":\"APPROVE\",\"comment\":\"fine\"}"),
				decideAsync(reviewId, "bob", "{\"decision\":\"REJECT\",\"comment\":\"no\"}"));
		List<Integer> statuses = racing.stream().map((response) -> response.join().statusCode()).sorted().toList();
		assertThat(statuses).containsExactly(200, 409);
		HttpResponse<String> conflict = racing.stream()
			.map(CompletableFuture::join)
			.filter((response) -> response.statusCode() == 409)
			.findFirst()
			.orElseThrow();
		String winner = this.json.readTree(conflict.body()).get("review").get("reviewer").asString();

		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.runs.find(runId).orElseThrow().status() == RunStatus.SUCCEEDED);
		Ticket ticket = this.tickets.findById(filed.get("ticketId").asLong()).orElseThrow();
		JsonNode detail = get("/actuator/agentruns/" + runId, 200);
		assertThat(detail.get("reviews").get(0).get("reviewer").asString()).isEqualTo(winner);
		assertThat(detail.get("steps").get(2).get("kind").asString()).isEqualTo("CHECKPOINT");
		if (winner.equals("ann")) {
			assertThat(ticket.getReply()).contains("(ref " + runId + "/4)");
			assertThat(detail.get("steps")).hasSize(4);
		}
		else {
			assertThat(ticket.getReply()).isNull();
			assertThat(detail.get("run").get("result").get("reply").asString())
				.isEqualTo("not sent: Checkpoint 'billing-reply' was rejected by bob: no");
		}
	}

	@Test
	void endpointAnswersBadRequestsWithAReason() throws Exception {
		get("/actuator/agentruns/no-such-run", 404);
		assertThat(raw("/actuator/agentruns?size=0", "ann").statusCode()).isEqualTo(400);
		assertThat(raw("/actuator/agentruns?status=SLEEPING", "ann").statusCode()).isEqualTo(400);
		HttpResponse<String> anonymousCancel = send(request("/actuator/agentruns/no-such-run", null).DELETE());
		assertThat(anonymousCancel.statusCode()).isEqualTo(401);
		HttpResponse<String> userCancel = send(request("/actuator/agentruns/no-such-run", "ann").DELETE());
		assertThat(userCancel.statusCode()).isEqualTo(403);
		assertThat(userCancel.body()).contains("guarded-agents.security.operators");
		HttpResponse<String> cancel = send(request("/actuator/agentruns/no-such-run", "operator").DELETE());
		assertThat(cancel.statusCode()).isEqualTo(404);
		assertThat(raw("/actuator/health", null).statusCode()).isEqualTo(200);
	}

	@Test
	void journalSchemaIsExactlyWhatItsMigrationsDefineDespiteCreateDrop() throws Exception {
		DataSource reference = DataSourceBuilder.create()
			.url("jdbc:h2:mem:reference;DB_CLOSE_DELAY=-1")
			.username("sa")
			.build();
		new GuardedAgentsSchemaInitializer(reference, "guarded_agents").afterPropertiesSet();
		assertThat(columns(this.dataSource)).isEqualTo(columns(reference)).isNotEmpty();
	}

	private static Map<String, String> columns(DataSource dataSource) throws Exception {
		Map<String, String> columns = new TreeMap<>();
		try (Connection connection = dataSource.getConnection();
				ResultSet rs = connection.getMetaData().getColumns(null, "GUARDED_AGENTS", "%", "%")) {
			while (rs.next()) {
				columns.put(rs.getString("TABLE_NAME") + "." + rs.getString("COLUMN_NAME"),
						rs.getString("TYPE_NAME") + "/" + rs.getInt("COLUMN_SIZE") + "/" + rs.getString("IS_NULLABLE"));
			}
		}
		return columns;
	}

	private HttpResponse<String> decide(String reviewId, String user, String body) throws Exception {
		return decideAsync(reviewId, user, body).join();
	}

	private CompletableFuture<HttpResponse<String>> decideAsync(String reviewId, String user, String body) {
		return this.http
			.sendAsync(request("/actuator/agentreviews/" + reviewId, user).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private JsonNode post(String path, String body) throws Exception {
		HttpResponse<String> response = send(request(path, null).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
		assertThat(response.statusCode()).isEqualTo(202);
		return this.json.readTree(response.body());
	}

	/**
	 * Reads an actuator page as the billing reviewer ann.
	 */
	private JsonNode get(String path, int status) throws Exception {
		HttpResponse<String> response = raw(path, "ann");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		return (status == 200) ? this.json.readTree(response.body()) : null;
	}

	private HttpResponse<String> raw(String path, String user) throws Exception {
		return send(request(path, user).GET());
	}

	private HttpRequest.Builder request(String path, String user) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path));
		if (user != null) {
			builder.header("Authorization", "Basic "
					+ Base64.getEncoder().encodeToString((user + ":password").getBytes(StandardCharsets.UTF_8)));
		}
		return builder;
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
