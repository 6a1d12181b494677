package dev.guardedagents.internal.run;

import java.util.UUID;

/**
 * Messages to runs on a shared in-memory H2 database.
 */
class H2MessageTests extends MessageTests {

	@Override
	String[] database() {
		return new String[] { "jdbc:h2:mem:messages-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "" };
	}

}
