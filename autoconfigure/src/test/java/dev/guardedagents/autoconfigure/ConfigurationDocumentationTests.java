package dev.guardedagents.autoconfigure;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the configuration reference lists every property of the generated
 * configuration metadata, with its default.
 */
class ConfigurationDocumentationTests {

	@Test
	void referenceListsEveryGuardedAgentsPropertyWithItsDefault() throws Exception {
		String reference = Files.readString(Path.of("..", "docs", "configuration.md"));
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			metadata = new JsonMapper().readTree(in);
		}
		int checked = 0;
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			if (!name.startsWith("guarded-agents.")) {
				continue;
			}
			assertThat(reference).as("docs/configuration.md documents %s", name).contains("| `" + name + "` |");
			JsonNode defaultValue = property.get("defaultValue");
			if (defaultValue != null && !defaultValue.isArray()) {
				assertThat(reference.toLowerCase(Locale.ROOT)).as("docs/configuration.md gives the default of %s", name)
					.contains("| `" + name + "` | `" + defaultValue.asString().toLowerCase(Locale.ROOT) + "` |");
			}
			checked++;
		}
		assertThat(checked).isGreaterThanOrEqualTo(12);
	}

}
