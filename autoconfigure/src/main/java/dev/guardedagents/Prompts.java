package dev.guardedagents;

import java.util.Map;

/**
 * The versioned prompt templates under {@code classpath:prompts/}. A template's name is
 * its path without the extension ({@code prompts/support/triage.st} is
 * {@code support/triage}); its version is declared in a front matter
 * ({@code ---\nversion: 3\n---}) or is the start of its content hash. Each version is
 * stored once in {@code guarded_prompt}; templates use Spring AI's {@code {variable}}
 * syntax.
 */
public interface Prompts {

	/**
	 * Renders a prompt with its variables.
	 * @param name the prompt name
	 * @param variables the variables
	 * @return the rendered prompt, with its version
	 * @throws IllegalArgumentException if there is no prompt of that name
	 */
	RenderedPrompt render(String name, Map<String, ?> variables);

	/**
	 * Renders a prompt without variables.
	 * @param name the prompt name
	 * @return the rendered prompt, with its version
	 * @throws IllegalArgumentException if there is no prompt of that name
	 */
	default RenderedPrompt render(String name) {
		return render(name, Map.of());
	}

}
