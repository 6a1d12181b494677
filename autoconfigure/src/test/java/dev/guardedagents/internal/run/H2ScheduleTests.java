package dev.guardedagents.internal.run;

import java.util.UUID;

/**
 * Schedules on a shared in-memory H2 database.
 */
class H2ScheduleTests extends ScheduleTests {

	@Override
	String[] database() {
		return new String[] { "jdbc:h2:mem:schedules-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "" };
	}

}
