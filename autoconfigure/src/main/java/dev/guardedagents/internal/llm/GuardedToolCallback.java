package dev.guardedagents.internal.llm;

import dev.guardedagents.StepFailedException;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.run.ExternalSteps;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.ai.tool.metadata.ToolMetadata;

/**
 * A tool the model may call, guarded and (inside a run) journaled as a {@code TOOL} step.
 * A {@code @Tool} method that carries {@code @GuardedTool} or {@code @HumanCheckpoint} is
 * journaled and guarded by its bean's proxy instead, with its own settings. Either way
 * the engine's control signals (a checkpoint that parks the run, a cancellation) leave
 * the tool loop instead of becoming text for the model. In a streamed call the tool runs
 * on a thread of Reactor's, to which the callback carries the run.
 */
final class GuardedToolCallback implements ToolCallback {

	private final ToolCallback delegate;

	private final ExternalSteps steps;

	private final ToolGuards guards;

	private final AgentRunRegistry registry;

	private final ExternalSteps.@Nullable Carried run;

	/**
	 * Guards a tool.
	 * @param run the run a streamed call carries to the thread the tool is called on, or
	 * {@code null} for the run of the calling thread
	 */
	GuardedToolCallback(ToolCallback delegate, ExternalSteps steps, ToolGuards guards, AgentRunRegistry registry,
			ExternalSteps.@Nullable Carried run) {
		this.delegate = delegate;
		this.steps = steps;
		this.guards = guards;
		this.registry = registry;
		this.run = run;
	}

	@Override
	public ToolDefinition getToolDefinition() {
		return this.delegate.getToolDefinition();
	}

	@Override
	public ToolMetadata getToolMetadata() {
		return this.delegate.getToolMetadata();
	}

	@Override
	public String call(String toolInput) {
		return call(toolInput, null);
	}

	@Override
	public String call(String toolInput, @Nullable ToolContext toolContext) {
		if (this.run == null) {
			return guardedCall(toolInput, toolContext);
		}
		try {
			return this.run.call(() -> guardedCall(toolInput, toolContext));
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new ToolExecutionException(getToolDefinition(), ex);
		}
	}

	private String guardedCall(String toolInput, @Nullable ToolContext toolContext) {
		String name = getToolDefinition().name();
		if (this.registry.isAdvisedTool(name)) {
			return unwrapped(toolInput, toolContext);
		}
		try {
			return this.steps.tool(name, toolInput, this.guards.tool(name), () -> unwrapped(toolInput, toolContext));
		}
		catch (ToolExecutionException | Error ex) {
			throw ex;
		}
		catch (StepFailedException ex) {
			// a failure replayed from the journal: the model gets the text it got the
			// first time
			throw new ToolExecutionException(getToolDefinition(), new IllegalStateException(ex.getRecordedMessage()));
		}
		catch (Throwable ex) {
			throw new ToolExecutionException(getToolDefinition(), ex);
		}
	}

	private String unwrapped(String toolInput, @Nullable ToolContext toolContext) {
		try {
			return this.delegate.call(toolInput, toolContext);
		}
		catch (ToolExecutionException ex) {
			if (ex.getCause() instanceof Error signal) {
				throw signal;
			}
			throw ex;
		}
	}

}
