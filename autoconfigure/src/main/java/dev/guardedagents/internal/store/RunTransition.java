package dev.guardedagents.internal.store;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import dev.guardedagents.RunStatus;
import org.jspecify.annotations.Nullable;

/**
 * Every transition of a run's row ({@code guarded_run}), as one table: the statuses it
 * starts from, the status it leads to, and its fence (what the writer must hold, and what
 * the transition does to the ownership epoch). The stores test and write a run's status
 * only through here: the SQL guard ({@link #when()}) and assignment
 * ({@link #assignment()}) of each statement come from its row of the table, and the
 * diagram in {@code docs/architecture.md} is generated from it ({@link #diagram()}).
 */
enum RunTransition {

	/**
	 * A run is recorded, owned by its starter.
	 */
	START(EnumSet.noneOf(RunStatus.class), RunStatus.RUNNING, Fence.FIRST, "start"),

	/**
	 * A run of a plan at its limit of runs at once is recorded queued, without an owner.
	 */
	QUEUE(EnumSet.noneOf(RunStatus.class), RunStatus.QUEUED, Fence.SLOTS, "start (plan at its limit)"),

	/**
	 * A slot of its plan freed: the oldest queued run is handed to any instance to start.
	 */
	DEQUEUE(EnumSet.of(RunStatus.QUEUED), RunStatus.RUNNING, Fence.SLOTS, "a slot frees"),

	/**
	 * A step is recorded; the owner's lease is renewed, its recoveries counted or
	 * cleared.
	 */
	RECORD(EnumSet.of(RunStatus.RUNNING), RunStatus.RUNNING, Fence.EPOCH, "record a step, renew"),

	/**
	 * The owner gives the run up: no owner, lease ended, any instance may claim it.
	 */
	RELEASE(EnumSet.of(RunStatus.RUNNING), RunStatus.RUNNING, Fence.EPOCH, "release"),

	/**
	 * An instance takes over a run whose lease expired.
	 */
	CLAIM(EnumSet.of(RunStatus.RUNNING), RunStatus.RUNNING, Fence.NEXT_EPOCH, "claim (lease expired)"),

	/**
	 * The plan returned.
	 */
	SUCCEED(EnumSet.of(RunStatus.RUNNING), RunStatus.SUCCEEDED, Fence.EPOCH, "succeed"),

	/**
	 * The plan failed with nothing to compensate.
	 */
	FAIL(EnumSet.of(RunStatus.RUNNING), RunStatus.FAILED, Fence.EPOCH, "fail"),

	/**
	 * A run that kept stopping its executors is failed without resuming it; a
	 * compensation it was running is marked partial.
	 */
	FAIL_EXPIRED(EnumSet.of(RunStatus.RUNNING), RunStatus.FAILED, Fence.NEXT_EPOCH, "fail (recovery limit)"),

	/**
	 * The run waits for a reviewer, without an owner.
	 */
	PARK(EnumSet.of(RunStatus.RUNNING), RunStatus.WAITING, Fence.NEXT_EPOCH, "park for a review"),

	/**
	 * A decision (or a timeout) hands the run back for any instance to resume.
	 */
	HAND_BACK(EnumSet.of(RunStatus.WAITING), RunStatus.RUNNING, Fence.ROW_LOCK, "decide, time out"),

	/**
	 * The run sleeps ({@code RunContext.sleep}): it waits without an owner until its wake
	 * time.
	 */
	SLEEP(EnumSet.of(RunStatus.RUNNING), RunStatus.WAITING, Fence.NEXT_EPOCH, "sleep"),

	/**
	 * A sleeping run's wake time passed: it is handed back for any instance to resume.
	 */
	WAKE(EnumSet.of(RunStatus.WAITING), RunStatus.RUNNING, Fence.WAKE_TIME, "wake"),

	/**
	 * A waiting run of a plan with a limit of runs at once is woken or handed back: it
	 * queues for a slot again, ahead of the runs that never started.
	 */
	REQUEUE(EnumSet.of(RunStatus.WAITING), RunStatus.QUEUED, Fence.WAKE_OR_HAND_BACK,
			"wake, decide (plan with a limit)"),

	/**
	 * A run with nothing to compensate is cancelled.
	 */
	CANCEL(EnumSet.of(RunStatus.RUNNING, RunStatus.WAITING, RunStatus.QUEUED), RunStatus.CANCELLED,
			Fence.ROW_LOCK_NEXT_EPOCH, "cancel"),

	/**
	 * A run with completed steps to undo is cancelled: it compensates first, owned by the
	 * cancelling instance, and ends {@code CANCELLED}.
	 */
	CANCEL_COMPENSATING(EnumSet.of(RunStatus.RUNNING, RunStatus.WAITING, RunStatus.QUEUED), RunStatus.RUNNING,
			Fence.ROW_LOCK_NEXT_EPOCH, "cancel (compensate first)"),

	/**
	 * A failed plan with completed steps to undo compensates first, and ends
	 * {@code FAILED}.
	 */
	START_COMPENSATION(EnumSet.of(RunStatus.RUNNING), RunStatus.RUNNING, Fence.EPOCH, "fail (compensate first)"),

	/**
	 * The compensation ended: the run takes the status it was compensated for.
	 */
	END_COMPENSATION(EnumSet.of(RunStatus.RUNNING), null, Fence.EPOCH, "compensated"),

	/**
	 * An operator retries a failed run: any instance resumes it, its failed last step set
	 * aside to run again.
	 */
	RETRY(EnumSet.of(RunStatus.FAILED), RunStatus.RUNNING, Fence.ROW_LOCK_NEXT_EPOCH, "retry (operator)"),

	/**
	 * A finished run is erased with every row that belongs to it.
	 */
	PURGE(EnumSet.of(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED), null, Fence.ROW_LOCK, "purge");

	private final Set<RunStatus> from;

	private final @Nullable RunStatus to;

	private final Fence fence;

	private final String event;

	RunTransition(Set<RunStatus> from, @Nullable RunStatus to, Fence fence, String event) {
		this.from = from;
		this.to = to;
		this.fence = fence;
		this.event = event;
	}

	/**
	 * The status this transition leads to.
	 * @return the status, or {@code null} when it is the one the run was compensated for,
	 * or the run is deleted
	 */
	@Nullable RunStatus to() {
		return this.to;
	}

	/**
	 * Whether a run in a status may take this transition.
	 * @param status the run's status
	 * @return whether it may
	 */
	boolean allows(@Nullable RunStatus status) {
		return status != null && this.from.contains(status);
	}

	/**
	 * The SQL condition on the run's status under which this transition applies.
	 * @return a condition on {@code status}
	 */
	String when() {
		if (this.from.size() == 1) {
			return "status = '" + this.from.iterator().next() + "'";
		}
		return this.from.stream()
			.map((status) -> "'" + status + "'")
			.collect(Collectors.joining(", ", "status IN (", ")"));
	}

	/**
	 * The SQL assignments of the run's status and epoch this transition writes, with the
	 * compensation state it moves along (started, or marked partial when a compensating
	 * run is failed); empty when it writes none of them.
	 * @return the assignments, each followed by a comma
	 */
	String assignment() {
		StringBuilder set = new StringBuilder();
		switch (this) {
			case END_COMPENSATION -> set.append("status = compensation_ending, ");
			case CANCEL_COMPENSATING ->
				set.append("status = 'RUNNING', compensation = 'COMPENSATING', compensation_ending = 'CANCELLED', ");
			case START_COMPENSATION -> set.append("compensation = 'COMPENSATING', compensation_ending = 'FAILED', ");
			case PARK -> set.append("status = '" + RunStatus.WAITING + "', wake_at = NULL, wait_topic = NULL, ");
			case WAKE -> set.append("status = '" + RunStatus.RUNNING + "', wake_at = NULL, wait_topic = NULL, ");
			case REQUEUE -> set.append("status = '" + RunStatus.QUEUED + "', wake_at = NULL, wait_topic = NULL, ");
			case FAIL_EXPIRED -> set.append("status = '" + RunStatus.FAILED + "', compensation = CASE WHEN "
					+ "compensation = 'COMPENSATING' THEN 'PARTIALLY_COMPENSATED' ELSE compensation END, ");
			default -> {
				if (this.to != null && !this.from.contains(this.to)) {
					set.append("status = '").append(this.to).append("', ");
				}
			}
		}
		if (this.fence.nextEpoch) {
			set.append("owner_epoch = owner_epoch + 1, ");
		}
		return set.toString();
	}

	/**
	 * The SQL condition on the status of the runs that hold a slot of their plan
	 * ({@code max-concurrent}): those running, owned or handed over to be resumed.
	 * @return a condition on {@code status}
	 */
	static String holdsSlot() {
		return RECORD.when();
	}

	/**
	 * The transition that finishes a run with a status.
	 * @param status {@code SUCCEEDED} or {@code FAILED}
	 * @return the transition
	 */
	static RunTransition finishing(RunStatus status) {
		return switch (status) {
			case SUCCEEDED -> SUCCEED;
			case FAILED -> FAIL;
			default -> throw new IllegalArgumentException("A run finishes SUCCEEDED or FAILED, not " + status);
		};
	}

	/**
	 * The table as a Mermaid state diagram, as {@code docs/architecture.md} shows it.
	 * @return the diagram's source
	 */
	static String diagram() {
		StringBuilder diagram = new StringBuilder("stateDiagram-v2\n");
		for (RunTransition transition : values()) {
			String label = transition.event + " [" + transition.fence.label + "]";
			if (transition.from.isEmpty()) {
				diagram.append("    [*] --> ").append(transition.to).append(": ").append(label).append('\n');
				continue;
			}
			for (RunStatus from : transition.from) {
				if (transition == PURGE) {
					diagram.append("    ").append(from).append(" --> [*]: ").append(label).append('\n');
				}
				else if (transition.to != null) {
					diagram.append("    ")
						.append(from)
						.append(" --> ")
						.append(transition.to)
						.append(": ")
						.append(label)
						.append('\n');
				}
				else {
					for (RunStatus ending : EnumSet.of(RunStatus.FAILED, RunStatus.CANCELLED)) {
						diagram.append("    ")
							.append(from)
							.append(" --> ")
							.append(ending)
							.append(": ")
							.append(label)
							.append('\n');
					}
				}
			}
		}
		return diagram.toString();
	}

	/**
	 * What a writer must hold to take a transition, and what it does to the epoch.
	 */
	enum Fence {

		/**
		 * The first epoch of a new run.
		 */
		FIRST("epoch 1", false),

		/**
		 * The writer's epoch, unchanged.
		 */
		EPOCH("epoch", false),

		/**
		 * The writer's epoch, moved on by one: every earlier holder is fenced out.
		 */
		NEXT_EPOCH("epoch + 1", true),

		/**
		 * The run's row lock, in a transaction that checked the status.
		 */
		ROW_LOCK("row lock", false),

		/**
		 * The run's row lock, and the epoch moved on: the run's executor is fenced out.
		 */
		ROW_LOCK_NEXT_EPOCH("row lock, epoch + 1", true),

		/**
		 * The run's wake time passed: whichever instance's scan sees it first hands it
		 * back, once.
		 */
		WAKE_TIME("wake time passed", false),

		/**
		 * The lock of the plan's slots, in a transaction that counted the runs holding
		 * one.
		 */
		SLOTS("slot lock", false),

		/**
		 * What wakes or hands back a waiting run of a plan without a limit: its wake time
		 * passed or a message came (one conditional update), or a decision (row lock).
		 */
		WAKE_OR_HAND_BACK("as wake, decide", false);

		private final String label;

		private final boolean nextEpoch;

		Fence(String label, boolean nextEpoch) {
			this.label = label;
			this.nextEpoch = nextEpoch;
		}

	}

}
