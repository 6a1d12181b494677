package dev.guardedagents.internal.run;

/**
 * Child runs killed with their JVM, on a file-based H2 database.
 */
class H2ChildRunCrashTests extends ChildRunCrashTests {

	@Override
	String[] database() {
		return new String[] { "jdbc:h2:file:" + this.directory.resolve("children") + ";FILE_LOCK=FS", "sa", "" };
	}

}
