package dev.guardedagents.internal.store;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.StepKind;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What model calls cost over a time range, grouped by plan, business key, model and UTC
 * day: tools and calls outside the range count nothing, unpriced calls are counted apart.
 */
abstract class SpendTests {

	private static final Instant LATE_ON_NOV_30 = Instant.parse("2026-11-30T23:30:00Z");

	private static final Instant EARLY_ON_DEC_1 = Instant.parse("2026-12-01T00:30:00Z");

	private static final Instant FROM = Instant.parse("2026-11-30T00:00:00Z");

	private static final Instant TO = Instant.parse("2026-12-02T00:00:00Z");

	private JdbcRunStore store;

	abstract DataSource dataSource();

	@BeforeEach
	void recordRuns() {
		DataSource dataSource = dataSource();
		GuardedAgentsSchemaInitializer initializer = new GuardedAgentsSchemaInitializer(dataSource, "guarded_agents",
				null);
		initializer.afterPropertiesSet();
		this.store = new JdbcRunStore(dataSource, initializer.getSchema(), Duration.ZERO, 8, PayloadCipher.NONE);
		String refund1 = run("refunds", "ticket-1");
		call(refund1, 1, LATE_ON_NOV_30, "gpt-a", 100, 10, "0.0100");
		tool(refund1, 2, LATE_ON_NOV_30);
		call(refund1, 3, EARLY_ON_DEC_1, "gpt-b", 200, 20, "0.0200");
		String refund2 = run("refunds", "ticket-2");
		call(refund2, 1, EARLY_ON_DEC_1, "gpt-a", 50, 5, "0.0050");
		call(refund2, 2, TO, "gpt-a", 1000, 100, "1.0000");
		String triage = run("triage", null);
		call(triage, 1, EARLY_ON_DEC_1, "local", 30, 3, null);
	}

	@Test
	void byPlanMostExpensiveFirstWithTheRangesTotal() {
		Spend spend = this.store.spend(Spend.By.PLAN, FROM, TO, 0, 10);
		assertThat(spend.groups()).containsExactly(group("refunds", 2, 3, 350, 35, "0.035", 0),
				group("triage", 1, 1, 30, 3, "0", 1));
		assertThat(spend.total()).isEqualTo(group(null, 3, 4, 380, 38, "0.035", 1));
		assertThat(spend.groupCount()).isEqualTo(2);
	}

	@Test
	void byBusinessKeyModelAndUtcDay() {
		assertThat(this.store.spend(Spend.By.BUSINESS_KEY, FROM, TO, 0, 10).groups()).extracting(Spend.Group::key)
			.containsExactly("ticket-1", "ticket-2", null);
		assertThat(this.store.spend(Spend.By.MODEL, FROM, TO, 0, 10).groups()).containsExactly(
				group("gpt-b", 1, 1, 200, 20, "0.02", 0), group("gpt-a", 2, 2, 150, 15, "0.015", 0),
				group("local", 1, 1, 30, 3, "0", 1));
		assertThat(this.store.spend(Spend.By.DAY, FROM, TO, 0, 10).groups()).containsExactly(
				group("2026-12-01", 3, 3, 280, 28, "0.025", 1), group("2026-11-30", 1, 1, 100, 10, "0.01", 0));
	}

	@Test
	void pagesOfGroups() {
		Spend second = this.store.spend(Spend.By.MODEL, FROM, TO, 1, 2);
		assertThat(second.groups()).extracting(Spend.Group::key).containsExactly("local");
		assertThat(second.groupCount()).isEqualTo(3);
		assertThat(this.store.spend(Spend.By.MODEL, TO, TO.plusSeconds(60), 0, 10).groups()).singleElement()
			.isEqualTo(group("gpt-a", 1, 1, 1000, 100, "1", 0));
	}

	private static Spend.Group group(@Nullable String key, long runs, long calls, long input, long output, String cost,
			long unpriced) {
		return new Spend.Group(key, runs, calls, input, output, new BigDecimal(cost).stripTrailingZeros(), unpriced);
	}

	private String run(String name, @Nullable String businessKey) {
		String id = UUID.randomUUID().toString();
		Instant now = Instant.now();
		this.store.insertRun(new NewRun(id, name, "1", "[]", businessKey, null, "here", now, now.plusSeconds(60)));
		return id;
	}

	private void call(String runId, int seq, Instant at, String model, long input, long output, @Nullable String cost) {
		this.store.insertStep(runId, 1,
				NewStep.succeeded(seq, StepKind.LLM, "chat", runId + "/" + seq, at, Duration.ofMillis(5), "{}", "{}")
					.withUsage(new ModelUsage(model, null, null, null, input, output, 0, 0,
							(cost != null) ? new BigDecimal(cost) : null)));
	}

	private void tool(String runId, int seq, Instant at) {
		this.store.insertStep(runId, 1, NewStep.succeeded(seq, StepKind.TOOL, "lookup", runId + "/" + seq, at,
				Duration.ofMillis(5), "[]", "1"));
	}

}
