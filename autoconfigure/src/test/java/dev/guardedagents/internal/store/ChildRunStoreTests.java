package dev.guardedagents.internal.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import dev.guardedagents.RunStatus;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Child runs in the store: a parent that waits for a child wakes when the child has ended
 * (at once, or by any recovery scan when the child's instance could not wake it), and the
 * children that have not ended of a parent that failed are found for recovery to cancel.
 * Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class ChildRunStoreTests {

	private JdbcRunStore runs;

	abstract DataSource dataSource();

	@BeforeEach
	void createStore() {
		DataSource dataSource = dataSource();
		GuardedAgentsSchemaInitializer initializer = new GuardedAgentsSchemaInitializer(dataSource, "guarded_agents",
				null);
		initializer.afterPropertiesSet();
		this.runs = new JdbcRunStore(dataSource, initializer.getSchema());
	}

	@Test
	void aParentWaitingForAChildWakesOnlyOnceTheChildHasEnded() {
		Instant now = Instant.now();
		String parent = insert(null, now);
		String child = insert(parent, now);
		String other = insert(parent, now);
		assertThat(this.runs.sleep(parent, 1, null, JdbcRunStore.CHILD_TOPIC + child, now)).isTrue();
		RunRow waiting = this.runs.findRun(parent).orElseThrow();
		assertThat(waiting.status()).isEqualTo(RunStatus.WAITING);
		assertThat(waiting.wakeAt()).as("no deadline").isNull();
		assertThat(this.runs.findRun(child).orElseThrow().parentId()).isEqualTo(parent);
		assertThat(this.runs.children(parent, 10)).extracting(RunRow::id).containsExactlyInAnyOrder(child, other);
		assertThat(this.runs.childCount(parent)).isEqualTo(2);

		assertThat(this.runs.wakeAwaiting(child, now)).as("the child runs").isFalse();
		assertThat(this.runs.wake(now.plusSeconds(3600))).as("nor does a scan wake it").isZero();
		assertThat(this.runs.finish(other, 1, RunStatus.SUCCEEDED, "\"ok\"", null, null, 0, now)).isTrue();
		assertThat(this.runs.wakeAwaiting(other, now)).as("another child ended").isFalse();
		assertThat(this.runs.wake(now)).isZero();

		assertThat(this.runs.finish(child, 1, RunStatus.FAILED, null, "x.Y", "no", 0, now)).isTrue();
		assertThat(this.runs.wake(now)).as("the scan wakes it, the child could not").isEqualTo(1);
		RunRow woken = this.runs.findRun(parent).orElseThrow();
		assertThat(woken.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(woken.waitTopic()).isNull();
		assertThat(this.runs.wakeAwaiting(child, now)).as("once").isFalse();
	}

	@Test
	void aRunThatAwaitsARunItDidNotStartIsWokenByTheScanOnceThatRunHasEnded() {
		Instant now = Instant.now();
		String other = insert(null, now);
		String waiter = insert(null, now);
		assertThat(this.runs.sleep(waiter, 1, null, JdbcRunStore.CHILD_TOPIC + other, now)).isTrue();
		assertThat(this.runs.wake(now)).isZero();
		assertThat(this.runs.finish(other, 1, RunStatus.SUCCEEDED, "\"ok\"", null, null, 0, now)).isTrue();
		assertThat(this.runs.wake(now)).isEqualTo(1);
		assertThat(this.runs.findRun(waiter).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
		String late = insert(null, now);
		assertThat(this.runs.sleep(late, 1, null, JdbcRunStore.CHILD_TOPIC + other, now)).isTrue();
		assertThat(this.runs.wakeAwaiting(other, now)).as("or by a look at the run's end").isTrue();
		assertThat(this.runs.findRun(late).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
		String orphan = insert(null, now);
		assertThat(this.runs.sleep(orphan, 1, null, JdbcRunStore.CHILD_TOPIC + UUID.randomUUID(), now)).isTrue();
		assertThat(this.runs.wake(now)).as("a run that awaits a run that is gone wakes to be told so").isEqualTo(1);
	}

	@Test
	void aChildIsKeptWhileItsParentHasNotEnded() {
		Instant now = Instant.now();
		String parent = insert(null, now);
		String child = insert(parent, now);
		assertThat(this.runs.finish(child, 1, RunStatus.SUCCEEDED, "\"ok\"", null, null, 0, now)).isTrue();
		JdbcRunStore.Purge kept = this.runs.purge(child);
		assertThat(kept.purged()).isFalse();
		assertThat(kept.activeParent()).isEqualTo(parent);
		assertThat(this.runs.prune(RunStatus.SUCCEEDED, now.plusSeconds(60), 10).runs()).isZero();
		assertThat(this.runs.finish(parent, 1, RunStatus.SUCCEEDED, "\"ok\"", null, null, 0, now)).isTrue();
		assertThat(this.runs.prune(RunStatus.SUCCEEDED, now.plusSeconds(60), 10).runs()).isEqualTo(2);
	}

	@Test
	void theUnfinishedChildrenOfAFailedParentAreFoundForRecoveryToCancel() {
		Instant now = Instant.now();
		String parent = insert(null, now);
		String running = insert(parent, now);
		String done = insert(parent, now);
		assertThat(this.runs.finish(done, 1, RunStatus.SUCCEEDED, "\"ok\"", null, null, 0, now)).isTrue();
		assertThat(this.runs.unfinishedChildren(parent)).containsExactly(running);
		assertThat(this.runs.orphans(10)).as("the parent runs").isEmpty();
		assertThat(this.runs.finish(parent, 1, RunStatus.FAILED, null, "x.Y", "no", 0, now)).isTrue();
		assertThat(this.runs.orphans(10)).singleElement()
			.satisfies((orphan) -> assertThat(List.of(orphan)).containsExactly(running, parent));
	}

	private String insert(String parent, Instant now) {
		String id = UUID.randomUUID().toString();
		assertThat(this.runs.insertRun(
				new NewRun(id, "family", "1", "[]", null, null, "here", now, now.plusSeconds(60), null, null, parent),
				false, 0))
			.isEqualTo(JdbcRunStore.Admission.STARTED);
		return id;
	}

}
