package dev.guardedagents.sample;

import java.nio.file.Path;

import javax.sql.DataSource;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunView;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run journal beside an application that has its own Flyway migrations, entities and
 * repositories, and that lets Hibernate recreate its schema at every start
 * ({@code ddl-auto=create}): runs survive restarts, in either order of migration. On a
 * file-based H2 here, on PostgreSQL in the subclass.
 */
class HostSchemaCoexistenceTests {

	@TempDir
	Path directory;

	/**
	 * Returns the JDBC URL of a new database.
	 */
	String database(String name) {
		return "jdbc:h2:file:" + this.directory.resolve(name);
	}

	@Test
	void runsSurviveRestartsWhenTheHostRecreatesItsSchema() {
		String url = database("app");
		String runId;
		TriageAgent.Outcome outcome;
		try (ConfigurableApplicationContext app = start(url)) {
			runId = triage(app, "My app crashes with an error");
			outcome = app.getBean(TriageAgent.class).triage(ticketId(app));
		}
		try (ConfigurableApplicationContext app = start(url)) {
			RunView run = app.getBean(AgentRuns.class).find(runId).orElseThrow();
			assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
			assertThat(app.getBean(AgentRuns.class).steps(runId)).hasSize(3);
			assertThat(app.getBean(TicketRepository.class).count()).as("recreated by Hibernate").isZero();
			assertThat(app.getBean(TriageAgent.class).triage(outcome.ticketId()))
				.as("the recorded outcome, without loading the ticket again")
				.isEqualTo(outcome);
			assertThat(historyRows(app, "\"flyway_schema_history\"")).isEqualTo(1);
			assertThat(historyRows(app, "guarded_agents.\"guarded_schema_history\"")).isEqualTo(1);
		}
	}

	@Test
	void hostFlywayMigratesAfterTheJournalWasCreatedFirst() {
		String url = database("journal-first");
		DataSource dataSource = DataSourceBuilder.create().url(url).username(user()).password(password()).build();
		new GuardedAgentsSchemaInitializer(dataSource, "guarded_agents").afterPropertiesSet();
		try (ConfigurableApplicationContext app = start(url)) {
			triage(app, "Where is my parcel?");
			assertThat(app.getBean(TicketRepository.class).count()).isEqualTo(1);
			assertThat(historyRows(app, "\"flyway_schema_history\"")).isEqualTo(1);
		}
	}

	private static String triage(ConfigurableApplicationContext app, String text) {
		Ticket ticket = app.getBean(TicketRepository.class).save(new Ticket(text));
		TriageAgent.Outcome outcome = app.getBean(TriageAgent.class).triage(ticket.getId());
		assertThat(outcome.ticketId()).isEqualTo(ticket.getId());
		return app.getBean(AgentRuns.class).find(latestRunId(app)).orElseThrow().id();
	}

	private static long ticketId(ConfigurableApplicationContext app) {
		return app.getBean(TicketRepository.class).findAll().get(0).getId();
	}

	private static String latestRunId(ConfigurableApplicationContext app) {
		return new JdbcTemplate(app.getBean(DataSource.class)).queryForObject(
				"SELECT id FROM guarded_agents.guarded_run ORDER BY created_at DESC FETCH FIRST 1 ROWS ONLY",
				String.class);
	}

	private static int historyRows(ConfigurableApplicationContext app, String table) {
		return new JdbcTemplate(app.getBean(DataSource.class)).queryForObject(
				"SELECT COUNT(*) FROM " + table + " WHERE \"success\" AND \"version\" = '1'", Integer.class);
	}

	String user() {
		return "sa";
	}

	String password() {
		return "";
	}

	private ConfigurableApplicationContext start(String url) {
		return new SpringApplicationBuilder(SampleApplication.class).web(WebApplicationType.NONE)
			.run("--spring.datasource.url=" + url, "--spring.datasource.username=" + user(),
					"--spring.datasource.password=" + password(), "--spring.jpa.hibernate.ddl-auto=create",
					"--logging.level.root=warn");
	}

}
