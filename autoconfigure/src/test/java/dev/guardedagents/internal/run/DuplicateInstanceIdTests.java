package dev.guardedagents.internal.run;

import java.nio.file.Path;
import java.util.List;

import dev.guardedagents.test.PostgresTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two live processes configured with one instance id on one database: the second refuses
 * to start, saying why and what to do. On PostgreSQL, which both share.
 */
@PostgresTest
class DuplicateInstanceIdTests {

	private static final List<String> TWIN = List.of("--guarded-agents.instance-id=twin");

	@TempDir
	Path directory;

	@Test
	void aSecondLiveInstanceWithTheSameIdRefusesToStart() throws Exception {
		String[] database = PausedOwnerApplication.database();
		ChildJvm first = new ChildJvm(PausedOwnerApplication.class, this.directory, database, TWIN, "--paused.start=1");
		try {
			first.awaitLine("STEP ");
			ChildJvm second = new ChildJvm(PausedOwnerApplication.class, this.directory, database, TWIN,
					"--paused.start=1");
			assertThat(second.awaitLine("Instance id 'twin' is held by a live instance"))
				.contains("pid " + first.pid());
			second.awaitLine("Give each instance an id of its own with guarded-agents.instance-id");
			assertThat(second.awaitExit()).isNotZero();
		}
		finally {
			first.kill();
		}
	}

}
