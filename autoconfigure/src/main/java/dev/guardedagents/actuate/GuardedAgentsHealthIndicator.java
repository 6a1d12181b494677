package dev.guardedagents.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.store.JdbcRunStore;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of the runs of this instance ({@code guardedAgents}): {@code DOWN} when the
 * journal cannot be read; {@code OUT_OF_SERVICE} when more runs than allowed have an
 * expired lease that no instance recovered, more reviews than allowed are past their
 * deadline without the deadline applied, or the run executor is fuller than allowed;
 * {@code UP} otherwise. The details carry the counts either way.
 */
public class GuardedAgentsHealthIndicator implements HealthIndicator {

	private final JdbcRunStore runs;

	private final JdbcReviewStore reviews;

	private final RunEngine engine;

	private final Clock clock;

	private final Thresholds thresholds;

	/**
	 * Creates the indicator.
	 * @param runs the run journal
	 * @param reviews the reviews
	 * @param engine the engine, for its executor
	 * @param clock the clock
	 * @param thresholds what is still healthy
	 */
	public GuardedAgentsHealthIndicator(JdbcRunStore runs, JdbcReviewStore reviews, RunEngine engine, Clock clock,
			Thresholds thresholds) {
		this.runs = runs;
		this.reviews = reviews;
		this.engine = engine;
		this.clock = clock;
		this.thresholds = thresholds;
	}

	@Override
	public Health health() {
		Instant before = this.clock.instant().minus(this.thresholds.grace());
		long expired;
		long overdue;
		try {
			expired = this.runs.countExpired(before);
			overdue = this.reviews.countOverdue(before);
		}
		catch (RuntimeException ex) {
			return Health.down(ex).withDetail("journal", "unreachable").build();
		}
		RunEngine.Load load = this.engine.load();
		double saturation = (load.capacity() > 0) ? (double) load.used() / load.capacity() : 0;
		List<String> problems = new ArrayList<>();
		if (expired > this.thresholds.expiredRuns()) {
			problems.add(expired + " runs have a lease that expired more than " + this.thresholds.grace()
					+ " ago and no instance recovered them (guarded-agents.health.expired-runs="
					+ this.thresholds.expiredRuns() + ")");
		}
		if (overdue > this.thresholds.overdueReviews()) {
			problems.add(overdue + " reviews are more than " + this.thresholds.grace()
					+ " past their deadline without it applied (guarded-agents.health.overdue-reviews="
					+ this.thresholds.overdueReviews() + ")");
		}
		if (saturation > this.thresholds.executorSaturation()) {
			problems.add("the run executor holds " + load.used() + " of " + load.capacity()
					+ " runs (guarded-agents.health.executor-saturation=" + this.thresholds.executorSaturation() + ")");
		}
		Map<String, Object> executor = new LinkedHashMap<>();
		executor.put("used", load.used());
		executor.put("capacity", load.capacity());
		Health.Builder health = new Health.Builder(problems.isEmpty() ? Status.UP : Status.OUT_OF_SERVICE)
			.withDetail("journal", "reachable")
			.withDetail("expiredRuns", expired)
			.withDetail("overdueReviews", overdue)
			.withDetail("executor", executor);
		if (!problems.isEmpty()) {
			health.withDetail("problems", problems);
		}
		return health.build();
	}

	/**
	 * What is still healthy.
	 *
	 * @param grace how long after a lease expired or a deadline passed it counts as not
	 * handled
	 * @param expiredRuns how many runs may have an expired lease not recovered
	 * @param overdueReviews how many reviews may be overdue
	 * @param executorSaturation the largest share of the run executor in use
	 */
	public record Thresholds(Duration grace, long expiredRuns, long overdueReviews, double executorSaturation) {
	}

}
