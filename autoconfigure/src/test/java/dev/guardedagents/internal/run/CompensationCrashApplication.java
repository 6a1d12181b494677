package dev.guardedagents.internal.run;

import java.util.concurrent.locks.LockSupport;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.RunContext;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application that {@link CompensationCrashTests} runs in a child JVM: a run books
 * three things, then fails, and its compensations run newest first. With
 * {@code --crash.phase=start} the compensation of the second booking blocks after it
 * noted its execution, until the JVM is killed; otherwise the application waits for the
 * run to end.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class CompensationCrashApplication {

	public static void main(String[] args) throws Exception {
		SpringApplication application = new SpringApplication(CompensationCrashApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run(args);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		if ("start".equals(context.getEnvironment().getProperty("crash.phase"))) {
			Trip trip = context.getBean(Trip.class);
			context.getBean(AgentRuns.class).start(() -> trip.book("rome"));
			return;
		}
		while (jdbc.queryForObject("SELECT COUNT(*) FROM guarded_agents.guarded_run WHERE status = 'FAILED'",
				Integer.class) != 1) {
			Thread.sleep(50);
		}
		System.out.println("DONE");
		System.exit(SpringApplication.exit(context));
	}

	@Bean
	Bookings crashBookings(JdbcTemplate jdbc, @Value("${crash.phase:resume}") String phase) {
		return new Bookings(jdbc, "start".equals(phase));
	}

	@Bean
	Trip crashTrip(Bookings bookings) {
		return new Trip(bookings);
	}

	public static class Bookings {

		private final JdbcTemplate jdbc;

		private final boolean blockSecond;

		Bookings(JdbcTemplate jdbc, boolean blockSecond) {
			this.jdbc = jdbc;
			this.blockSecond = blockSecond;
		}

		@GuardedTool(name = "book", compensation = "cancel", maxAttempts = 1)
		public String book(int number) {
			return "booking-" + number;
		}

		public void cancel(int number, String booking) {
			this.jdbc.update("INSERT INTO crash_execution (step_key, seq) VALUES (?, ?)",
					RunContext.current().stepIdempotencyKey(), number);
			if (number == 2 && this.blockSecond) {
				System.out.println("COMPENSATING " + booking);
				while (true) {
					LockSupport.park();
				}
			}
		}

	}

	static class Trip {

		private final Bookings bookings;

		Trip(Bookings bookings) {
			this.bookings = bookings;
		}

		@AgentRun(name = "trip")
		public String book(String city) {
			this.bookings.book(1);
			this.bookings.book(2);
			this.bookings.book(3);
			throw new IllegalStateException("no flights to " + city);
		}

	}

}
