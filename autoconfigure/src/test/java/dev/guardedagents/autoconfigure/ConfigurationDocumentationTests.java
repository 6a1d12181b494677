package dev.guardedagents.autoconfigure;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the configuration reference lists every property of the generated
 * configuration metadata, with its default, and that the metadata describes the keys of
 * the map entries ({@code tools.*}, {@code models.*}, {@code budgets.*}) for IDEs.
 */
class ConfigurationDocumentationTests {

	/**
	 * Entries of maps, whose keys the map references document (see
	 * {@link MapPropertiesDocumentationTests}).
	 */
	private static final List<String> MAP_ENTRIES = List.of("guarded-agents.tools.defaults.",
			"guarded-agents.models.defaults.", "guarded-agents.budgets.default.");

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
			if (!name.startsWith("guarded-agents.") || MAP_ENTRIES.stream().anyMatch(name::startsWith)) {
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

	@Test
	void metadataDescribesTheKeysOfMapEntriesForIdes() throws Exception {
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			metadata = new JsonMapper().readTree(in);
		}
		Set<String> names = new HashSet<>();
		metadata.get("properties").forEach((property) -> names.add(property.get("name").asString()));
		int entries = 0;
		for (String pattern : PropertyNames.all()) {
			for (String[] map : new String[][] { { "guarded-agents.tools.*.", "guarded-agents.tools.defaults." },
					{ "guarded-agents.models.*.", "guarded-agents.models.defaults." },
					{ "guarded-agents.budgets.*.", "guarded-agents.budgets.default." } }) {
				if (pattern.startsWith(map[0])) {
					assertThat(names).as("metadata describes %s", pattern)
						.contains(map[1] + pattern.substring(map[0].length()));
					entries++;
				}
			}
		}
		assertThat(entries).isEqualTo(44);
		assertThat(names).contains("guarded-agents.tools.defaults.timeout", "guarded-agents.budgets.default.max-cost",
				"guarded-agents.tools.defaults.circuit-breaker.wait-in-open-state");
		Set<String> hints = new HashSet<>();
		metadata.get("hints").forEach((hint) -> hints.add(hint.get("name").asString()));
		assertThat(hints).contains("guarded-agents.tools.keys", "guarded-agents.models.keys",
				"guarded-agents.budgets.keys", "guarded-agents.reviews.kinds.keys");
	}

}
