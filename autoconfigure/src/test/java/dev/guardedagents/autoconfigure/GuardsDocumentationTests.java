package dev.guardedagents.autoconfigure;

import java.beans.PropertyDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the guard reference in {@code docs/guards.md} lists every key of
 * {@link GuardedAgentsProperties.Tool}.
 */
class GuardsDocumentationTests {

	@Test
	void referenceListsEveryToolKey() throws Exception {
		String reference = Files.readString(Path.of("..", "docs", "guards.md"));
		List<String> keys = keys("", GuardedAgentsProperties.Tool.class);
		assertThat(keys).hasSize(15);
		for (String key : keys) {
			assertThat(reference).as("docs/guards.md documents %s", key).contains("| `" + key + "` |");
		}
	}

	private static List<String> keys(String prefix, Class<?> type) {
		List<String> keys = new ArrayList<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			if (property.getReadMethod() == null || "class".equals(property.getName())) {
				continue;
			}
			String key = prefix + kebab(property.getName());
			Class<?> propertyType = property.getPropertyType();
			if (propertyType.getEnclosingClass() == GuardedAgentsProperties.Tool.class && !propertyType.isEnum()) {
				keys.addAll(keys(key + ".", propertyType));
			}
			else {
				keys.add(key);
			}
		}
		return keys;
	}

	private static String kebab(String name) {
		return name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
	}

}
