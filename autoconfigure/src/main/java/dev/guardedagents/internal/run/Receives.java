package dev.guardedagents.internal.run;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

import dev.guardedagents.RunContext;
import dev.guardedagents.internal.store.JdbcRunStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;

/**
 * Lets runs wait for messages ({@code RunContext.receive}): the deadline is journaled as
 * the step {@value RunContext#RECEIVE_DEADLINE}, the message received (or the timeout) as
 * the step {@value RunContext#RECEIVE}. The step holds the oldest message on the topic
 * that no receive took, marked with the position of the receive's deadline before the
 * step is recorded, so a run resumed in between receives the same one again, never a
 * second; only the run's current owner takes one. With no message and time left, the run
 * waits in the database as a sleeping run does, its topic noted so that a message on it
 * wakes it at once ({@link RunEngine#send}); a message that arrived while it was going to
 * sleep is looked for once more after it sleeps.
 */
final class Receives {

	private static final Log logger = LogFactory.getLog(Receives.class);

	/**
	 * The longest topic of a message.
	 */
	static final int MAX_TOPIC_LENGTH = 200;

	private final RunJournal journal;

	private final JdbcRunStore store;

	private final JsonCodec codec;

	private final BudgetGate budget;

	private final Consumer<Instant> wakeUp;

	/**
	 * Creates the receives.
	 * @param journal the run journal
	 * @param store the run store
	 * @param codec reads payloads
	 * @param budget tells the step the journal holds next, past budget grants
	 * @param wakeUp told of each time a waiting run is to wake, so that this instance
	 * wakes it on time while it lives (its recovery scan wakes it otherwise)
	 */
	Receives(RunJournal journal, JdbcRunStore store, JsonCodec codec, BudgetGate budget, Consumer<Instant> wakeUp) {
		this.journal = journal;
		this.store = store;
		this.codec = codec;
		this.budget = budget;
		this.wakeUp = wakeUp;
	}

	/**
	 * Checks a message's topic: 1 to {@value #MAX_TOPIC_LENGTH} characters, as the
	 * journal keeps it, not starting with {@value JdbcRunStore#CHILD_TOPIC} (which marks
	 * a run that waits for a child).
	 * @throws IllegalArgumentException if it is not
	 */
	static void checkTopic(String topic) {
		if (topic.isBlank() || topic.length() > MAX_TOPIC_LENGTH) {
			throw new IllegalArgumentException(
					"A message's topic has 1 to " + MAX_TOPIC_LENGTH + " characters, was '" + topic + "'");
		}
		if (topic.startsWith(JdbcRunStore.CHILD_TOPIC)) {
			throw new IllegalArgumentException("Topics starting with '" + JdbcRunStore.CHILD_TOPIC
					+ "' are reserved for runs that wait for a child run; choose another topic than '" + topic + "'");
		}
	}

	@Nullable Object receive(Execution execution, String topic, Type type, Duration timeout) throws Throwable {
		Instant deadline = (Instant) execution.lambdaStep(RunContext.RECEIVE_DEADLINE, Instant.class,
				// to the microsecond, as the database keeps it
				() -> execution.now().plus(timeout).truncatedTo(ChronoUnit.MICROS));
		// the deadline's position marks the message this receive takes: it never moves,
		// whatever budget grants are journaled before the message's step
		int receive = execution.stepCount();
		if (execution.isReplayOnly() || this.budget.peek(execution) != null) {
			// replayed from the journal (or a departure from it), without looking for
			// messages
			return execution.lambdaStep(RunContext.RECEIVE, type, () -> null);
		}
		String payload = this.journal.writeFor(execution,
				() -> this.store.receive(execution.runId(), execution.epoch(), topic, receive));
		if (payload == null && execution.now().isBefore(deadline)) {
			this.journal.park(execution, deadline, topic);
			// a message sent while the run went to sleep found it awake: wake it now
			// (should the journal fail, any instance's scan wakes a run whose topic has
			// one)
			Instant now = this.journal.now();
			boolean arrived = false;
			try {
				arrived = this.store.hasMessage(execution.runId(), topic)
						&& this.store.wakeReceiver(execution.runId(), topic, now);
			}
			catch (DataAccessException ex) {
				logger.debug("Could not look again for a message to run " + execution.runId() + ": " + ex.getMessage());
			}
			this.wakeUp.accept(arrived ? now : deadline);
			throw RunSignal.sleeping(execution.runId(), deadline);
		}
		return execution.lambdaStep(RunContext.RECEIVE, type, () -> read(payload, topic, type));
	}

	private @Nullable Object read(@Nullable String payload, String topic, Type type) {
		if (payload == null) {
			return null;
		}
		try {
			return this.codec.readResult(payload, type);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("The message on topic '" + topic + "' does not read as "
					+ type.getTypeName() + ": " + ex.getMessage(), ex);
		}
	}

}
