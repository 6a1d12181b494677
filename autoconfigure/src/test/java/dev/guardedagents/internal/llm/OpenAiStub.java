package dev.guardedagents.internal.llm;

import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.jspecify.annotations.Nullable;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A local HTTP stub of OpenAI's chat completions, answering realistic JSON with usage and
 * tool calls, and counting the requests Spring AI's real OpenAI client makes.
 */
public final class OpenAiStub {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	public OpenAiStub() {
		this.server.start();
	}

	public void register(DynamicPropertyRegistry registry) {
		registry.add("spring.ai.openai.base-url", () -> this.server.baseUrl() + "/v1");
		registry.add("spring.ai.openai.api-key", () -> "test-key");
		registry.add("spring.ai.openai.chat.model", () -> "gpt-lab");
		registry.add("spring.ai.openai.max-retries", () -> "0");
	}

	public String baseUrl() {
		return this.server.baseUrl();
	}

	public WireMockServer server() {
		return this.server;
	}

	/**
	 * Answers requests whose user message contains {@code marker}: with a call of
	 * {@code tool} first, and with {@code answer} once the tool answered.
	 */
	public void toolRound(String marker, String tool, String arguments, String answer) {
		this.server.stubFor(WireMock.post("/v1/chat/completions")
			.atPriority(1)
			.withRequestBody(WireMock.containing(marker))
			.withRequestBody(WireMock.matchingJsonPath("$.messages[?(@.role == 'tool')]"))
			.willReturn(WireMock.okJson(answer(answer, 150000, 5000, 0))));
		this.server.stubFor(WireMock.post("/v1/chat/completions")
			.atPriority(2)
			.withRequestBody(WireMock.containing(marker))
			.willReturn(WireMock.okJson(toolCall(tool, arguments, 120000, 30000, 20000))));
	}

	/**
	 * Answers requests whose user message contains {@code marker} with {@code rounds}
	 * calls of {@code tool} in a row (each with the argument {@code city-<round>}), then
	 * with {@code answer}.
	 */
	public void toolRounds(String marker, String tool, int rounds, String answer) {
		String scenario = "rounds-" + marker;
		for (int round = 0; round <= rounds; round++) {
			String state = (round == 0) ? Scenario.STARTED : "round-" + round;
			this.server.stubFor(
					WireMock.post("/v1/chat/completions")
						.atPriority(1)
						.inScenario(scenario)
						.whenScenarioStateIs(state)
						.withRequestBody(WireMock.containing(marker))
						.willReturn(WireMock.okJson((round < rounds)
								? toolCall(tool, "{\"city\":\"city-" + round + "\"}", 1000 + round, 20, 0)
								: answer(answer, 1000 + round, 20, 0)))
						.willSetStateTo("round-" + (round + 1)));
		}
	}

	/**
	 * Answers requests that contain {@code marker} with {@code answer}.
	 */
	public void answer(String marker, String answer, int input, int output) {
		this.server.stubFor(WireMock.post("/v1/chat/completions")
			.atPriority(3)
			.withRequestBody(WireMock.containing(marker))
			.willReturn(WireMock.okJson(answer(answer, input, output, 0))));
	}

	/**
	 * Answers requests that contain {@code marker} with {@code answer}, as {@code model}.
	 */
	public void answerAs(String marker, String model, String answer, int input, int output) {
		this.server.stubFor(WireMock.post("/v1/chat/completions")
			.atPriority(3)
			.withRequestBody(WireMock.containing(marker))
			.willReturn(WireMock.okJson(answer(answer, input, output, 0).replace("gpt-lab-2026", model))));
	}

	/**
	 * Fails requests that contain {@code marker} with a server error, below every answer
	 * in priority: an answer stubbed later for the marker wins.
	 */
	public void fail(String marker) {
		this.server.stubFor(WireMock.post("/v1/chat/completions")
			.atPriority(9)
			.withRequestBody(WireMock.containing(marker))
			.willReturn(WireMock.serverError().withBody("{\"error\":{\"message\":\"overloaded\"}}")));
	}

	/**
	 * Answers streamed requests that contain {@code marker} with {@code chunks} of text
	 * as server-sent events, then a chunk with the usage, as OpenAI streams.
	 */
	public void streamAnswer(String marker, List<String> chunks, int input, int output) {
		this.server.stubFor(WireMock.post("/v1/chat/completions")
			.atPriority(3)
			.withRequestBody(WireMock.containing(marker))
			.withRequestBody(WireMock.matchingJsonPath("$[?(@.stream == true)]"))
			.willReturn(events(textChunks(chunks, input, output))));
	}

	/**
	 * Answers the first streamed request that contains {@code marker} after a delay, and
	 * the next ones at once, with {@code chunks}.
	 */
	public void streamAnswerSlowlyOnce(String marker, List<String> chunks, int delayMillis) {
		String scenario = "slow-" + marker;
		this.server.stubFor(WireMock.post("/v1/chat/completions")
			.atPriority(3)
			.inScenario(scenario)
			.whenScenarioStateIs(Scenario.STARTED)
			.withRequestBody(WireMock.containing(marker))
			.willReturn(events(textChunks(chunks, 100, 20)).withFixedDelay(delayMillis))
			.willSetStateTo("fast"));
		this.server.stubFor(WireMock.post("/v1/chat/completions")
			.atPriority(3)
			.inScenario(scenario)
			.whenScenarioStateIs("fast")
			.withRequestBody(WireMock.containing(marker))
			.willReturn(events(textChunks(chunks, 100, 20))));
	}

	/**
	 * Answers streamed requests that contain {@code marker} with {@code chunks}, the body
	 * sent in four parts over {@code millis}: the first events come at once, the rest
	 * late.
	 */
	public void streamAnswerSlowly(String marker, List<String> chunks, int millis) {
		this.server.stubFor(WireMock.post("/v1/chat/completions")
			.atPriority(3)
			.withRequestBody(WireMock.containing(marker))
			.willReturn(events(textChunks(chunks, 100, 20)).withChunkedDribbleDelay(4, millis)));
	}

	/**
	 * Answers streamed requests that contain {@code marker}: with a streamed call of
	 * {@code tool} first, and with {@code chunks} once the tool answered.
	 */
	public void streamToolRound(String marker, String tool, String arguments, List<String> chunks) {
		this.server.stubFor(WireMock.post("/v1/chat/completions")
			.atPriority(1)
			.withRequestBody(WireMock.containing(marker))
			.withRequestBody(WireMock.matchingJsonPath("$[?(@.stream == true)]"))
			.withRequestBody(WireMock.matchingJsonPath("$.messages[?(@.role == 'tool')]"))
			.willReturn(events(textChunks(chunks, 900, 30))));
		String call = """
				{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_%s","type":"function",
				 "function":{"name":"%s","arguments":"%s"}}]}""".formatted(tool, tool, arguments.replace("\"", "\\\""));
		this.server.stubFor(WireMock.post("/v1/chat/completions")
			.atPriority(2)
			.withRequestBody(WireMock.containing(marker))
			.withRequestBody(WireMock.matchingJsonPath("$[?(@.stream == true)]"))
			.willReturn(events(List.of(chunk(call, null), chunk("{}", "tool_calls"), usageChunk(800, 20)))));
	}

	private static List<String> textChunks(List<String> chunks, int input, int output) {
		List<String> events = new ArrayList<>();
		for (int i = 0; i < chunks.size(); i++) {
			events.add(chunk(
					((i == 0) ? "{\"role\":\"assistant\",\"content\":\"" : "{\"content\":\"") + chunks.get(i) + "\"}",
					null));
		}
		events.add(chunk("{}", "stop"));
		events.add(usageChunk(input, output));
		return events;
	}

	private static String chunk(String delta, @Nullable String finishReason) {
		return """
				{"id":"chatcmpl-stream","object":"chat.completion.chunk","created":1760000002,"model":"gpt-lab-2026",\
				"choices":[{"index":0,"delta":%s,"finish_reason":%s}]}""".formatted(delta.replace("\n", ""),
				(finishReason != null) ? "\"" + finishReason + "\"" : "null");
	}

	private static String usageChunk(int input, int output) {
		return """
				{"id":"chatcmpl-stream","object":"chat.completion.chunk","created":1760000002,"model":"gpt-lab-2026",\
				"choices":[],"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}""".formatted(input,
				output, input + output);
	}

	private static ResponseDefinitionBuilder events(List<String> events) {
		StringBuilder body = new StringBuilder();
		for (String event : events) {
			body.append("data: ").append(event).append("\n\n");
		}
		body.append("data: [DONE]\n\n");
		return WireMock.aResponse().withHeader("Content-Type", "text/event-stream").withBody(body.toString());
	}

	public int requests(String marker) {
		return this.server
			.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/v1/chat/completions"))
				.withRequestBody(WireMock.containing(marker)))
			.size();
	}

	public int requests(String marker, String model) {
		return this.server
			.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/v1/chat/completions"))
				.withRequestBody(WireMock.containing(marker))
				.withRequestBody(WireMock.matchingJsonPath("$.model", WireMock.equalTo(model))))
			.size();
	}

	static String answer(String text, int input, int output, int cached) {
		return """
				{"id":"chatcmpl-answer","object":"chat.completion","created":1760000001,"model":"gpt-lab-2026",
				 "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"%s"}}],
				 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,
				   "prompt_tokens_details":{"cached_tokens":%d},"completion_tokens_details":{"reasoning_tokens":4}}}
				""".formatted(text, input, output, input + output, cached);
	}

	static String toolCall(String tool, String arguments, int input, int output, int cached) {
		return """
				{"id":"chatcmpl-tool","object":"chat.completion","created":1760000000,"model":"gpt-lab-2026",
				 "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
				   "tool_calls":[{"id":"call_%s","type":"function","function":{"name":"%s","arguments":"%s"}}]}}],
				 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,
				   "prompt_tokens_details":{"cached_tokens":%d}}}
				""".formatted(tool, tool, arguments.replace("\"", "\\\""), input, output, input + output, cached);
	}

}
