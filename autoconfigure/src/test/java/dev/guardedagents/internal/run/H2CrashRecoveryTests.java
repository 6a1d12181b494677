package dev.guardedagents.internal.run;

/**
 * Crash recovery on a file-based H2 database.
 */
class H2CrashRecoveryTests extends CrashRecoveryTests {

	@Override
	String[] database() {
		return new String[] { "jdbc:h2:file:" + this.directory.resolve("crash") + ";FILE_LOCK=FS", "sa", "" };
	}

}
