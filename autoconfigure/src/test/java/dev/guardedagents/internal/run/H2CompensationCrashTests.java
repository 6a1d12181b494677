package dev.guardedagents.internal.run;

/**
 * Compensation across killed JVMs on a file-based H2 database.
 */
class H2CompensationCrashTests extends CompensationCrashTests {

	@Override
	String[] database() {
		return new String[] { "jdbc:h2:file:" + this.directory.resolve("compensation") + ";FILE_LOCK=FS", "sa", "" };
	}

}
