package dev.guardedagents.internal.run;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunContext;
import dev.guardedagents.RunFailedException;
import dev.guardedagents.RunHandle;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Parents and children for the child run tests: a parent starts two children and waits
 * for both; each child reserves an item (compensated by {@link Saga#release}) and waits
 * for a message on {@code go}. State is static: CGLIB proxies do not share their targets'
 * fields.
 */
class Family {

	/**
	 * How often the children's work step ran its body.
	 */
	static final AtomicInteger works = new AtomicInteger();

	/**
	 * How often the parents' plans were entered.
	 */
	static final AtomicInteger parents = new AtomicInteger();

	private final ObjectProvider<AgentRuns> runs;

	private final Kids kids;

	Family(ObjectProvider<AgentRuns> runs, Kids kids) {
		this.runs = runs;
		this.kids = kids;
	}

	@AgentRun(name = "family")
	public String family(String order) {
		parents.incrementAndGet();
		RunHandle<String> first = this.runs.getObject().start(() -> this.kids.kid(order + "-a"));
		RunHandle<String> second = this.runs.getObject().start(() -> this.kids.kid(order + "-b"));
		return RunContext.await(first) + "|" + RunContext.await(second);
	}

	@AgentRun(name = "family-failing")
	public String failing(String order) {
		this.runs.getObject().start(() -> this.kids.kid(order + "-w"));
		RunHandle<String> failing = this.runs.getObject().start(() -> this.kids.failing(order));
		try {
			return RunContext.await(failing);
		}
		catch (RunFailedException ex) {
			throw new IllegalStateException("child " + ex.getRunId() + " failed with " + ex.getErrorType());
		}
	}

	static class Kids {

		private final Saga saga;

		Kids(Saga saga) {
			this.saga = saga;
		}

		@AgentRun(name = "kid")
		public String kid(String item) {
			this.saga.reserve(item);
			String go = RunContext.receive("go", String.class, Duration.ofHours(1)).orElse("late");
			return RunContext.step("work", () -> {
				works.incrementAndGet();
				return item + ":" + go;
			});
		}

		@AgentRun(name = "kid-failing")
		public String failing(String order) {
			throw new IllegalStateException("no stock for " + order);
		}

	}

}
