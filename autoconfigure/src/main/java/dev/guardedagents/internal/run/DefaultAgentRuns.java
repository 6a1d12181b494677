package dev.guardedagents.internal.run;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunNotFoundException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.internal.store.RunRow;
import dev.guardedagents.RunView;
import dev.guardedagents.StepView;
import dev.guardedagents.RunNotFinishedException;
import dev.guardedagents.internal.security.Principals;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.StepRow;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * The {@link AgentRuns} bean. Internal: inject {@link AgentRuns}.
 */
public final class DefaultAgentRuns implements AgentRuns {

	/**
	 * The most runs one bulk retry takes.
	 */
	static final int MAX_RETRIES = 200;

	private final RunEngine engine;

	/**
	 * Creates a new instance.
	 * @param engine the run engine
	 */
	public DefaultAgentRuns(RunEngine engine) {
		this.engine = engine;
	}

	@Override
	public <T> RunHandle<T> start(Supplier<T> call) {
		RunEngine.StartedRun started = this.engine.capture(call::get);
		return new Handle<>(started.runId(), started.returnType());
	}

	@Override
	public RunHandle<Void> start(Runnable call) {
		RunEngine.StartedRun started = this.engine.capture(call);
		return new Handle<>(started.runId(), started.returnType());
	}

	@Override
	public Optional<RunView> find(String runId) {
		return this.engine.store().findRun(runId).map(RunRow::view);
	}

	@Override
	public String export(String runId) {
		return this.engine.export(runId);
	}

	@Override
	public List<StepView> steps(String runId) {
		return this.engine.store().steps(runId).stream().map(StepRow::view).toList();
	}

	@Override
	public Optional<RunHandle<Object>> handle(String runId) {
		return find(runId)
			.map((run) -> new Handle<>(run.id(), this.engine.returnType(run.name()).orElse(Object.class)));
	}

	@Override
	public boolean cancel(String runId) {
		String principal = Principals.currentName();
		return this.engine.cancel(runId, (principal != null) ? principal : "application");
	}

	@Override
	public boolean cancel(String runId, String actor) {
		return this.engine.cancel(runId, actor);
	}

	@Override
	public RunView retry(String runId, String actor) {
		return this.engine.retry(runId, actor).view();
	}

	@Override
	public RunView fork(String runId, int fromStep, String actor) {
		return this.engine.fork(runId, fromStep, actor).view();
	}

	@Override
	public List<String> retryFailed(String name, @Nullable String errorType, int limit, String actor) {
		if (!StringUtils.hasText(name)) {
			throw new IllegalArgumentException("Name the plan whose failed runs to retry");
		}
		if (limit < 1 || limit > MAX_RETRIES) {
			throw new IllegalArgumentException("Retry between 1 and " + MAX_RETRIES + " runs at a time, not " + limit);
		}
		return this.engine.retryFailed(name, errorType, limit, actor);
	}

	@Override
	public boolean send(String runId, String topic, Object payload, @Nullable String key, @Nullable String actor) {
		return this.engine.send(runId, topic, payload, key, actor);
	}

	@Override
	public int purge(String runId) {
		JdbcRunStore.Purge purge = this.engine.store().purge(runId);
		if (purge.status() == null) {
			throw new RunNotFoundException(runId);
		}
		if (purge.activeParent() != null) {
			throw new RunNotFinishedException(runId, purge.status(),
					"Run " + runId + " is a child of run " + purge.activeParent() + ", which has not finished: "
							+ "its replay needs the child; purge it once the parent has ended (or cancel the parent)");
		}
		if (!purge.purged()) {
			throw new RunNotFinishedException(runId, purge.status());
		}
		return purge.rows();
	}

	/**
	 * A handle that knows the type of its run's result.
	 */
	interface Typed {

		Type returnType();

	}

	private final class Handle<T> implements RunHandle<T>, Typed {

		private final String runId;

		private final Type returnType;

		Handle(String runId, Type returnType) {
			this.runId = runId;
			this.returnType = returnType;
		}

		@Override
		public String runId() {
			return this.runId;
		}

		@Override
		public Type returnType() {
			return this.returnType;
		}

		@Override
		public RunStatus status() {
			return find(this.runId).orElseThrow(() -> new RunNotFoundException(this.runId)).status();
		}

		@Override
		@SuppressWarnings("unchecked")
		public T await(Duration timeout) throws TimeoutException, InterruptedException {
			return (T) DefaultAgentRuns.this.engine.await(this.runId, this.returnType, timeout);
		}

		@Override
		public String toString() {
			return "RunHandle[" + this.runId + "]";
		}

	}

}
