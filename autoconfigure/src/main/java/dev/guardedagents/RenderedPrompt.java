package dev.guardedagents;

import java.util.function.Consumer;

import org.springframework.ai.chat.client.ChatClient;

/**
 * A versioned prompt rendered with its variables. Pass it to the request's advisors so
 * that the model step records which prompt version it was given:
 *
 * <pre class="code">
 * RenderedPrompt triage = prompts.render("triage", Map.of("ticket", text));
 * chat.prompt().user(triage.text()).advisors(triage).call().content();
 * </pre>
 *
 * @param name the prompt name: its path under {@code classpath:prompts/} without the
 * extension
 * @param version the version declared in the template, or the start of its hash
 * @param hash the SHA-256 of the template text, in hex
 * @param text the rendered text
 */
public record RenderedPrompt(String name, String version, String hash,
		String text) implements Consumer<ChatClient.AdvisorSpec> {

	/**
	 * The advisor parameter that carries the prompt to the model step.
	 */
	public static final String ADVISOR_PARAM = "guarded-agents.prompt";

	@Override
	public void accept(ChatClient.AdvisorSpec advisors) {
		advisors.param(ADVISOR_PARAM, this);
	}

}
