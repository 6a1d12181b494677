package dev.guardedagents.internal.llm;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import dev.guardedagents.ModelStreamBrokenException;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.RenderedPrompt;
import dev.guardedagents.RunContext;
import dev.guardedagents.internal.guard.ToolGuard;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.run.ExternalSteps;
import dev.guardedagents.internal.run.RunContextHolder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import org.springframework.ai.chat.client.ChatClientMessageAggregator;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;

/**
 * Makes each model call of a run a journaled {@code LLM} step: guarded with the model's
 * settings, recorded with the request, our record of the response, its tokens, cost and
 * prompt version, and answered from the journal when the run resumes; streamed calls too.
 * Ordered after Spring AI's tool loop, so it sees one call per tool round. Internal: not
 * API.
 */
public final class GuardedModelAdvisor implements CallAdvisor, StreamAdvisor {

	/**
	 * The order: inside the tool-calling loop.
	 */
	public static final int ORDER = ToolCallingAdvisor.DEFAULT_ORDER + 100;

	static final String STEP_NAME = "chat";

	/**
	 * The key, in a streamed request's context, of the run the request belongs to
	 * ({@link GuardedToolsAdvisor} puts it there on the run's thread).
	 */
	static final String CARRIED_RUN = GuardedModelAdvisor.class.getName() + ".run";

	private static final ChatClientMessageAggregator AGGREGATOR = new ChatClientMessageAggregator();

	private static final Log logger = LogFactory.getLog(GuardedModelAdvisor.class);

	private final ExternalSteps steps;

	private final ToolGuards guards;

	private final ModelPricing pricing;

	private final ChatRecords records;

	private final @Nullable ClasspathPrompts prompts;

	private final Set<String> changedPromptsWarned = ConcurrentHashMap.newKeySet();

	GuardedModelAdvisor(ExternalSteps steps, ToolGuards guards, ModelPricing pricing, ChatRecords records,
			@Nullable ClasspathPrompts prompts) {
		this.steps = steps;
		this.guards = guards;
		this.pricing = pricing;
		this.records = records;
		this.prompts = prompts;
	}

	@Override
	public String getName() {
		return "Guarded Agents model steps";
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
		return journaled(request, (asked) -> chain.copy(this).nextCall(asked)).response();
	}

	/**
	 * Streams a model call. Inside a run the call is a journaled step as a call is: its
	 * chunks reach the caller as they come (or, when a policy may stop model outputs,
	 * once the output passed), the step is recorded with the aggregated response when the
	 * stream completes, and a replay emits the recorded response as one chunk without
	 * calling the model. The stream is consumed on the thread that subscribed (the run's,
	 * or the one Spring AI's tool loop continues on, which carries the run), so the run's
	 * steps stay in order. Elsewhere it passes through.
	 */
	@Override
	public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
		ExternalSteps.Carried here = this.steps.carry();
		ExternalSteps.Carried run = (request.context().get(CARRIED_RUN) instanceof ExternalSteps.Carried carried)
				? carried : here;
		if (run == null) {
			return chain.nextStream(request);
		}
		boolean held = this.steps.holdsStreams();
		Flux<ChatClientResponse> stream = Streams.waitedFor((sink) -> {
			// the last attempt: on success, the one whose chunks the step answered with
			AtomicReference<@Nullable Attempt> previous = new AtomicReference<>();
			Answer answer = run.call(() -> journaled(request, (asked) -> {
				Attempt before = previous.get();
				if (before != null && before.shown() > 0) {
					// its chunks reached the caller, then its guard failed it (the time
					// limit, after the body returned)
					throw new ModelStreamBrokenException(before.shown(),
							new IllegalStateException("the attempt was failed by the model's guard after it answered"));
				}
				Attempt attempt = new Attempt(held ? null : sink);
				previous.set(attempt);
				try {
					Streams.drain(AGGREGATOR.aggregateChatClientResponse(chain.copy(this).nextStream(asked),
							attempt::aggregated), attempt::chunk);
					return attempt.response();
				}
				catch (Exception ex) {
					if (attempt.shown() > 0) {
						throw new ModelStreamBrokenException(attempt.shown(), ex);
					}
					throw ex;
				}
				finally {
					attempt.end();
				}
			}));
			if (!answer.live()) {
				sink.next(answer.response());
			}
			else if (held) {
				Objects.requireNonNull(previous.get()).kept().forEach(sink::next);
			}
		});
		// on a Reactor thread, wait on one of ours: the chunks come on Reactor's few
		// threads
		return (here != null) ? stream : stream.subscribeOn(Streams.WAITING);
	}

	/**
	 * One attempt of a streamed call: the chunks it passes on to the caller (or keeps,
	 * when they wait for the policies), and the aggregated response. Chunks that come
	 * after it ended (a late one of a stream cut by the time limit) are dropped.
	 */
	private static final class Attempt {

		private final @Nullable FluxSink<ChatClientResponse> live;

		private final List<ChatClientResponse> kept = new ArrayList<>();

		private final AtomicReference<@Nullable ChatClientResponse> aggregated = new AtomicReference<>();

		private int shown;

		private boolean ended;

		Attempt(@Nullable FluxSink<ChatClientResponse> live) {
			this.live = live;
		}

		synchronized void chunk(ChatClientResponse chunk) {
			if (this.ended) {
				return;
			}
			if (this.live != null) {
				this.live.next(chunk);
				this.shown++;
			}
			else {
				this.kept.add(chunk);
			}
		}

		void aggregated(ChatClientResponse response) {
			this.aggregated.set(response);
		}

		synchronized int shown() {
			return this.shown;
		}

		synchronized void end() {
			this.ended = true;
		}

		synchronized List<ChatClientResponse> kept() {
			return List.copyOf(this.kept);
		}

		ChatClientResponse response() {
			ChatClientResponse response = this.aggregated.get();
			if (response == null) {
				throw new IllegalStateException("The model's stream ended without a response");
			}
			return response;
		}

	}

	/**
	 * Makes a model call a journaled step.
	 * @param request the request
	 * @param exchange the call, live
	 * @return the response: live, or recorded (replayed, or supplied by a reviewer)
	 */
	private Answer journaled(ChatClientRequest request, Exchange exchange) {
		ChatOptions options = request.prompt().getOptions();
		String degradeTo = this.steps.degradeTo();
		ChatClientRequest call = request;
		if (degradeTo != null && options != null) {
			call = request.mutate()
				.prompt(request.prompt().mutate().chatOptions(options.mutate().model(degradeTo).build()).build())
				.build();
		}
		String model = (degradeTo != null) ? degradeTo : (options != null) ? options.getModel() : null;
		ChatClientRequest asked = call;
		RenderedPrompt prompt = (request.context().get(RenderedPrompt.ADVISOR_PARAM) instanceof RenderedPrompt p) ? p
				: null;
		AtomicReference<ChatClientResponse> live = new AtomicReference<>();
		ToolGuard guard = this.guards.model(String.valueOf(model));
		ExternalSteps.Outcome outcome;
		try {
			outcome = this.steps.model(STEP_NAME, model, () -> this.records.writeRequest(asked.prompt(), model), guard,
					() -> {
						ChatClientResponse response = exchange.exchange(asked);
						live.set(response);
						ExternalSteps.ModelCall.Result result = result(response, model, prompt);
						if (result.usage() != null) {
							guard.used(result.usage().inputTokens() + result.usage().outputTokens());
						}
						return result;
					}, (text) -> this.records.supplied(text, model));
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Model call failed: " + ex.getMessage(), ex);
		}
		if (!outcome.replayed() && live.get() != null) {
			return new Answer(live.get(), true);
		}
		if (outcome.replayed()) {
			checkReplayedPrompt(outcome.usage(), prompt);
		}
		if (outcome.usage() != null) {
			checkPrompt(outcome.usage());
		}
		return new Answer(ChatClientResponse.builder()
			.chatResponse(this.records.read(outcome.output()))
			.context(request.context())
			.build(), false);
	}

	private ExternalSteps.ModelCall.Result result(ChatClientResponse response, @Nullable String asked,
			@Nullable RenderedPrompt prompt) {
		ChatResponse chatResponse = response.chatResponse();
		if (chatResponse == null) {
			throw new IllegalStateException("The model returned no response");
		}
		ChatRecords.ResponseRecord record = this.records.record(chatResponse);
		ChatRecords.UsageRecord tokens = record.usage();
		long cached = (tokens.cacheRead() != null) ? tokens.cacheRead() : 0;
		String model = (record.model() != null) ? record.model() : asked;
		BigDecimal cost = this.pricing.cost(record.model(), asked, tokens.input(), cached, tokens.output());
		ModelUsage usage = new ModelUsage(model, (prompt != null) ? prompt.name() : null,
				(prompt != null) ? prompt.version() : null, (prompt != null) ? prompt.hash() : null, tokens.input(),
				tokens.output(), cached, (tokens.reasoning() != null) ? tokens.reasoning() : 0, cost);
		return new ExternalSteps.ModelCall.Result(this.records.write(record), usage);
	}

	/**
	 * Compares the prompt a replayed step recorded with the one the code sends now.
	 */
	private void checkReplayedPrompt(@Nullable ModelUsage usage, @Nullable RenderedPrompt prompt) {
		String recorded = (usage != null) ? usage.promptHash() : null;
		String now = (prompt != null) ? prompt.hash() : null;
		if (!Objects.equals(recorded, now)) {
			this.steps.promptChanged(((recorded != null) ? "prompt '" + usage.promptName() + "' version "
					+ usage.promptVersion() + " (hash " + recorded + ")" : "no versioned prompt")
					+ " where the code now sends " + ((prompt != null) ? "prompt '" + prompt.name() + "' version "
							+ prompt.version() + " (hash " + prompt.hash() + ")" : "no versioned prompt"));
		}
	}

	/**
	 * Says so when the text behind a recorded prompt version changed since the run
	 * recorded it: the run replays what it saw, but its next model calls get the new
	 * text.
	 */
	private void checkPrompt(ModelUsage usage) {
		if (this.prompts == null || usage.promptName() == null || usage.promptHash() == null) {
			return;
		}
		String current = this.prompts.hash(usage.promptName());
		RunContext run = RunContextHolder.current();
		String runId = (run != null) ? run.runId() : "?";
		if (current != null && !current.equals(usage.promptHash())
				&& this.changedPromptsWarned.add(runId + "/" + usage.promptName() + "@" + usage.promptHash())) {
			logger.warn("Run " + runId + " resumed with prompt '" + usage.promptName() + "' version "
					+ usage.promptVersion() + " changed since the run recorded it (recorded hash " + usage.promptHash()
					+ ", now " + current
					+ "); the run replays the recorded responses, and its next model calls get the new text");
		}
	}

	/**
	 * A live call of the model.
	 */
	@FunctionalInterface
	private interface Exchange {

		ChatClientResponse exchange(ChatClientRequest asked) throws Exception;

	}

	/**
	 * The response of a model step.
	 *
	 * @param response the response
	 * @param live whether it came from the model now (a stream's chunks were emitted)
	 */
	private record Answer(ChatClientResponse response, boolean live) {
	}

}
