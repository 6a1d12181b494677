package dev.guardedagents.internal.run;

/**
 * Transactional steps across kills on a file-based H2 database.
 */
class H2TransactionalCrashTests extends TransactionalCrashTests {

	@Override
	String[] database() {
		return new String[] { "jdbc:h2:file:" + this.directory.resolve("tx") + ";FILE_LOCK=FS", "sa", "" };
	}

}
