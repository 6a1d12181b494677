package dev.guardedagents.internal.run;

import java.util.UUID;

/**
 * Instance takeover on a shared in-memory H2 database.
 */
class H2InstanceTakeoverTests extends InstanceTakeoverTests {

	@Override
	String[] database() {
		return new String[] { "jdbc:h2:mem:takeover-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "" };
	}

}
