package dev.guardedagents.internal.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.RunContext;
import dev.guardedagents.RunHandle;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application that {@link ChildRunCrashTests} runs in a child JVM: two parents, one
 * with a roomy budget and one with a tight one, each starting two children that make a
 * priced model call (Spring AI's OpenAI client), hold, and note their work in a ledger.
 * With {@code --crash.phase=start} it starts the parents, whose children hold until the
 * JVM is killed; otherwise it waits for both parents to end and prints how they did.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ChildRunCrashApplication {

	public static void main(String[] args) throws Exception {
		SpringApplication application = new SpringApplication(ChildRunCrashApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run(args);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		if ("start".equals(context.getEnvironment().getProperty("crash.phase"))) {
			Parents parents = context.getBean(Parents.class);
			AgentRuns runs = context.getBean(AgentRuns.class);
			runs.start(() -> parents.roomy("1"));
			runs.start(() -> parents.tight("2"));
			return;
		}
		String ended = "SELECT COUNT(*) FROM guarded_agents.guarded_run WHERE parent_id IS NULL "
				+ "AND status IN ('SUCCEEDED', 'FAILED')";
		while (jdbc.queryForObject(ended, Integer.class) != 2) {
			Thread.sleep(50);
		}
		System.out.println("DONE");
		System.exit(SpringApplication.exit(context));
	}

	@Bean
	Ledger crashLedger(@Value("${crash.ledger}") String ledger) {
		return new Ledger(Path.of(ledger));
	}

	@Bean
	ModelCrashApplication.Hold crashHold(@Value("${crash.phase:resume}") String phase) {
		return new ModelCrashApplication.Hold("start".equals(phase));
	}

	@Bean
	Researchers crashResearchers(ChatClient.Builder chat, ModelCrashApplication.Hold hold, Ledger ledger) {
		return new Researchers(chat.build(), hold, ledger);
	}

	@Bean
	Parents crashParents(ObjectProvider<AgentRuns> runs, Researchers researchers) {
		return new Parents(runs, researchers);
	}

	public static class Ledger {

		private final Path file;

		Ledger(Path file) {
			this.file = file;
		}

		@GuardedTool(name = "note", maxAttempts = 1)
		public void note(String line) {
			try {
				Files.writeString(this.file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

	static class Researchers {

		private final ChatClient chat;

		private final ModelCrashApplication.Hold hold;

		private final Ledger ledger;

		Researchers(ChatClient chat, ModelCrashApplication.Hold hold, Ledger ledger) {
			this.chat = chat;
			this.hold = hold;
			this.ledger = ledger;
		}

		@AgentRun(name = "researcher")
		public String research(String topic) {
			String answer = this.chat.prompt().user("Research " + topic).call().content();
			this.hold.hold();
			this.ledger.note("researched " + topic);
			return answer;
		}

	}

	static class Parents {

		private final ObjectProvider<AgentRuns> runs;

		private final Researchers researchers;

		Parents(ObjectProvider<AgentRuns> runs, Researchers researchers) {
			this.runs = runs;
			this.researchers = researchers;
		}

		@AgentRun(name = "family", budget = "roomy")
		public String roomy(String id) {
			return both(id);
		}

		@AgentRun(name = "family-tight", budget = "tight")
		public String tight(String id) {
			return both(id);
		}

		private String both(String id) {
			RunHandle<String> first = this.runs.getObject().start(() -> this.researchers.research(id + "a"));
			RunHandle<String> second = this.runs.getObject().start(() -> this.researchers.research(id + "b"));
			return RunContext.await(first) + "|" + RunContext.await(second);
		}

	}

}
