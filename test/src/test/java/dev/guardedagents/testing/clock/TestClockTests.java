package dev.guardedagents.testing.clock;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.RunContext;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.testing.GuardedAgentsTest;
import dev.guardedagents.testing.TestRuns;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The test clock: a reviewer who never answers within the checkpoint's timeout, a sleep
 * and a wait for a message that times out, without waiting for them, and the recorded
 * instants of a plan.
 */
@GuardedAgentsTest(
		properties = { "guarded-agents.budgets.hour.max-wall-time=1h", "guarded-agents.budgets.hour.on-exceeded=halt" })
class TestClockTests {

	@Autowired
	Leave leave;

	@Autowired
	TestRuns runs;

	@Autowired
	AgentRuns agentRuns;

	@BeforeEach
	void reset() {
		Leave.granted.set(0);
		Leave.reminded.set(0);
	}

	@Test
	void aReviewerWhoNeverAnswersTimesOutWhenTheTestMovesTheClock() {
		String runId = this.runs.start(() -> this.leave.request("ann", 3));
		this.runs.pendingReview(runId);

		assertThat(this.runs.advanceTime(Duration.ofMinutes(59))).as("not yet due").isZero();
		this.runs.assertThat(runId).isWaiting();
		assertThat(this.runs.advanceTime(Duration.ofMinutes(2))).as("timed out").isEqualTo(1);

		this.runs.assertThat(runId).failed().step("grant").timedOut();
		assertThat(Leave.granted).hasValue(0);
	}

	@Test
	void aCheckpointThatApprovesOnTimeoutGoesOnWhenItIsDue() {
		String runId = this.runs.start(() -> this.leave.shortLeave("bob"));
		this.runs.pendingReview(runId);
		this.runs.advanceTime(Duration.ofHours(2));
		this.runs.assertThat(runId).succeeded().step("grant-short").timedOut().wasApproved().succeeded();
		assertThat(Leave.granted).hasValue(1);
	}

	@Test
	void aRunPastItsBudgetsWallTimeHaltsBeforeItsNextTool() {
		String runId = this.runs.start(() -> this.leave.shortLeaveWithinAnHour("cy"));
		this.runs.pendingReview(runId);
		this.runs.advanceTime(Duration.ofMinutes(90));

		this.runs.assertThat(runId).failed().step("grant-short").timedOut();
		assertThat(this.runs.await(runId).errorMessage()).contains("maxWallTime");
		assertThat(Leave.granted).as("the tool was not called").hasValue(0);
	}

	@Test
	void runContextNowReadsTheMovedClockOnceAndReplaysIt() {
		Instant before = this.runs.clock().advance(Duration.ofDays(30));
		String runId = this.runs.start(() -> this.leave.stamp());
		this.runs.assertThat(runId).succeeded();
		Instant stamped = Instant.parse(this.runs.await(runId).result().replace("\"", ""));
		assertThat(stamped).isAfterOrEqualTo(before).isBefore(before.plus(Duration.ofMinutes(1)));
		assertThat(before).isAfter(Instant.now().plus(Duration.ofDays(29)));
	}

	@Test
	void aSleepingRunWakesWhenTheTestMovesTheClockPastItsWakeTime() {
		String runId = this.runs.start(() -> this.leave.remindInThreeDays("dan"));
		this.runs.assertThat(runId).isWaiting();
		this.runs.advanceTime(Duration.ofDays(2));
		this.runs.assertThat(runId).isWaiting();
		assertThat(Leave.reminded).as("still asleep").hasValue(0);
		this.runs.assertReplays(this.runs.export(runId));

		this.runs.advanceTime(Duration.ofDays(1).plusMinutes(1));

		this.runs.assertThat(runId).succeeded();
		assertThat(Leave.reminded).hasValue(1);
		assertThat(this.runs.await(runId).result()).isEqualTo("\"reminded dan\"");
		this.runs.assertReplays(this.runs.export(runId));
	}

	@Test
	void aRunWaitingForAMessageTimesOutWhenTheTestMovesTheClockPastItsDeadline() {
		String runId = this.runs.start(() -> this.leave.awaitAnswer("eve"));
		this.runs.assertThat(runId).isWaiting();
		this.runs.advanceTime(Duration.ofDays(1));
		this.runs.assertThat(runId).isWaiting();

		this.runs.advanceTime(Duration.ofDays(1).plusMinutes(1));

		this.runs.assertThat(runId).succeeded();
		assertThat(this.runs.await(runId).result()).isEqualTo("\"eve: no answer\"");
		this.runs.assertReplays(this.runs.export(runId));
	}

	@Test
	void aMessageSentToAWaitingRunWakesItAndReplaysFromTheJournal() {
		String runId = this.runs.start(() -> this.leave.awaitAnswer("fay"));
		this.runs.assertThat(runId).isWaiting();

		assertThat(this.agentRuns.send(runId, "answer", "yes")).isTrue();

		this.runs.assertThat(runId).succeeded();
		assertThat(this.runs.await(runId).result()).isEqualTo("\"fay: yes\"");
		this.runs.assertReplays(this.runs.export(runId));
	}

	@Test
	void aScheduledPlanStartsTheRunOfATickWhenTheTestMovesTheClockPastIt() {
		Instant tick = CronExpression.parse(Leave.HOURLY)
			.next(this.runs.clock().instant().atZone(ZoneId.systemDefault()))
			.toInstant();

		this.runs.advanceTime(Duration.ofHours(1));

		await().atMost(Duration.ofSeconds(10)).until(() -> Leave.reports.contains(tick));
	}

	@Test
	void theClockOnlyMovesForward() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.runs.advanceTime(Duration.ofSeconds(-1)))
			.withMessageContaining("only moves forward");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class LeaveApplication {

		@Bean
		Grants grants() {
			return new Grants();
		}

		@Bean
		Leave leave(Grants grants) {
			return new Leave(grants);
		}

	}

	public static class Grants {

		@HumanCheckpoint(name = "grant", timeout = "1h", onTimeout = TimeoutOutcome.REJECT, reviewers = "hr")
		@GuardedTool(name = "grant")
		public String grant(String employee, int days) {
			Leave.granted.incrementAndGet();
			return employee + ": " + days + " days";
		}

		@HumanCheckpoint(name = "grant-short", timeout = "1h", onTimeout = TimeoutOutcome.APPROVE, reviewers = "hr")
		@GuardedTool(name = "grant-short")
		public String grantShort(String employee) {
			Leave.granted.incrementAndGet();
			return employee + ": 1 day";
		}

	}

	public static class Leave {

		static final String HOURLY = "0 0 * * * *";

		static final Set<Instant> reports = ConcurrentHashMap.newKeySet();

		static final AtomicInteger granted = new AtomicInteger();

		static final AtomicInteger reminded = new AtomicInteger();

		private final Grants grants;

		public Leave(Grants grants) {
			this.grants = grants;
		}

		@AgentRun(name = "leave")
		public String request(String employee, int days) {
			return this.grants.grant(employee, days);
		}

		@AgentRun(name = "short-leave")
		public String shortLeave(String employee) {
			return this.grants.grantShort(employee);
		}

		@AgentRun(name = "short-leave-within-an-hour", budget = "hour")
		public String shortLeaveWithinAnHour(String employee) {
			return this.grants.grantShort(employee);
		}

		@AgentRun(name = "reminder")
		public String remindInThreeDays(String employee) {
			RunContext.sleep(Duration.ofDays(3));
			return RunContext.step("remind", () -> {
				reminded.incrementAndGet();
				return "reminded " + employee;
			});
		}

		@AgentRun(name = "answer-by-mail")
		public String awaitAnswer(String employee) {
			return RunContext.receive("answer", String.class, Duration.ofDays(2))
				.map((answer) -> employee + ": " + answer)
				.orElse(employee + ": no answer");
		}

		@AgentRun(name = "hourly-report", schedule = HOURLY)
		public String hourlyReport(Instant tick) {
			reports.add(tick);
			return "report of " + tick;
		}

		@AgentRun(name = "stamp")
		public Instant stamp() {
			return RunContext.now();
		}

	}

}
