package dev.guardedagents.internal.budget;

import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The configured budget profiles. Internal: not API.
 */
public final class BudgetProfiles {

	/**
	 * The profile that applies to runs that name none.
	 */
	public static final String DEFAULT = "default";

	/**
	 * No profiles: runs are not capped.
	 */
	public static final BudgetProfiles NONE = new BudgetProfiles(Map.of());

	private final Map<String, BudgetProfile> profiles;

	/**
	 * Creates the profiles.
	 * @param profiles the profiles by name
	 */
	public BudgetProfiles(Map<String, BudgetProfile> profiles) {
		this.profiles = Map.copyOf(profiles);
	}

	/**
	 * Returns the profile of a run.
	 * @param declared the profile its plan declares, empty for the default
	 * @return the profile, or {@code null} when the run is not capped
	 */
	public @Nullable BudgetProfile forRun(String declared) {
		return this.profiles.get(declared.isEmpty() ? DEFAULT : declared);
	}

	/**
	 * Whether a profile is configured.
	 * @param name the profile name
	 * @return whether it exists
	 */
	public boolean contains(String name) {
		return this.profiles.containsKey(name);
	}

	/**
	 * Returns the configured profile names.
	 * @return the names
	 */
	public Set<String> names() {
		return this.profiles.keySet();
	}

}
