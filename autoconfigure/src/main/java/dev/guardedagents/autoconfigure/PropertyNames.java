package dev.guardedagents.autoconfigure;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import dev.guardedagents.internal.run.Spelling;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;

/**
 * The names of every {@code guarded-agents.*} property, with {@code *} for the key of a
 * map entry ({@code guarded-agents.tools.*.timeout}), to suggest the intended key for a
 * misspelled one.
 */
final class PropertyNames {

	private static final int MAX_DEPTH = 6;

	private static final List<String> names = collect(GuardedAgentsProperties.class, "guarded-agents", 0,
			new ArrayList<>());

	private PropertyNames() {
	}

	/**
	 * Returns the valid key closest to a key that is not one.
	 * @param key the unknown key, such as {@code guarded-agents.tools.load.timout}
	 * @return the closest valid key, with the map keys of {@code key} filled in, or
	 * {@code null} when none is close
	 */
	static @Nullable String closest(String key) {
		String[] given = key.split("\\.");
		List<String> candidates = new ArrayList<>();
		for (String name : names) {
			String[] pattern = name.split("\\.");
			if (pattern.length != given.length) {
				continue;
			}
			StringBuilder filled = new StringBuilder();
			for (int i = 0; i < pattern.length; i++) {
				filled.append((i > 0) ? "." : "").append("*".equals(pattern[i]) ? given[i] : pattern[i]);
			}
			candidates.add(filled.toString());
		}
		return Spelling.closest(key, candidates);
	}

	private static List<String> collect(Class<?> type, String prefix, int depth, List<String> names) {
		if (depth > MAX_DEPTH) {
			return names;
		}
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			Method getter = property.getReadMethod();
			if (getter == null || getter.getDeclaringClass() == Object.class) {
				continue;
			}
			String name = prefix + "." + kebab(property.getName());
			Type valueType = getter.getGenericReturnType();
			Class<?> raw = getter.getReturnType();
			if (Map.class.isAssignableFrom(raw) && valueType instanceof ParameterizedType parameterized) {
				Type value = parameterized.getActualTypeArguments()[1];
				if (value instanceof Class<?> valueClass && isBean(valueClass)) {
					collect(valueClass, name + ".*", depth + 1, names);
				}
				else {
					names.add(name + ".*");
				}
			}
			else if (isBean(raw)) {
				collect(raw, name, depth + 1, names);
			}
			else if (property.getWriteMethod() != null) {
				names.add(name);
			}
		}
		return names;
	}

	private static boolean isBean(Class<?> type) {
		return type.getName().startsWith(GuardedAgentsProperties.class.getName()) && !type.isEnum();
	}

	private static String kebab(String name) {
		StringBuilder kebab = new StringBuilder();
		for (char c : name.toCharArray()) {
			if (Character.isUpperCase(c)) {
				kebab.append('-').append(Character.toLowerCase(c));
			}
			else {
				kebab.append(c);
			}
		}
		return kebab.toString();
	}

	/**
	 * Returns every name, for tests.
	 * @return the names
	 */
	static Collection<String> all() {
		return names;
	}

}
