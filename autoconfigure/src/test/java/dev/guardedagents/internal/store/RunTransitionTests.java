package dev.guardedagents.internal.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.guardedagents.RunStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run's transitions have one owner: the table in {@link RunTransition}, shown as a
 * diagram in the architecture docs, and no other class names a run status in SQL.
 */
class RunTransitionTests {

	private static final Pattern STATUS_LITERAL = Pattern.compile("'(RUNNING|WAITING|SUCCEEDED|FAILED|CANCELLED)'");

	@Test
	void theArchitectureDocsShowTheTableAsItIs() throws IOException {
		String architecture = Files.readString(Path.of("..", "docs", "architecture.md"));
		assertThat(architecture).as("docs/architecture.md shows RunTransition.diagram() in a mermaid block")
			.contains("```mermaid\n" + RunTransition.diagram() + "```");
	}

	@Test
	void noOtherClassTestsOrWritesARunStatusInSql() throws IOException {
		try (Stream<Path> sources = Files.walk(Path.of("src", "main", "java"))) {
			List<String> offenders = sources.filter((path) -> path.toString().endsWith(".java"))
				.filter((path) -> !path.endsWith(Path.of("store", "RunTransition.java")))
				.filter((path) -> STATUS_LITERAL.matcher(read(path)).find())
				.map(Path::toString)
				.toList();
			assertThat(offenders).as("classes that name a run status in SQL instead of using RunTransition").isEmpty();
		}
	}

	@Test
	void theGuardsAndAssignmentsComeFromTheTable() {
		assertThat(RunTransition.RECORD.when()).isEqualTo("status = 'RUNNING'");
		assertThat(RunTransition.RECORD.assignment()).isEmpty();
		assertThat(RunTransition.PARK.assignment())
			.isEqualTo("status = 'WAITING', wake_at = NULL, wait_topic = NULL, owner_epoch = owner_epoch + 1, ");
		assertThat(RunTransition.SLEEP.assignment()).isEqualTo("status = 'WAITING', owner_epoch = owner_epoch + 1, ");
		assertThat(RunTransition.WAKE.when()).isEqualTo("status = 'WAITING'");
		assertThat(RunTransition.WAKE.assignment())
			.isEqualTo("status = 'RUNNING', wake_at = NULL, wait_topic = NULL, ");
		assertThat(RunTransition.HAND_BACK.when()).isEqualTo("status = 'WAITING'");
		assertThat(RunTransition.DEQUEUE.when()).isEqualTo("status = 'QUEUED'");
		assertThat(RunTransition.DEQUEUE.assignment()).isEqualTo("status = 'RUNNING', ");
		assertThat(RunTransition.holdsSlot()).isEqualTo("status = 'RUNNING'");
		assertThat(RunTransition.HAND_BACK.assignment()).isEqualTo("status = 'RUNNING', ");
		assertThat(RunTransition.CANCEL.when()).isEqualTo("status IN ('RUNNING', 'WAITING', 'QUEUED')");
		assertThat(RunTransition.CLAIM.assignment()).isEqualTo("owner_epoch = owner_epoch + 1, ");
		assertThat(RunTransition.finishing(RunStatus.SUCCEEDED).assignment()).isEqualTo("status = 'SUCCEEDED', ");
		for (RunStatus finished : List.of(RunStatus.SUCCEEDED, RunStatus.CANCELLED)) {
			assertThat(RunTransition.values()).as("a finished run is only ever erased: %s", finished)
				.filteredOn((transition) -> transition.allows(finished))
				.containsExactly(RunTransition.PURGE);
		}
		assertThat(RunTransition.values()).as("a failed run is erased, or retried by an operator")
			.filteredOn((transition) -> transition.allows(RunStatus.FAILED))
			.containsExactly(RunTransition.RETRY, RunTransition.PURGE);
		assertThat(RunTransition.RETRY.assignment()).isEqualTo("status = 'RUNNING', owner_epoch = owner_epoch + 1, ");
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
