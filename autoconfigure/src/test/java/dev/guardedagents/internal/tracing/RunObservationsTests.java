package dev.guardedagents.internal.tracing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.CompensationStatus;
import dev.guardedagents.GuardedChatAdvisors;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviewer;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunStatus;
import dev.guardedagents.autoconfigure.GuardedAgentsAutoConfiguration;
import dev.guardedagents.autoconfigure.GuardedAgentsModelsAutoConfiguration;
import dev.guardedagents.autoconfigure.GuardedAgentsObservationAutoConfiguration;
import dev.guardedagents.autoconfigure.GuardedAgentsReviewsAutoConfiguration;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Observations of runs and steps, exported as spans by Micrometer Tracing's in-memory
 * tracer with a propagator, as Spring Boot sets it up: one trace per run, whose start
 * span is the parent of every execution, each executed step a child of its execution, the
 * model step with the GenAI attributes; after a checkpoint the resumed execution joins
 * the same trace and traces only what it executes.
 */
class RunObservationsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:observations;DB_CLOSE_DELAY=-1",
				"spring.datasource.username=sa", "guarded-agents.instance-id=observations",
				"guarded-agents.pricing.fixed.input-per-million=1.00",
				"guarded-agents.pricing.fixed.output-per-million=4.00",
				"guarded-agents.reviews.kinds.compensation.reviewers=desk")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
				AopAutoConfiguration.class, GuardedAgentsAutoConfiguration.class,
				GuardedAgentsReviewsAutoConfiguration.class, GuardedAgentsModelsAutoConfiguration.class,
				GuardedAgentsObservationAutoConfiguration.class))
		.withUserConfiguration(TracedApplication.class);

	@Test
	void aRunWithAToolAModelCallAndACheckpointIsATraceOfSpansPerExecution() {
		this.runner.run((context) -> {
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			Desk desk = context.getBean(Desk.class);
			String runId = context.getBean(AgentRuns.class).start(() -> desk.handle("7")).runId();
			Reviews reviews = context.getBean(Reviews.class);
			ReviewView review = await().atMost(Duration.ofSeconds(20))
				.until(() -> reviews.list(ReviewQuery.pending().withRunId(runId)).reviews(), (list) -> !list.isEmpty())
				.get(0);
			await().atMost(Duration.ofSeconds(10)).until(() -> span(tracer, "run traced-desk") != null);

			SimpleSpan start = span(tracer, "start traced-desk");
			assertThat(start.getTags()).containsEntry("guarded.run.id", runId);
			SimpleSpan firstRun = span(tracer, "run traced-desk");
			assertThat(firstRun.getTraceId()).as("the first execution continues the start's trace")
				.isEqualTo(start.getTraceId());
			assertThat(firstRun.getParentId()).isEqualTo(start.getSpanId());
			assertThat(firstRun.getTags()).containsEntry("guarded.plan", "traced-desk")
				.containsEntry("guarded.run.id", runId)
				.containsEntry("guarded.resumed", "false")
				.containsEntry("guarded.outcome", "stopped");
			SimpleSpan lookup = span(tracer, "tool lookup");
			SimpleSpan chat = span(tracer, "llm chat");
			for (SimpleSpan step : List.of(lookup, chat)) {
				assertThat(step.getTraceId()).isEqualTo(firstRun.getTraceId());
				assertThat(step.getParentId()).isEqualTo(firstRun.getSpanId());
				assertThat(step.getTags()).containsEntry("guarded.outcome", "success")
					.containsEntry("guarded.run.id", runId);
			}
			assertThat(lookup.getTags()).containsEntry("guarded.step.kind", "TOOL")
				.containsEntry("guarded.step.seq", "1");
			assertThat(chat.getTags()).containsEntry("guarded.step.kind", "LLM")
				.containsEntry("gen_ai.operation.name", "chat")
				.containsEntry("gen_ai.request.model", "fixed-latest")
				.containsEntry("gen_ai.response.model", "fixed")
				.containsEntry("gen_ai.usage.input_tokens", "12")
				.containsEntry("gen_ai.usage.output_tokens", "3")
				.containsEntry("guarded.cost", "0.000024");

			reviews.decide(review.id(), ReviewDecision.approve("ann"), Reviewer.of("ann", "desk"));
			await().atMost(Duration.ofSeconds(20))
				.until(() -> context.getBean(AgentRuns.class)
					.find(runId)
					.orElseThrow()
					.status() == RunStatus.SUCCEEDED);
			await().atMost(Duration.ofSeconds(10)).until(() -> spans(tracer, "run traced-desk").size() == 2);

			SimpleSpan resumed = spans(tracer, "run traced-desk").stream()
				.filter((span) -> "true".equals(span.getTags().get("guarded.resumed")))
				.findFirst()
				.orElseThrow();
			assertThat(resumed.getTags()).containsEntry("guarded.outcome", "succeeded");
			assertThat(resumed.getTraceId()).as("the resumed execution joins the run's trace")
				.isEqualTo(start.getTraceId());
			assertThat(resumed.getParentId()).isEqualTo(start.getSpanId());
			assertThat(spans(tracer, "start traced-desk")).as("one start per run").hasSize(1);
			SimpleSpan refund = span(tracer, "tool refund");
			assertThat(refund.getParentId()).isEqualTo(resumed.getSpanId());
			assertThat(refund.getTraceId()).isEqualTo(resumed.getTraceId());
			assertThat(spans(tracer, "tool lookup")).as("replayed steps execute nothing and are not traced").hasSize(1);
			assertThat(spans(tracer, "llm chat")).hasSize(1);
		});
	}

	@Test
	void aCompensationIsAStepOfTheExecutionThatUndoes() {
		this.runner.run((context) -> {
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			Desk desk = context.getBean(Desk.class);
			AgentRuns runs = context.getBean(AgentRuns.class);
			String runId = runs.start(() -> desk.reserveThenFail("9")).runId();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> runs.find(runId).orElseThrow().compensation() == CompensationStatus.COMPENSATED);
			await().atMost(Duration.ofSeconds(10)).until(() -> span(tracer, "run traced-undo") != null);

			SimpleSpan run = span(tracer, "run traced-undo");
			assertThat(run.getTags()).containsEntry("guarded.outcome", "failed");
			SimpleSpan undo = span(tracer, "compensation reserve");
			assertThat(undo.getTraceId()).isEqualTo(run.getTraceId());
			assertThat(undo.getParentId()).as("compensating is part of the execution that failed")
				.isEqualTo(run.getSpanId());
			assertThat(undo.getTags()).containsEntry("guarded.step.kind", "COMPENSATION")
				.containsEntry("guarded.step.name", "reserve")
				.containsEntry("guarded.step.seq", "2")
				.containsEntry("guarded.outcome", "success")
				.containsEntry("guarded.run.id", runId);
			assertThat(context.getBean(Tools.class).released()).containsExactly("9");
		});
	}

	@Test
	void observationsCanBeTurnedOffByTheRegistry() {
		this.runner
			.withBean("offPredicate", ObservationPredicate.class, () -> (name, context) -> !name.startsWith("guarded."))
			.run((context) -> {
				SimpleTracer tracer = context.getBean(SimpleTracer.class);
				Desk desk = context.getBean(Desk.class);
				String runId = context.getBean(AgentRuns.class).start(() -> desk.lookupOnly("8")).runId();
				await().atMost(Duration.ofSeconds(20))
					.until(() -> context.getBean(AgentRuns.class).find(runId).orElseThrow().status(),
							Predicate.isEqual(RunStatus.SUCCEEDED));
				assertThat(tracer.getSpans()).isEmpty();
			});
	}

	private static SimpleSpan span(SimpleTracer tracer, String name) {
		List<SimpleSpan> named = spans(tracer, name);
		return named.isEmpty() ? null : named.get(0);
	}

	private static List<SimpleSpan> spans(SimpleTracer tracer, String name) {
		return tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class TracedApplication {

		@Bean
		SimpleTracer tracer() {
			return new SimpleTracer();
		}

		@Bean
		ObservationRegistry observationRegistry(SimpleTracer tracer, ObjectProvider<ObservationPredicate> predicates) {
			ObservationRegistry registry = ObservationRegistry.create();
			Propagator propagator = new TraceparentPropagator(tracer);
			registry.observationConfig()
				.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
						new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
						new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
						new DefaultTracingObservationHandler(tracer)));
			predicates.orderedStream().forEach(registry.observationConfig()::observationPredicate);
			return registry;
		}

		@Bean
		Tools tools() {
			return new Tools();
		}

		@Bean
		Desk desk(Tools tools, GuardedChatAdvisors advisors) {
			return new Desk(tools,
					ChatClient.builder(new FixedModel()).defaultAdvisors(advisors.tools(), advisors.model()).build());
		}

	}

	public static class Tools {

		@GuardedTool(name = "lookup")
		public String lookup(String order) {
			return "order " + order;
		}

		private final List<String> released = new CopyOnWriteArrayList<>();

		public List<String> released() {
			return this.released;
		}

		@GuardedTool(name = "reserve", compensation = "release")
		public String reserve(String order) {
			return "reserved " + order;
		}

		public void release(String order) {
			this.released.add(order);
		}

		@HumanCheckpoint(name = "refund", reviewers = "desk", timeout = "1h")
		@GuardedTool(name = "refund")
		public String refund(String order) {
			return "refunded " + order;
		}

	}

	public static class Desk {

		private final Tools tools;

		private final ChatClient chat;

		public Desk(Tools tools, ChatClient chat) {
			this.tools = tools;
			this.chat = chat;
		}

		@AgentRun(name = "traced-desk")
		public String handle(String order) {
			String found = this.tools.lookup(order);
			this.chat.prompt()
				.user("Refund " + found + "?")
				.options(ChatOptions.builder().model("fixed-latest"))
				.call()
				.content();
			return this.tools.refund(order);
		}

		@AgentRun(name = "traced-undo")
		public String reserveThenFail(String order) {
			this.tools.reserve(order);
			throw new IllegalStateException("No stock for order " + order);
		}

		@AgentRun(name = "traced-lookup")
		public String lookupOnly(String order) {
			return this.tools.lookup(order);
		}

	}

	static class FixedModel implements ChatModel {

		@Override
		public ChatResponse call(Prompt prompt) {
			return ChatResponse.builder()
				.generations(List.of(new Generation(AssistantMessage.builder().content("yes").build())))
				.metadata(ChatResponseMetadata.builder().model("fixed").usage(new DefaultUsage(12, 3)).build())
				.build();
		}

	}

	/**
	 * Propagates a W3C {@code traceparent} with the in-memory tracer, as the
	 * OpenTelemetry and Brave bridges do with theirs.
	 */
	static final class TraceparentPropagator implements Propagator {

		private final Tracer tracer;

		TraceparentPropagator(Tracer tracer) {
			this.tracer = tracer;
		}

		@Override
		public List<String> fields() {
			return List.of("traceparent");
		}

		@Override
		public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
			setter.set(carrier, "traceparent", "00-" + context.traceId() + "-" + context.spanId() + "-01");
		}

		@Override
		public <C> Span.Builder extract(C carrier, Getter<C> getter) {
			String traceparent = getter.get(carrier, "traceparent");
			if (traceparent == null) {
				return this.tracer.spanBuilder();
			}
			String[] parts = traceparent.split("-");
			return this.tracer.spanBuilder()
				.setParent(this.tracer.traceContextBuilder().traceId(parts[1]).spanId(parts[2]).sampled(true).build());
		}

	}

}
