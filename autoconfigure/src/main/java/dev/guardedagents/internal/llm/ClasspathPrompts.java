package dev.guardedagents.internal.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.guardedagents.Prompts;
import dev.guardedagents.RenderedPrompt;
import dev.guardedagents.internal.store.JdbcPromptStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.prompt.PromptTemplate;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.util.StreamUtils;

/**
 * The prompt templates under {@code classpath:prompts/}, loaded and stored once at
 * start-up. Internal: not API.
 */
public final class ClasspathPrompts implements Prompts {

	private static final Log logger = LogFactory.getLog(ClasspathPrompts.class);

	private static final Pattern FRONT_MATTER = Pattern.compile("\\A---\\R(.*?)\\R---\\R?(.*)\\z", Pattern.DOTALL);

	private static final Pattern VERSION = Pattern.compile("(?m)^version:\\s*(\\S+)\\s*$");

	private final Map<String, Template> templates;

	/**
	 * Loads the templates and stores their versions.
	 * @param resolver the resolver of the class path
	 * @param store the store of prompt versions
	 * @param clock the clock
	 */
	public ClasspathPrompts(ResourcePatternResolver resolver, JdbcPromptStore store, Clock clock) {
		this.templates = load(resolver);
		this.templates.values().forEach((template) -> {
			String stored = store.register(template.name(), template.version(), template.hash(), template.text(),
					clock.instant());
			if (stored != null) {
				logger.warn("Prompt '" + template.name() + "' version " + template.version()
						+ " changed without a new version: its text hashes to " + template.hash()
						+ ", the stored version to " + stored + ". Runs that resume use the new text for "
						+ "model calls they have not made yet; declare a new version in its front matter");
			}
		});
	}

	private static Map<String, Template> load(ResourcePatternResolver resolver) {
		Map<String, Template> templates = new TreeMap<>();
		try {
			for (Resource resource : resolver.getResources("classpath*:prompts/**/*.*")) {
				if (!resource.isReadable()) {
					continue;
				}
				String url = resource.getURL().toString();
				String path = url.substring(url.lastIndexOf("/prompts/") + "/prompts/".length());
				String name = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : path;
				String content = StreamUtils.copyToString(resource.getInputStream(), StandardCharsets.UTF_8);
				Template template = Template.parse(name, content);
				Template other = templates.putIfAbsent(name, template);
				if (other != null && !other.hash().equals(template.hash())) {
					throw new IllegalStateException("Two prompt templates are named '" + name
							+ "' with different texts; rename one of them (" + url + ")");
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Prompt templates under classpath:prompts/ could not be read", ex);
		}
		return templates;
	}

	@Override
	public RenderedPrompt render(String name, Map<String, ?> variables) {
		Template template = this.templates.get(name);
		if (template == null) {
			throw new IllegalArgumentException("No prompt template named '" + name + "' under classpath:prompts/ "
					+ "(found " + this.templates.keySet() + ")");
		}
		String text = PromptTemplate.builder()
			.template(template.text())
			.variables(new HashMap<>(variables))
			.build()
			.render();
		return new RenderedPrompt(name, template.version(), template.hash(), text);
	}

	/**
	 * Returns the hash of a prompt's current template.
	 * @param name the prompt name
	 * @return the hash, or {@code null} when there is no such prompt any more
	 */
	@Nullable String hash(String name) {
		Template template = this.templates.get(name);
		return (template != null) ? template.hash() : null;
	}

	/**
	 * A loaded template.
	 *
	 * @param name its name
	 * @param version its version
	 * @param hash the hash of its text
	 * @param text its text, without the front matter
	 */
	record Template(String name, String version, String hash, String text) {

		static Template parse(String name, String content) {
			String text = content;
			String version = null;
			Matcher matcher = FRONT_MATTER.matcher(content);
			if (matcher.matches()) {
				text = matcher.group(2);
				Matcher declared = VERSION.matcher(matcher.group(1));
				if (declared.find()) {
					version = declared.group(1);
				}
			}
			String hash = sha256(text);
			return new Template(name, (version != null) ? version : hash.substring(0, 12), hash, text);
		}

		private static String sha256(String text) {
			try {
				return HexFormat.of()
					.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
