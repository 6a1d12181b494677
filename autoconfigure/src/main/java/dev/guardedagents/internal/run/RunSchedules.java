package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.guardedagents.internal.schedule.Periodic;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.support.CronExpression;

/**
 * The schedules of plans ({@code @AgentRun(schedule = ...)},
 * {@code guarded-agents.schedules.<name>.*}). Every instance watches the clock of runs
 * and starts the run of each tick as it comes; the tick is the run's idempotency key
 * ({@value #TICK}{@code <instant>}), so of all the instances that start a tick one
 * records its run and the others find it recorded. A schedule that catches up starts,
 * when this instance starts, the ticks missed since its newest run (the newest of them,
 * up to a number). A tick that cannot be started (the journal is down, the executor is
 * full) is tried again at the next check, never skipped. Internal: not API.
 */
public final class RunSchedules implements SmartInitializingSingleton, SmartLifecycle {

	/**
	 * The prefix of the idempotency key of a scheduled run.
	 */
	static final String TICK = "tick:";

	/**
	 * How often the schedules look at the clock: a tick starts at most this late.
	 */
	static final Duration CHECK_INTERVAL = Duration.ofMillis(500);

	private static final Log logger = LogFactory.getLog(RunSchedules.class);

	private final Supplier<List<Schedule>> declared;

	private volatile List<Schedule> schedules = List.of();

	private final Starter starter;

	private final NewestTick newest;

	private final Supplier<Instant> now;

	private final Periodic periodic;

	private final Map<String, Deque<Instant>> due = new ConcurrentHashMap<>();

	private final Set<String> failing = ConcurrentHashMap.newKeySet();

	/**
	 * Creates the schedules.
	 * @param declared the schedules, read once every plan is registered
	 */
	RunSchedules(Supplier<List<Schedule>> declared, Starter starter, NewestTick newest, Supplier<Instant> now) {
		this.declared = declared;
		this.starter = starter;
		this.newest = newest;
		this.now = now;
		this.periodic = new Periodic("guarded-schedules-", CHECK_INTERVAL, this::fireSafely);
	}

	/**
	 * Checks that a plan can be scheduled with a cron expression.
	 * @param plan the plan
	 * @param cron the expression
	 * @param where what declares it, for the message
	 * @return the parsed expression
	 * @throws InvalidAnnotationException naming the problem and the fix
	 */
	static CronExpression check(AgentRunRegistry.Plan plan, String cron, String where) {
		CronExpression expression;
		try {
			expression = CronExpression.parse(cron);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidAnnotationException(where, "has an invalid cron expression: " + ex.getMessage(),
					"Use Spring's six fields (second minute hour day-of-month month day-of-week), such as "
							+ "'0 0 * * * *' for every hour, or a macro such as '@daily'.");
		}
		if (plan.parameterTypes().length > 1
				|| plan.parameterTypes().length == 1 && plan.parameterTypes()[0] != Instant.class) {
			throw new InvalidAnnotationException(where,
					"schedules plan " + plan.method().toGenericString()
							+ ", which takes parameters a schedule cannot give",
					"Declare no parameter, or one java.time.Instant that receives the tick.");
		}
		if (plan.idempotencyKey() != null) {
			throw new InvalidAnnotationException(where,
					"schedules plan '" + plan.name() + "', which declares an idempotencyKey",
					"Remove it: the tick is the idempotency key of a scheduled run.");
		}
		return expression;
	}

	/**
	 * Reads the schedules once every bean, and so every plan, exists: a mistake fails
	 * start-up.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		this.schedules = List.copyOf(this.declared.get());
	}

	@Override
	public void start() {
		if (!this.schedules.isEmpty()) {
			this.periodic.start();
		}
	}

	@Override
	public void stop() {
		this.periodic.stop();
	}

	@Override
	public boolean isRunning() {
		return this.periodic.isRunning();
	}

	private void fireSafely() {
		try {
			fire();
		}
		catch (Throwable ex) {
			// an Error too: the loop must not stop
			logger.warn("Could not check the schedules of runs", ex);
		}
	}

	/**
	 * Starts the runs of the ticks that came. The first check of a schedule looks up the
	 * ticks it catches up; a tick that cannot be started stays first in line.
	 * @return how many ticks this call started or found started
	 */
	public int fire() {
		Instant now = this.now.get();
		int fired = 0;
		for (Schedule schedule : this.schedules) {
			String name = schedule.plan().name();
			Deque<Instant> ticks = this.due.get(name);
			try {
				if (ticks == null) {
					ticks = new ArrayDeque<>(first(schedule, now));
					this.due.put(name, ticks);
				}
				fired += fire(schedule, ticks, now);
				if (this.failing.remove(name)) {
					logger.info("The schedule of run '" + name + "' starts its ticks again");
				}
			}
			catch (RuntimeException ex) {
				if (this.failing.add(name)) {
					logger.warn("Could not start the due ticks of schedule '" + name + "'; they are tried again every "
							+ CHECK_INTERVAL.toMillis() + " ms until they start: " + ex);
				}
			}
		}
		return fired;
	}

	private int fire(Schedule schedule, Deque<Instant> ticks, Instant now) {
		int fired = 0;
		synchronized (ticks) {
			while (!ticks.isEmpty() && !ticks.getFirst().isAfter(now)) {
				Instant tick = ticks.getFirst();
				this.starter.start(schedule.plan(), tick);
				fired++;
				ticks.removeFirst();
				if (ticks.isEmpty()) {
					if (schedule.catchUp()) {
						// the ticks a stall of this instance let pass
						ticks.addAll(newest(schedule, tick, now));
					}
					Instant next = next(schedule, now);
					if (next != null) {
						ticks.addLast(next);
					}
				}
			}
		}
		return fired;
	}

	/**
	 * The ticks a schedule starts with: those missed since its newest run when it catches
	 * up, then the next one.
	 */
	private List<Instant> first(Schedule schedule, Instant now) {
		List<Instant> ticks = new ArrayList<>();
		Instant newest = schedule.catchUp() ? newestTick(schedule) : null;
		if (newest != null) {
			ticks.addAll(newest(schedule, newest, now));
			if (!ticks.isEmpty()) {
				logger.info("Schedule of run '" + schedule.plan().name() + "' catches up " + ticks.size()
						+ " missed tick(s) since " + newest + ", from " + ticks.get(0));
			}
		}
		Instant next = next(schedule, now);
		if (next != null) {
			ticks.add(next);
		}
		return ticks;
	}

	/**
	 * The newest ticks after one and up to now, at most the schedule's catch-up. Looks
	 * back from now over windows that double, so that a schedule of every second after a
	 * month of downtime looks at a minute of ticks, not a month.
	 */
	static List<Instant> newest(Schedule schedule, Instant after, Instant now) {
		Duration window = Duration.ofMinutes(1);
		while (true) {
			Instant from = now.minus(window);
			boolean whole = !from.isAfter(after);
			Deque<Instant> ticks = new ArrayDeque<>();
			Instant tick = next(schedule, whole ? after : from);
			while (tick != null && !tick.isAfter(now)) {
				ticks.addLast(tick);
				if (ticks.size() > schedule.maxCatchUp()) {
					ticks.removeFirst();
				}
				tick = next(schedule, tick);
			}
			if (whole || ticks.size() >= schedule.maxCatchUp()) {
				return new ArrayList<>(ticks);
			}
			window = window.multipliedBy(2);
		}
	}

	private @Nullable Instant newestTick(Schedule schedule) {
		String key = this.newest.key(schedule.plan().name(), TICK);
		if (key == null) {
			return null;
		}
		try {
			return Instant.parse(key.substring(TICK.length()));
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static @Nullable Instant next(Schedule schedule, Instant after) {
		ZonedDateTime next = schedule.cron().next(after.atZone(schedule.zone()));
		return (next != null) ? next.toInstant() : null;
	}

	/**
	 * Lists the schedules with their next tick.
	 * @return the schedules, by run name
	 */
	public List<View> list() {
		List<View> views = new ArrayList<>();
		for (Schedule schedule : this.schedules) {
			Deque<Instant> ticks = this.due.get(schedule.plan().name());
			Instant next;
			if (ticks != null) {
				synchronized (ticks) {
					next = ticks.peekFirst();
				}
			}
			else {
				next = next(schedule, this.now.get());
			}
			views.add(new View(schedule.plan().name(), schedule.expression(), schedule.zone().getId(),
					schedule.catchUp(), next));
		}
		return views;
	}

	/**
	 * A schedule, as shown.
	 *
	 * @param name the run name
	 * @param cron the cron expression
	 * @param zone the time zone of the expression
	 * @param catchUp whether missed ticks are started after downtime
	 * @param nextTick the next tick, or {@code null} when none comes
	 */
	public record View(String name, String cron, String zone, boolean catchUp, @Nullable Instant nextTick) {
	}

	/**
	 * A plan's schedule.
	 *
	 * @param plan the plan
	 * @param expression the cron expression, as written
	 * @param cron the parsed expression
	 * @param zone the time zone it is read in
	 * @param catchUp whether ticks missed while no instance ran are started
	 * @param maxCatchUp the most missed ticks started, the newest
	 */
	record Schedule(AgentRunRegistry.Plan plan, String expression, CronExpression cron, ZoneId zone, boolean catchUp,
			int maxCatchUp) {
	}

	/**
	 * The settings of a schedule from configuration.
	 *
	 * @param cron the cron expression, or {@code null} for the plan's own
	 * @param zone the time zone, or {@code null} for the system's
	 * @param catchUp whether ticks missed while no instance ran are started
	 * @param maxCatchUp the most missed ticks started, the newest
	 * @param enabled whether this instance starts the schedule's ticks
	 */
	public record Settings(@Nullable String cron, @Nullable ZoneId zone, boolean catchUp, int maxCatchUp,
			boolean enabled) {

		/**
		 * A plan's own schedule, in the system's time zone, without catch-up.
		 */
		public static final Settings DEFAULTS = new Settings(null, null, false, 10, true);

	}

	/**
	 * Starts the run of a tick.
	 */
	@FunctionalInterface
	interface Starter {

		/**
		 * Starts it, or finds it started.
		 * @param plan the plan
		 * @param tick the tick
		 * @return whether this call started it
		 */
		boolean start(AgentRunRegistry.Plan plan, Instant tick);

	}

	/**
	 * Finds the newest idempotency key of a plan's runs with a prefix.
	 */
	@FunctionalInterface
	interface NewestTick {

		/**
		 * Finds it.
		 * @param name the run name
		 * @param prefix the prefix
		 * @return the key, or {@code null} when no run has one
		 */
		@Nullable String key(String name, String prefix);

	}

}
