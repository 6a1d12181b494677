package dev.guardedagents.autoconfigure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.guardedagents.internal.budget.BudgetProfiles;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.run.Spelling;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Checks at start-up that the names under {@code guarded-agents.tools.<name>},
 * {@code guarded-agents.checkpoints.<name>} and {@code guarded-agents.budgets.<name>} are
 * names of the application, so that a misspelled tool or budget does not silently leave
 * its guard at the defaults. A tool name that is unknown but close to a known one is a
 * misspelling and fails; one close to none only warns, since tools may be given to a
 * model at run time (not as beans).
 */
final class ConfiguredNamesCheck {

	private static final Log logger = LogFactory.getLog(ConfiguredNamesCheck.class);

	private static final String DEFAULTS = "defaults";

	private ConfiguredNamesCheck() {
	}

	/**
	 * Checks the configured names.
	 * @param properties the properties
	 * @param registry the application's plans, checkpoints and tools
	 * @param callbackTools the names of Spring AI tool callbacks declared as beans
	 * @throws UnknownNamesException naming each unknown name and the known ones
	 */
	static void check(GuardedAgentsProperties properties, AgentRunRegistry registry, Collection<String> callbackTools) {
		List<String> problems = new ArrayList<>();
		Set<String> tools = new TreeSet<>(registry.toolNames());
		tools.addAll(callbackTools);
		for (String name : properties.getTools().keySet()) {
			String tool = name.endsWith(":compensation") ? name.substring(0, name.length() - 13) : name;
			if (DEFAULTS.equals(name) || tools.contains(tool)) {
				continue;
			}
			String problem = problem("guarded-agents.tools." + name,
					"no tool of the application is named '" + tool + "'", tool, tools,
					"tools are named by @GuardedTool(name), a @HumanCheckpoint's name, "
							+ "Spring AI's @Tool(name) or the method name");
			if (Spelling.closest(tool, tools) != null) {
				problems.add(problem);
			}
			else {
				logger.warn(problem + ". It applies only if a tool of that name is given to a model at run time.");
			}
		}
		Set<String> checkpoints = new TreeSet<>(registry.checkpointNames());
		for (String name : properties.getCheckpoints().keySet()) {
			if (!checkpoints.contains(name)) {
				problems.add(problem("guarded-agents.checkpoints." + name,
						"no @HumanCheckpoint of the application is named '" + name + "'", name, checkpoints,
						"checkpoints are named by @HumanCheckpoint(name), or Class.method without one"));
			}
		}
		Set<String> budgets = registry.declaredBudgets();
		for (String name : properties.getBudgets().keySet()) {
			if (!BudgetProfiles.DEFAULT.equals(name) && !budgets.contains(name)) {
				problems.add(problem("guarded-agents.budgets." + name,
						"no @AgentRun(budget) names '" + name + "', so it would never apply", name, budgets,
						"name it in @AgentRun(budget = \"" + name + "\"), or call it 'default' to apply it to every "
								+ "run without a budget of its own"));
			}
		}
		if (!problems.isEmpty()) {
			throw new UnknownNamesException(problems);
		}
	}

	private static String problem(String key, String what, String name, Set<String> known, String how) {
		String closest = Spelling.closest(name, known);
		return "'" + key + ".*': " + what + ((closest != null) ? " (did you mean '" + closest + "'?)" : "")
				+ "; known: " + known + "; " + how;
	}

}
