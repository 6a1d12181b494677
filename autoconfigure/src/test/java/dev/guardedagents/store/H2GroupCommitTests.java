package dev.guardedagents.store;

import java.util.UUID;

/**
 * Group commit on H2, where a failed statement leaves the rest of the transaction alone.
 */
class H2GroupCommitTests extends GroupCommitTests {

	private final String url = "jdbc:h2:mem:group-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

	@Override
	String url() {
		return this.url;
	}

}
