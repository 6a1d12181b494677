package dev.guardedagents.testing;

import java.util.List;
import java.util.Set;

import dev.guardedagents.RunView;
import dev.guardedagents.StepView;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run exported with {@code AgentRuns.export} (or the {@code agentruns} endpoint), read
 * back to be replayed against the current code with {@link TestRuns#assertReplays}.
 *
 * @param source where it was read from
 * @param run the run as recorded
 * @param steps its steps, in order
 * @param servedVersions the plan versions besides the current one the code still serves
 */
public record RecordedRun(String source, RunView run, List<StepView> steps, Set<String> servedVersions) {

	/**
	 * The format {@code AgentRuns.export} writes.
	 */
	public static final String FORMAT = "guarded-agents-run/1";

	/**
	 * Reads an exported run.
	 * @param source where it comes from, for messages
	 * @param json the export
	 * @param mapper the journal's mapper ({@code JournalCodec.mapper()})
	 * @return the run
	 * @throws IllegalArgumentException if the JSON is not an exported run
	 */
	public static RecordedRun parse(String source, String json, JsonMapper mapper) {
		JsonNode export = mapper.readTree(json);
		if (!FORMAT.equals(export.path("format").asString(null))) {
			throw new IllegalArgumentException(
					source + " is not an exported run: its \"format\" is not \"" + FORMAT + "\"");
		}
		RunView run = mapper.treeToValue(export.get("run"), RunView.class);
		List<StepView> steps = mapper.convertValue(export.get("steps"), new TypeReference<List<StepView>>() {
		});
		return new RecordedRun(source, run, steps, Set.of());
	}

	/**
	 * Returns this run, checked also when recorded under one of the given plan versions.
	 * @param versions the versions the code still serves
	 * @return the run
	 */
	public RecordedRun serving(Set<String> versions) {
		return new RecordedRun(this.source, this.run, this.steps, Set.copyOf(versions));
	}

	@Override
	public String toString() {
		return this.source + " (" + this.run.name() + " version " + this.run.version() + ", " + this.run.status() + ", "
				+ this.steps.size() + " steps)";
	}

}
