package dev.guardedagents.internal.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application that {@link ModelCrashTests} runs in a child JVM: a run of three model
 * calls (a tool round, then a summary) through Spring AI's OpenAI client. With
 * {@code --crash.phase=start} it starts the run, which holds after model call 2 until the
 * JVM is killed; otherwise it waits for the resumed run and prints its result.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ModelCrashApplication {

	public static void main(String[] args) throws Exception {
		SpringApplication application = new SpringApplication(ModelCrashApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run(args);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		if ("start".equals(context.getEnvironment().getProperty("crash.phase"))) {
			Agent agent = context.getBean(Agent.class);
			context.getBean(AgentRuns.class).start(() -> agent.run("What is the weather in Paris?"));
			return;
		}
		while (jdbc.queryForObject("SELECT COUNT(*) FROM guarded_agents.guarded_run WHERE status = 'SUCCEEDED'",
				Integer.class) != 1) {
			Thread.sleep(50);
		}
		System.out
			.println("DONE " + jdbc.queryForObject("SELECT result FROM guarded_agents.guarded_run", String.class));
		System.exit(SpringApplication.exit(context));
	}

	@Bean
	Weather crashWeather(@Value("${crash.ledger}") String ledger) {
		return new Weather(Path.of(ledger));
	}

	@Bean
	Hold crashHold(@Value("${crash.phase:resume}") String phase) {
		return new Hold("start".equals(phase));
	}

	@Bean
	Agent crashAgent(ChatClient.Builder chat, Weather weather, Hold hold) {
		return new Agent(chat.build(), weather, hold);
	}

	public static class Weather {

		private final Path ledger;

		Weather(Path ledger) {
			this.ledger = ledger;
		}

		@Tool(description = "Current temperature in a city")
		public String currentTemperature(String city) throws IOException {
			Files.writeString(this.ledger, "tool " + city + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			return "21C in " + city;
		}

	}

	public static class Hold {

		private final boolean block;

		Hold(boolean block) {
			this.block = block;
		}

		@GuardedTool(name = "hold", timeout = "10m", maxAttempts = 1)
		public void hold() {
			if (this.block) {
				System.out.println("HOLDING");
				while (true) {
					Thread.onSpinWait();
					LockSupport.park();
				}
			}
		}

	}

	static class Agent {

		private final ChatClient chat;

		private final Weather weather;

		private final Hold hold;

		Agent(ChatClient chat, Weather weather, Hold hold) {
			this.chat = chat;
			this.weather = weather;
			this.hold = hold;
		}

		@AgentRun(name = "weather-report")
		public String run(String question) {
			String answer = this.chat.prompt().user(question).tools(this.weather).call().content();
			this.hold.hold();
			return this.chat.prompt().user("Summarize for the customer: " + answer).call().content();
		}

	}

}
