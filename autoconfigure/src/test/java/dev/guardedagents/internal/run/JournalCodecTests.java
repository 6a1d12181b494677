package dev.guardedagents.internal.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunView;
import dev.guardedagents.StepView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The journal writes and reads JSON with a codec of its own: an application whose Jackson
 * settings change between two deploys (here to snake_case property names) replays the
 * runs recorded before the change unchanged, and records new steps as before.
 */
class JournalCodecTests {

	static final AtomicInteger quotes = new AtomicInteger();

	@TempDir
	Path directory;

	@Test
	void aChangeOfTheApplicationsJacksonSettingsDoesNotChangeHowRecordedRunsReplay() {
		String url = "jdbc:h2:file:" + this.directory.resolve("journal") + ";DB_CLOSE_ON_EXIT=FALSE";
		String runId;
		try (ConfigurableApplicationContext before = start(url, "before")) {
			runId = before.getBean(AgentRuns.class).start(() -> before.getBean(Plan.class).buy("lamp")).runId();
			await().atMost(Duration.ofSeconds(20)).until(() -> status(before, runId) == RunStatus.WAITING);
		}
		try (ConfigurableApplicationContext after = start(url, "after",
				"--spring.jackson.property-naming-strategy=SNAKE_CASE")) {
			assertThat(after.getBean(JsonMapper.class).writeValueAsString(new Quote(1, "EUR")))
				.as("the application's own mapper changed")
				.contains("amount_cents");
			Reviews reviews = after.getBean(Reviews.class);
			List<ReviewView> pending = reviews.list(ReviewQuery.pending().withRunId(runId)).reviews();
			assertThat(pending).hasSize(1);
			reviews.decide(pending.get(0).id(), ReviewDecision.approve("ops"));
			await().atMost(Duration.ofSeconds(20)).until(() -> status(after, runId) == RunStatus.SUCCEEDED);
			AgentRuns runs = after.getBean(AgentRuns.class);
			RunView run = runs.find(runId).orElseThrow();
			assertThat(run.result()).isEqualTo("\"booked 1250 EUR\"");
			assertThat(runs.steps(runId)).extracting(StepView::name, StepView::output)
				.contains(
						org.assertj.core.api.Assertions.tuple("quote", "{\"amountCents\":1250,\"currency\":\"EUR\"}"));
			assertThat(runs.steps(runId)).filteredOn((step) -> step.name().equals("book"))
				.extracting(StepView::input)
				.containsExactly("[{\"amountCents\":1250,\"currency\":\"EUR\"}]");
		}
		assertThat(quotes).as("the quote was replayed, not asked again").hasValue(1);
	}

	private static RunStatus status(ConfigurableApplicationContext context, String runId) {
		return context.getBean(AgentRuns.class).find(runId).map(RunView::status).orElse(null);
	}

	private static ConfigurableApplicationContext start(String url, String instance, String... more) {
		List<String> args = new java.util.ArrayList<>(
				List.of("--spring.datasource.url=" + url, "--guarded-agents.instance-id=codec-" + instance,
						"--spring.main.banner-mode=off", "--logging.level.root=warn"));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(CodecApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

	/**
	 * A price.
	 *
	 * @param amountCents the amount in cents
	 * @param currency the currency
	 */
	public record Quote(int amountCents, String currency) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class CodecApplication {

		@Bean
		Desk codecDesk() {
			return new Desk();
		}

		@Bean
		Plan codecPlan(Desk desk) {
			return new Plan(desk);
		}

	}

	static class Desk {

		@GuardedTool(name = "quote")
		public Quote quote(String item) {
			quotes.incrementAndGet();
			return new Quote(1250, "EUR");
		}

		@HumanCheckpoint(name = "codec-approval")
		@GuardedTool(name = "book")
		public String book(Quote quote) {
			return "booked " + quote.amountCents() + " " + quote.currency();
		}

	}

	static class Plan {

		private final Desk desk;

		Plan(Desk desk) {
			this.desk = desk;
		}

		@AgentRun(name = "codec-plan")
		public String buy(String item) {
			return this.desk.book(this.desk.quote(item));
		}

	}

}
