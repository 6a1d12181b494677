package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.PayloadTooLargeException;
import dev.guardedagents.RunContext;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunNotFoundException;
import dev.guardedagents.RunNotReceivingException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.StepView;
import dev.guardedagents.actuate.AgentRunsEndpoint;
import dev.guardedagents.internal.run.EngineTestApplication.Payment;
import dev.guardedagents.internal.run.EngineTestApplication.Stamps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@code RunContext.receive} and {@code AgentRuns.send}: a run that waits for a message
 * holds no thread and no owner, a message wakes it at once on any instance, messages sent
 * before it waits are kept, each is received once (also across a crash between taking it
 * and recording it), and a timeout is an empty result. Run on H2 and on PostgreSQL by the
 * subclasses.
 */
abstract class MessageTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String WAIT_STEPS = "pack, " + RunContext.RECEIVE_DEADLINE;

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@BeforeEach
	void reset() {
		EngineTestApplication.reset();
		Stamps.packs.set(0);
		Stamps.sends.set(0);
	}

	@Test
	void aMessageSentWhileTheRunsInstanceIsDownWakesItOnTheInstanceThatSendsIt() throws Exception {
		String[] database = database();
		String runId;
		try (ConfigurableApplicationContext a = start(database, "receiver-a")) {
			AgentRuns runs = a.getBean(AgentRuns.class);
			Stamps stamps = a.getBean(Stamps.class);
			runId = runs.start(() -> stamps.awaitPayment("o-1", 3_600_000)).runId();
			await().atMost(TIMEOUT).until(() -> runs.find(runId).orElseThrow().status() == RunStatus.WAITING);
			assertThat(a.getBean(RunEngine.class).runs().isHere(runId)).as("no thread, no queue").isFalse();
			assertThat(runs.find(runId).orElseThrow().owner()).as("no owner").isNull();
			assertThat(names(runs.steps(runId))).isEqualTo(WAIT_STEPS);
			AgentRunsEndpoint.RunDetailDescriptor detail = a.getBean(AgentRunsEndpoint.class)
				.run(SecurityContext.NONE, runId, null, null, null, null);
			assertThat(detail.run().receivesOn()).as("operators see what it waits for").isEqualTo("payment");
			assertThat(detail.run().wakeAt()).as("its deadline").isNotNull();
		}
		// the scan runs every hour: only the message wakes the run
		try (ConfigurableApplicationContext b = start(database, "receiver-b")) {
			AgentRuns runs = b.getBean(AgentRuns.class);
			assertThat(runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.WAITING);
			assertThat(runs.send(runId, "payment", new Payment("r-1", 40))).isTrue();
			RunHandle<?> handle = runs.handle(runId).orElseThrow();
			assertThat(handle.await(TIMEOUT)).isEqualTo("packed o-1|paid r-1 40|no note|sent o-1");
			List<StepView> steps = runs.steps(runId);
			assertThat(names(steps)).isEqualTo(WAIT_STEPS + ", " + RunContext.RECEIVE + ", "
					+ RunContext.RECEIVE_DEADLINE + ", " + RunContext.RECEIVE + ", send");
			assertThat(new JsonMapper().readTree(steps.get(2).output()).get("reference").asString()).isEqualTo("r-1");
			assertThat(steps.get(4).output()).as("no note: an empty result, journaled").isEqualTo("null");
			assertThat(Stamps.packs).as("the step before the wait is replayed, not run again").hasValue(1);
			assertThat(Stamps.sends).hasValue(1);
			assertThatExceptionOfType(RunNotReceivingException.class)
				.isThrownBy(() -> runs.send(runId, "payment", new Payment("r-2", 1)))
				.withMessageContaining("SUCCEEDED")
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RunStatus.SUCCEEDED));
		}
	}

	@Test
	void messagesSentBeforeTheRunReceivesThemAreKeptAndEachIsReceivedOnce() throws Exception {
		try (ConfigurableApplicationContext a = start(database(), "receiver")) {
			AgentRuns runs = a.getBean(AgentRuns.class);
			Stamps stamps = a.getBean(Stamps.class);
			String runId = runs.start(() -> stamps.awaitPayment("o-2", 3_600_000)).runId();
			await().atMost(TIMEOUT).until(() -> runs.find(runId).orElseThrow().status() == RunStatus.WAITING);
			assertThat(runs.send(runId, "note", "leave at the door", "note-1", null)).isTrue();
			assertThat(runs.send(runId, "note", "leave at the door", "note-1", null)).as("sent again: kept once")
				.isFalse();
			assertThat(runs.find(runId).orElseThrow().status()).as("a message on another topic does not wake it")
				.isEqualTo(RunStatus.WAITING);
			assertThat(names(runs.steps(runId))).isEqualTo(WAIT_STEPS);
			assertThat(runs.send(runId, "payment", new Payment("r-1", 40), "pay-1", "webhook")).isTrue();
			assertThat(runs.send(runId, "payment", new Payment("r-2", 41), "pay-2", null)).isTrue();
			assertThat(runs.handle(runId).orElseThrow().await(TIMEOUT))
				.isEqualTo("packed o-2|paid r-1 40|leave at the door|sent o-2");
			JsonNode exported = new JsonMapper().readTree(runs.export(runId));
			JsonNode messages = exported.get("messages");
			assertThat(messages).hasSize(3);
			assertThat(messages.get(0).get("topic").asString()).isEqualTo("note");
			assertThat(messages.get(0).get("receivedAtStep").asInt()).as("the note's receive").isEqualTo(4);
			assertThat(messages.get(1).get("receivedAtStep").asInt()).as("the payment's receive").isEqualTo(2);
			assertThat(messages.get(1).get("sentBy").asString()).isEqualTo("webhook");
			assertThat(messages.get(2).get("receivedAtStep").isNull()).as("the second payment was never received")
				.isTrue();
			AgentRunsEndpoint.RunDetailDescriptor detail = a.getBean(AgentRunsEndpoint.class)
				.run(SecurityContext.NONE, runId, null, null, null, null);
			assertThat(detail.actions()).singleElement().satisfies((action) -> {
				assertThat(action.action()).isEqualTo("SEND");
				assertThat(action.actor()).isEqualTo("webhook");
			});
			assertThat(detail.messagesTotal()).isEqualTo(3);
			assertThat(detail.messages()).extracting(AgentRunsEndpoint.MessageDescriptor::topic)
				.containsExactly("note", "payment", "payment");
			assertThat(detail.messages()).extracting(AgentRunsEndpoint.MessageDescriptor::receivedAtStep)
				.containsExactly(4, 2, null);
			assertThat(detail.messages().get(1).sentBy()).isEqualTo("webhook");
			assertThat(detail.messages()).as("payloads hidden, as show-payloads says")
				.allSatisfy((message) -> assertThat(message.payload()).isNull());

			// a fork from the first receive gets the messages no copied step received
			String fork = runs.fork(runId, 2, "ops").id();
			assertThat(runs.handle(fork).orElseThrow().await(TIMEOUT))
				.isEqualTo("packed o-2|paid r-1 40|leave at the door|sent o-2");
			assertThat(Stamps.packs).as("copied, replayed").hasValue(1);
			assertThat(Stamps.sends).hasValue(2);
		}
	}

	@Test
	void aWaitingRunWhoseTopicHasAMessageIsWokenByAnyInstancesScan() throws Exception {
		try (ConfigurableApplicationContext a = start(database(), "receiver")) {
			AgentRuns runs = a.getBean(AgentRuns.class);
			Stamps stamps = a.getBean(Stamps.class);
			String runId = runs.start(() -> stamps.awaitPayment("o-6", 3_600_000)).runId();
			await().atMost(TIMEOUT).until(() -> runs.find(runId).orElseThrow().status() == RunStatus.WAITING);
			// kept, but the sender stopped before it could wake the run
			a.getBean(RunEngine.class)
				.store()
				.send(runId, "payment", null, "{\"reference\":\"r-6\",\"amount\":6}", null, Instant.now());
			assertThat(runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.WAITING);
			assertThat(a.getBean(RunRecovery.class).wake()).isEqualTo(1);
			a.getBean(RunRecovery.class).recover();
			assertThat(runs.handle(runId).orElseThrow().await(TIMEOUT))
				.isEqualTo("packed o-6|paid r-6 6|no note|sent o-6");
		}
	}

	@Test
	void aRunResumedAfterTakingAMessageButBeforeRecordingItReceivesTheSameOne() throws Exception {
		try (ConfigurableApplicationContext a = start(database(), "receiver")) {
			AgentRuns runs = a.getBean(AgentRuns.class);
			Stamps stamps = a.getBean(Stamps.class);
			RunEngine engine = a.getBean(RunEngine.class);
			String runId = runs.start(() -> stamps.awaitPayment("o-3", 3_600_000)).runId();
			await().atMost(TIMEOUT).until(() -> runs.find(runId).orElseThrow().status() == RunStatus.WAITING);
			engine.crashes().crashDuring(RunContext.RECEIVE);
			runs.send(runId, "payment", new Payment("r-1", 40));
			await().atMost(TIMEOUT).until(() -> engine.crashes().held().contains(runId));
			assertThat(names(runs.steps(runId))).as("taken, not recorded").isEqualTo(WAIT_STEPS);
			runs.send(runId, "payment", new Payment("r-2", 41));
			a.getBean(RunRecovery.class).restartCrashed();
			assertThat(runs.handle(runId).orElseThrow().await(TIMEOUT))
				.isEqualTo("packed o-3|paid r-1 40|no note|sent o-3");
			assertThat(Stamps.packs).hasValue(1);
		}
	}

	@Test
	void aReceiveThatTimesOutIsAnEmptyResult() throws Exception {
		try (ConfigurableApplicationContext a = start(database(), "receiver")) {
			Stamps stamps = a.getBean(Stamps.class);
			RunSuspendedException suspended = assertThatExceptionOfType(RunSuspendedException.class)
				.isThrownBy(() -> stamps.awaitPayment("o-4", 300))
				.actual();
			assertThat(suspended.getWakeAt()).as("the deadline").isNotNull();
			AgentRuns runs = a.getBean(AgentRuns.class);
			assertThat(runs.handle(suspended.getRunId()).orElseThrow().await(TIMEOUT))
				.isEqualTo("packed o-4|unpaid|no note|sent o-4");
			StepView received = runs.steps(suspended.getRunId()).get(2);
			assertThat(received.name()).isEqualTo(RunContext.RECEIVE);
			assertThat(received.output()).isEqualTo("null");
		}
	}

	@Test
	void aMessageThatCannotBeDeliveredIsRefusedNamingWhy() {
		try (ConfigurableApplicationContext a = start(database(), "receiver")) {
			AgentRuns runs = a.getBean(AgentRuns.class);
			Stamps stamps = a.getBean(Stamps.class);
			String runId = runs.start(() -> stamps.awaitPayment("o-5", 3_600_000)).runId();
			assertThatExceptionOfType(RunNotFoundException.class)
				.isThrownBy(() -> runs.send("no-such-run", "payment", "x"));
			assertThatIllegalArgumentException().isThrownBy(() -> runs.send(runId, " ", "x"))
				.withMessageContaining("topic has 1 to 200 characters");
			assertThatIllegalArgumentException().isThrownBy(() -> runs.send(runId, "@child:" + runId, "x"))
				.withMessageContaining("reserved for runs that wait for a child run");
			assertThatIllegalArgumentException().isThrownBy(() -> runs.send(runId, "payment", "x", "", null))
				.withMessageContaining("key has 1 to 200 characters");
			assertThatExceptionOfType(PayloadTooLargeException.class)
				.isThrownBy(() -> runs.send(runId, "payment", "x".repeat(5000)))
				.withMessageContaining("guarded-agents.journal.max-payload-size");
			assertThatIllegalStateException()
				.isThrownBy(() -> RunContext.receive("payment", String.class, Duration.ofSeconds(1)))
				.withMessageContaining("outside a run");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> RunContext.receive("payment", String.class, Duration.ofDays(36_501)))
				.withMessageContaining("receive in a loop of shorter ones");
			runs.cancel(runId);
		}
	}

	private static String names(List<StepView> steps) {
		return String.join(", ", steps.stream().map(StepView::name).toList());
	}

	private static ConfigurableApplicationContext start(String[] database, String instanceId) {
		return new SpringApplicationBuilder(EngineTestApplication.class).web(WebApplicationType.NONE)
			.run("--spring.datasource.url=" + database[0], "--spring.datasource.username=" + database[1],
					"--spring.datasource.password=" + database[2], "--guarded-agents.instance-id=" + instanceId,
					"--guarded-agents.recovery.scan-interval=1h", "--guarded-agents.recovery.lease-duration=2h",
					"--guarded-agents.recovery.renew-interval=1h", "--guarded-agents.journal.max-payload-size=4KB",
					"--management.endpoints.web.exposure.include=agentruns", "--spring.main.banner-mode=off",
					"--logging.level.root=warn");
	}

}
