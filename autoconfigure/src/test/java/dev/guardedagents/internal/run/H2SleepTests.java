package dev.guardedagents.internal.run;

import java.util.UUID;

/**
 * Sleeping runs on a shared in-memory H2 database.
 */
class H2SleepTests extends SleepTests {

	@Override
	String[] database() {
		return new String[] { "jdbc:h2:mem:sleep-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "" };
	}

}
