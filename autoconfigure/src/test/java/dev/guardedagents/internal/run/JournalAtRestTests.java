package dev.guardedagents.internal.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.JournalEncryption;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewEvent;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunView;
import dev.guardedagents.Sensitive;
import dev.guardedagents.StepView;
import dev.guardedagents.actuate.AgentReviewsEndpoint;
import dev.guardedagents.actuate.AgentRunsEndpoint;
import dev.guardedagents.internal.redaction.Redaction;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.internal.store.JdbcRunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The journal as data at rest, across restarts: a card number in a tool argument and a
 * {@code @Sensitive} parameter never show in an endpoint, an event or a log line; the
 * sensitive tool argument is never in the database; a run recorded in clear and one
 * recorded with an old key both resume and replay after a key rotation, and a
 * re-encryption leaves only the new key needed. Run on file H2 and on PostgreSQL.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class JournalAtRestTests {

	static final AtomicInteger charges = new AtomicInteger();

	static final List<ReviewEvent> events = new CopyOnWriteArrayList<>();

	private static final String CARD = "4111 1111 1111 1111";

	private static final String PASSWORD = "hunter2-secret";

	private static final String K1 = "--guarded-agents.journal.encryption.keys.k1=q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";

	private static final String K2 = "--guarded-agents.journal.encryption.keys.k2=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

	/**
	 * Returns the journal's database, the same for every context of a test.
	 * @return spring.datasource arguments
	 */
	abstract List<String> database();

	@Test
	void sensitiveValuesStayOutAndRunsInClearOrUnderAnOldKeyReplayAfterARotation(CapturedOutput output) {
		charges.set(0);
		events.clear();
		List<String> url = database();
		String inClear;
		try (ConfigurableApplicationContext before = start(url, "clear")) {
			inClear = startAndPark(before);
		}
		String underK1;
		try (ConfigurableApplicationContext encrypted = start(url, "k1", K1,
				"--guarded-agents.journal.encryption.active-key=k1")) {
			underK1 = startAndPark(encrypted);
		}
		assertThat(charges).hasValue(2);

		try (ConfigurableApplicationContext rotated = start(url, "k2", K1, K2,
				"--guarded-agents.journal.encryption.active-key=k2")) {
			Reviews reviews = rotated.getBean(Reviews.class);
			for (String runId : List.of(inClear, underK1)) {
				String review = reviews.list(ReviewQuery.pending().withRunId(runId)).reviews().get(0).id();
				reviews.decide(review, ReviewDecision.approve("ops"));
			}
			AgentRuns runs = rotated.getBean(AgentRuns.class);
			for (String runId : List.of(inClear, underK1)) {
				await().atMost(Duration.ofSeconds(30)).until(() -> status(rotated, runId) == RunStatus.SUCCEEDED);
				assertThat(runs.find(runId).orElseThrow().result())
					.isEqualTo("\"charged card ending 1111 for acct-7 with a key of 14\"");
			}
			assertThat(charges).as("the charge before the checkpoint replayed, not made again").hasValue(2);

			String shown = shownByTheEndpoints(rotated, List.of(inClear, underK1));
			assertThat(shown).contains("[redacted:card-number]")
				.contains(Sensitive.MASK)
				.doesNotContain(CARD)
				.doesNotContain(PASSWORD);
			assertThat(events).isNotEmpty()
				.allSatisfy(
						(event) -> assertThat(event.review().summary() + event.review().payload()).doesNotContain(CARD)
							.doesNotContain(PASSWORD));

			JdbcTemplate jdbc = new JdbcTemplate(rotated.getBean(DataSource.class));
			assertThat(stored(jdbc, "SELECT input FROM guarded_agents.guarded_step")).as("the sensitive argument")
				.noneMatch((input) -> input.contains(PASSWORD));
			assertThat(stored(jdbc, "SELECT input FROM guarded_agents.guarded_step WHERE run_id = '" + inClear
					+ "' AND name = 'unlock'"))
				.containsExactly("[\"acct-7\",\"[sensitive]\"]");
			assertThat(everyPayload(jdbc, underK1)).as("under a key, nothing in clear")
				.allSatisfy((value) -> assertThat(value).startsWith("ga:enc:v1:"))
				.noneMatch((value) -> value.contains(CARD) || value.contains("acct-7"));

			assertThat(rotated.getBean(JournalEncryption.class).reencrypt()).isPositive();
		}

		try (ConfigurableApplicationContext newKeyOnly = start(url, "k2-only", K2,
				"--guarded-agents.journal.encryption.active-key=k2")) {
			AgentRuns runs = newKeyOnly.getBean(AgentRuns.class);
			for (String runId : List.of(inClear, underK1)) {
				assertThat(runs.steps(runId)).extracting(StepView::name)
					.containsExactly("charge", "unlock", "approve-charge", "approve-charge");
				assertThat(runs.steps(runId).get(0).input()).isEqualTo("[\"acct-7\",\"" + CARD + "\"]");
			}
			JdbcTemplate jdbc = new JdbcTemplate(newKeyOnly.getBean(DataSource.class));
			assertThat(everyPayload(jdbc, inClear))
				.allSatisfy((value) -> assertThat(value).startsWith("ga:enc:v1:k2:"));
		}
		assertThat(output).as("log lines").doesNotContain(CARD).doesNotContain(PASSWORD).contains("Resuming run");
	}

	private static String startAndPark(ConfigurableApplicationContext context) {
		String runId = context.getBean(AgentRuns.class)
			.start(() -> context.getBean(Vault.class).charge("acct-7", CARD, PASSWORD))
			.runId();
		await().atMost(Duration.ofSeconds(30)).until(() -> status(context, runId) == RunStatus.WAITING);
		return runId;
	}

	private static String shownByTheEndpoints(ConfigurableApplicationContext context, List<String> runIds) {
		Redaction redaction = context.getBean(Redaction.class);
		AgentRunsEndpoint runs = new AgentRunsEndpoint(context.getBean(AgentRuns.class), context.getBean(Reviews.class),
				context.getBean(JdbcRunStore.class), new JsonMapper(), Show.ALWAYS, Set.of(),
				context.getBean(ReviewAccess.class), null, Duration.ZERO, redaction);
		AgentReviewsEndpoint reviews = new AgentReviewsEndpoint(context.getBean(Reviews.class), new JsonMapper(),
				Show.ALWAYS, Set.of(), 65536, redaction);
		JsonMapper mapper = new JsonMapper();
		StringBuilder shown = new StringBuilder(
				mapper.writeValueAsString(runs.runs(SecurityContext.NONE, null, null, null, null, null)));
		for (String runId : runIds) {
			shown.append(mapper.writeValueAsString(runs.run(SecurityContext.NONE, runId, null, null, null, null)));
		}
		shown.append(mapper.writeValueAsString(
				reviews.reviews(SecurityContext.NONE, "ALL", null, null, null, null, false, null, null)));
		return shown.toString();
	}

	private static List<String> stored(JdbcTemplate jdbc, String sql) {
		return jdbc.queryForList(sql, String.class);
	}

	private static List<String> everyPayload(JdbcTemplate jdbc, String runId) {
		List<String> values = new ArrayList<>();
		values.addAll(stored(jdbc, "SELECT arguments FROM guarded_agents.guarded_run WHERE id = '" + runId + "'"));
		values.addAll(stored(jdbc, "SELECT result FROM guarded_agents.guarded_run WHERE id = '" + runId + "'"));
		values.addAll(stored(jdbc, "SELECT input FROM guarded_agents.guarded_step WHERE run_id = '" + runId + "'"));
		values.addAll(stored(jdbc, "SELECT output FROM guarded_agents.guarded_step WHERE run_id = '" + runId
				+ "' AND output IS NOT NULL"));
		values.addAll(stored(jdbc, "SELECT summary FROM guarded_agents.guarded_review WHERE run_id = '" + runId + "'"));
		values.addAll(stored(jdbc, "SELECT payload FROM guarded_agents.guarded_review WHERE run_id = '" + runId + "'"));
		return values;
	}

	private static RunStatus status(ConfigurableApplicationContext context, String runId) {
		return context.getBean(AgentRuns.class).find(runId).map(RunView::status).orElse(null);
	}

	private static ConfigurableApplicationContext start(List<String> database, String instance, String... more) {
		List<String> args = new ArrayList<>(database);
		args.addAll(List.of("--guarded-agents.instance-id=at-rest-" + instance, "--spring.main.banner-mode=off",
				"--logging.level.root=warn", "--logging.level.dev.guardedagents=debug"));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(AtRestApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class AtRestApplication {

		@Bean
		Tools atRestTools() {
			return new Tools();
		}

		@Bean
		Vault atRestVault(Tools tools) {
			return new Vault(tools);
		}

		@EventListener
		void collect(ReviewEvent event) {
			events.add(event);
		}

	}

	static class Tools {

		@GuardedTool(name = "charge")
		public String charge(String account, String card) {
			charges.incrementAndGet();
			return "card ending " + card.substring(card.length() - 4);
		}

		@GuardedTool(name = "unlock")
		public int unlock(String account, @Sensitive String password) {
			return password.length();
		}

		@HumanCheckpoint(name = "approve-charge", summary = "'Charge ' + #card + ' for ' + #account")
		public String approve(String account, String card) {
			return "approved";
		}

	}

	static class Vault {

		private final Tools tools;

		Vault(Tools tools) {
			this.tools = tools;
		}

		@AgentRun(name = "charge-card")
		public String charge(String account, String card, @Sensitive String password) {
			String charged = this.tools.charge(account, card);
			int key = this.tools.unlock(account, password);
			this.tools.approve(account, card);
			return "charged " + charged + " for " + account + " with a key of " + key;
		}

	}

}
