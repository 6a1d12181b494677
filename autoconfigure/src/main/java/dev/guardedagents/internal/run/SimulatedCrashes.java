package dev.guardedagents.internal.run;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

/**
 * Crashes that tests ask for ({@code guarded-agents-test}): a run that reaches a crash
 * point stops there as if its instance had died, with nothing after that point recorded
 * and its lease kept (renewed, never released), until
 * {@link RunRecovery#restartCrashed()} resumes it as a restarted instance would. Each
 * point fires once, for the first run that reaches it. Without a point armed, each step
 * pays one volatile read.
 */
public final class SimulatedCrashes {

	private final List<Point> points = new CopyOnWriteArrayList<>();

	private final Set<String> crashed = ConcurrentHashMap.newKeySet();

	private volatile boolean armed;

	/**
	 * Crashes the next run that is about to execute a step of this name, before its body
	 * runs.
	 * @param step the step name
	 */
	public void crashBefore(String step) {
		arm(new Point(When.BEFORE, step, 0));
	}

	/**
	 * Crashes the next run that is about to execute the step at this position, before its
	 * body runs.
	 * @param seq the position, from 1
	 */
	public void crashAt(int seq) {
		if (seq < 1) {
			throw new IllegalArgumentException("Step positions start at 1, not " + seq);
		}
		arm(new Point(When.BEFORE, null, seq));
	}

	/**
	 * Crashes the next run whose step of this name has run its body, before the step is
	 * recorded: the side effect happened, the journal does not know it (a transactional
	 * step has already committed its record with its transaction).
	 * @param step the step name
	 */
	public void crashDuring(String step) {
		arm(new Point(When.DURING, step, 0));
	}

	/**
	 * Crashes the next run right after its step of this name was recorded.
	 * @param step the step name
	 */
	public void crashAfter(String step) {
		arm(new Point(When.AFTER, step, 0));
	}

	/**
	 * Takes the runs that crashed and were not restarted yet.
	 * @return their ids, no longer held as crashed
	 */
	public Set<String> takeCrashed() {
		Set<String> taken = new HashSet<>(this.crashed);
		this.crashed.removeAll(taken);
		return taken;
	}

	/**
	 * Forgets the crash points that did not fire.
	 */
	public void disarm() {
		this.points.clear();
		this.armed = false;
	}

	/**
	 * Whether a run crashed here and waits for a restart: this instance keeps its lease,
	 * as a dead instance's lease stays until it expires.
	 */
	boolean holds(String runId) {
		return this.crashed.contains(runId);
	}

	/**
	 * Returns the runs that crashed here and wait for a restart.
	 * @return a view of their ids
	 */
	public Set<String> held() {
		return Collections.unmodifiableSet(this.crashed);
	}

	void before(Execution execution, int seq, String name) {
		fire(When.BEFORE, execution, seq, name);
	}

	void during(Execution execution, int seq, String name) {
		fire(When.DURING, execution, seq, name);
	}

	void after(Execution execution, int seq, String name) {
		fire(When.AFTER, execution, seq, name);
	}

	private void arm(Point point) {
		this.points.add(point);
		this.armed = true;
	}

	private void fire(When when, Execution execution, int seq, String name) {
		if (!this.armed) {
			return;
		}
		for (Point point : this.points) {
			if (point.matches(when, seq, name) && this.points.remove(point)) {
				this.armed = !this.points.isEmpty();
				this.crashed.add(execution.runId());
				throw RunSignal.crashed(execution.runId(), when.describe(seq, name));
			}
		}
	}

	private enum When {

		BEFORE("before"), DURING("during"), AFTER("after");

		private final String word;

		When(String word) {
			this.word = word;
		}

		String describe(int seq, String name) {
			return this.word + " step " + seq + " '" + name + "'";
		}

	}

	private record Point(When when, @Nullable String name, int seq) {

		boolean matches(When when, int seq, String name) {
			return this.when == when && ((this.name != null) ? this.name.equals(name) : this.seq == seq);
		}

	}

}
