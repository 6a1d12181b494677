package dev.guardedagents.internal.security;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.guardedagents.AgentRun;
import dev.guardedagents.FailureMode;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.RunContext;

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
 * An application with Spring Security, in-memory users and one plan per kind of review,
 * for the security of reviews. Its filter chain lets anonymous requests through, so that
 * the endpoints' own refusals are what the tests see.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ReviewSecurityApplication {

	static final String PASSWORD = "pw";

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(user("alice", "billing"), user("carol", "billing"),
				user("bob", "support"), user("paul", "user"), user("olivia", "operator"), user("oscar", "ops-oncall"),
				user("fiona", "finance"), user("cora", "compliance"), user("pat", "pagers"));
	}

	private static UserDetails user(String name, String role) {
		return User.withUsername(name).password("{noop}" + PASSWORD).roles(role).build();
	}

	@Bean
	SecurityFilterChain security(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
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

	/**
	 * Checkpoints and tools.
	 */
	static class Desk {

		static final List<String> replies = new CopyOnWriteArrayList<>();

		@HumanCheckpoint(name = "reply", timeout = "1h", reviewers = "billing",
				editable = { "ticketId", "count", "policy" })
		public String reply(long ticketId, int count, String policy, String customer) {
			String reply = ticketId + ":" + count + ":" + policy + ":" + customer;
			replies.add(reply);
			return reply;
		}

		@HumanCheckpoint(name = "payout", timeout = "1h", reviewers = "billing", approvals = 2)
		public int payout(int amount) {
			return amount;
		}

		@HumanCheckpoint(name = "paged-late", timeout = "2h", reviewers = "pagers")
		public int pagedLate(int n) {
			return n;
		}

		@HumanCheckpoint(name = "paged-soon", timeout = "1h", reviewers = "pagers")
		public int pagedSoon(int n) {
			return n;
		}

		@HumanCheckpoint(name = "noted", timeout = "1h", reviewers = "billing", when = "#note.length() > 3")
		public String noted(String note) {
			return "noted " + note;
		}

		@GuardedTool(name = "lookup", maxAttempts = 1, onFailure = FailureMode.HUMAN_REVIEW)
		public int lookup(String key) {
			throw new IllegalStateException("lookup service down for " + key);
		}

		@GuardedTool(name = "echo")
		public String echo(String text) {
			return text;
		}

		@GuardedTool(name = "book", compensation = "unbook", maxAttempts = 1)
		public String book(String what) {
			return "booked " + what;
		}

		public void unbook(String what) {
			throw new IllegalStateException("cannot unbook " + what);
		}

	}

	/**
	 * What the plan {@code confirm} receives.
	 */
	record Confirmation(String by) {
	}

	/**
	 * One plan per kind of review.
	 */
	static class Plans {

		private final Desk desk;

		Plans(Desk desk) {
			this.desk = desk;
		}

		@AgentRun(name = "reply")
		public String reply(long ticketId, String customer) {
			return this.desk.reply(ticketId, 1, "standard", customer);
		}

		@AgentRun(name = "confirm")
		public String confirm(String order) {
			return RunContext.receive("confirmation", Confirmation.class, Duration.ofHours(1))
				.map((confirmation) -> order + " confirmed by " + confirmation.by())
				.orElse(order + " unconfirmed");
		}

		@AgentRun(name = "payout")
		public int payout(int amount) {
			return this.desk.payout(amount);
		}

		@AgentRun(name = "paged")
		public int paged(int n, boolean soon) {
			return soon ? this.desk.pagedSoon(n) : this.desk.pagedLate(n);
		}

		@AgentRun(name = "noted")
		public String noted(String note) {
			return this.desk.noted(note);
		}

		@AgentRun(name = "tool-failure")
		public int toolFailure(String key) {
			return this.desk.lookup(key);
		}

		@AgentRun(name = "policy")
		public String policy(String text) {
			return this.desk.echo(text);
		}

		@AgentRun(name = "budget", budget = "tight")
		public String budget(String text) {
			return this.desk.echo(text) + this.desk.echo(text);
		}

		@AgentRun(name = "compensation")
		public String compensation(String what) {
			this.desk.book(what);
			throw new IllegalStateException("booking of " + what + " failed");
		}

	}

}
