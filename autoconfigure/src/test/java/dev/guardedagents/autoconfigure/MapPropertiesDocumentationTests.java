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
 * Checks that the references of map-valued properties (whose keys Spring Boot's metadata
 * does not list) document every key: tools and models in {@code docs/guards.md}, prices
 * in {@code docs/models-and-prompts.md}, budgets and policy rules in
 * {@code docs/budgets-and-policies.md}, checkpoints in {@code docs/human-checkpoints.md}.
 */
class MapPropertiesDocumentationTests {

	@Test
	void referenceListsEveryToolKey() throws Exception {
		assertDocumented("guards.md", GuardedAgentsProperties.Tool.class, 16);
	}

	@Test
	void referenceListsEveryPriceKey() throws Exception {
		assertDocumented("models-and-prompts.md", GuardedAgentsProperties.Price.class, 3);
	}

	@Test
	void referenceListsEveryBudgetAndPolicyRuleKey() throws Exception {
		assertDocumented("budgets-and-policies.md", GuardedAgentsProperties.Budget.class, 9);
		assertDocumented("budgets-and-policies.md", GuardedAgentsProperties.PatternRule.class, 3);
	}

	@Test
	void referenceListsEveryCheckpointKey() throws Exception {
		assertDocumented("human-checkpoints.md", GuardedAgentsProperties.Checkpoint.class, 6);
	}

	private static void assertDocumented(String page, Class<?> type, int expected) throws Exception {
		String reference = Files.readString(Path.of("..", "docs", page));
		List<String> keys = keys("", type);
		assertThat(keys).hasSize(expected);
		for (String key : keys) {
			assertThat(reference).as("docs/%s documents %s", page, key).contains("| `" + key + "` |");
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
