package dev.guardedagents.internal.console;

import java.time.Duration;
import java.time.Instant;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.RunContext;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An application as a team would secure it: form login with sessions and CSRF protection
 * on, the console and the actuator for signed-in users only, a reviewer, an operator and
 * a user who is neither.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ConsoleApplication {

	static final String PASSWORD = "pw";

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(user("alice", "billing"), user("paul", "user"),
				user("olivia", "operator"));
	}

	private static UserDetails user(String name, String role) {
		return User.withUsername(name).password("{noop}" + PASSWORD).roles(role).build();
	}

	@Bean
	SecurityFilterChain security(HttpSecurity http) throws Exception {
		return http
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/guarded-agents/**", "/actuator/**")
				.authenticated()
				.anyRequest()
				.permitAll())
			.formLogin(Customizer.withDefaults())
			.build();
	}

	@Bean
	Desk desk() {
		return new Desk();
	}

	@Bean
	Plans plans(Desk desk) {
		return new Plans(desk);
	}

	@Bean
	Parents parents(ObjectProvider<AgentRuns> runs, Plans plans) {
		return new Parents(runs, plans);
	}

	/**
	 * A parent whose child waits for a confirmation.
	 */
	static class Parents {

		private final ObjectProvider<AgentRuns> runs;

		private final Plans plans;

		Parents(ObjectProvider<AgentRuns> runs, Plans plans) {
			this.runs = runs;
			this.plans = plans;
		}

		@AgentRun(name = "confirmed", businessKey = "#ticket")
		public String confirmed(String ticket) {
			return RunContext.await(this.runs.getObject().start(() -> this.plans.confirmation(ticket)));
		}

	}

	/**
	 * A checkpoint and a printer that is offline until the test says otherwise.
	 */
	static class Desk {

		static volatile boolean printerOffline = true;

		@HumanCheckpoint(name = "refund", timeout = "1h", reviewers = "billing", editable = "amount")
		public String refund(String ticket, int amount) {
			return "refunded " + amount + " on " + ticket;
		}

		@GuardedTool(name = "look-up", maxAttempts = 1)
		public String lookUp(String ticket) {
			return "customer of " + ticket;
		}

		@GuardedTool(name = "print", maxAttempts = 1)
		public String print(String ticket) {
			if (printerOffline) {
				throw new IllegalStateException("printer offline");
			}
			return "printed " + ticket;
		}

	}

	/**
	 * A refund that waits for billing, a long run of lambda steps, and a letter that
	 * fails while the printer is offline.
	 */
	static class Plans {

		private final Desk desk;

		Plans(Desk desk) {
			this.desk = desk;
		}

		@AgentRun(name = "refund", businessKey = "#ticket")
		public String refund(String ticket, int amount) {
			return this.desk.lookUp(ticket) + ", " + this.desk.refund(ticket, amount);
		}

		@AgentRun(name = "count", businessKey = "#to")
		public int count(int to) {
			int sum = 0;
			for (int i = 1; i <= to; i++) {
				int n = i;
				sum += RunContext.step("count", Integer.class, () -> n);
			}
			return sum;
		}

		@AgentRun(name = "yearly-report", schedule = "0 0 0 1 1 *")
		public String yearlyReport(Instant tick) {
			return "report of " + tick;
		}

		@AgentRun(name = "confirmation", businessKey = "#ticket")
		public String confirmation(String ticket) {
			return RunContext.receive("confirmation", String.class, Duration.ofHours(1)).orElse("unconfirmed");
		}

		@AgentRun(name = "letter", businessKey = "#ticket")
		public String letter(String ticket) {
			return this.desk.lookUp(ticket) + ", " + this.desk.print(ticket);
		}

	}

}
