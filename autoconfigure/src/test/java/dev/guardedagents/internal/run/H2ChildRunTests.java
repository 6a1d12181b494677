package dev.guardedagents.internal.run;

import java.util.UUID;

/**
 * Child runs on a shared in-memory H2 database.
 */
class H2ChildRunTests extends ChildRunTests {

	@Override
	String[] database() {
		return new String[] { "jdbc:h2:mem:children-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "" };
	}

}
