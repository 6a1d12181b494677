package dev.guardedagents.internal.run;

/**
 * Checkpoints across killed JVMs on a file-based H2 database.
 */
class H2CheckpointCrashTests extends CheckpointCrashTests {

	@Override
	String[] database() {
		return new String[] { "jdbc:h2:file:" + this.directory.resolve("checkpoints") + ";FILE_LOCK=FS", "sa", "" };
	}

}
