package dev.guardedagents.internal.run;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;

/**
 * The journal at rest on a file H2 database.
 */
class H2JournalAtRestTests extends JournalAtRestTests {

	@TempDir
	Path directory;

	@Override
	List<String> database() {
		return List.of("--spring.datasource.url=jdbc:h2:file:" + this.directory.resolve("journal")
				+ ";DB_CLOSE_ON_EXIT=FALSE");
	}

}
