package dev.guardedagents.internal.run;

import java.util.UUID;

/**
 * Limits of runs at once on a shared in-memory H2 database.
 */
class H2ConcurrencyLimitTests extends ConcurrencyLimitTests {

	@Override
	String[] database() {
		return new String[] { "jdbc:h2:mem:limits-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "" };
	}

}
