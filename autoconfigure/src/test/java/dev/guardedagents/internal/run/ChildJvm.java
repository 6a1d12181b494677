package dev.guardedagents.internal.run;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test application in a child JVM on a given database, its output read line by line,
 * killed with {@code destroyForcibly} or signalled ({@code SIGSTOP}, {@code SIGCONT}).
 */
final class ChildJvm {

	private final Process process;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private final List<String> seen = new ArrayList<>();

	ChildJvm(Class<?> application, Path directory, String[] database, String... args) throws IOException {
		this(application, directory, database, List.of("--guarded-agents.instance-id=crash-child",
				"--guarded-agents.recovery.lease-duration=10m", "--guarded-agents.recovery.renew-interval=1m"), args);
	}

	/**
	 * Starts the application with recovery settings of its own (instance id, leases).
	 */
	ChildJvm(Class<?> application, Path directory, String[] database, List<String> recovery, String... args)
			throws IOException {
		List<String> command = new ArrayList<>(
				List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-Xmx256m",
						"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), application.getName(),
						"--spring.datasource.url=" + database[0], "--spring.datasource.username=" + database[1],
						"--spring.datasource.password=" + database[2], "--spring.main.banner-mode=off",
						"--logging.level.root=warn"));
		command.addAll(recovery);
		command.addAll(List.of(args));
		this.process = new ProcessBuilder(command).redirectErrorStream(true).directory(directory.toFile()).start();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					this.lines.add(line);
				}
			}
			catch (IOException ex) {
				// the process was killed
			}
		}, "child-jvm-output");
		reader.setDaemon(true);
		reader.start();
	}

	String awaitLine(String prefix) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		while (System.nanoTime() < deadline) {
			String line = this.lines.poll(1, TimeUnit.SECONDS);
			if (line != null) {
				this.seen.add(line);
				if (line.startsWith(prefix)) {
					return line;
				}
			}
			else if (!this.process.isAlive() && this.lines.isEmpty()) {
				break;
			}
		}
		this.process.destroyForcibly();
		throw new AssertionError(
				"The child JVM never printed '" + prefix + "'; its output:\n" + String.join("\n", this.seen));
	}

	/**
	 * Sends a signal to the process, such as {@code STOP} (it freezes, as in a long GC
	 * pause) or {@code CONT}.
	 */
	void signal(String signal) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(this.process.pid())).inheritIO().start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

	/**
	 * Returns every line the process printed so far.
	 */
	List<String> output() {
		this.lines.drainTo(this.seen);
		return List.copyOf(this.seen);
	}

	long pid() {
		return this.process.pid();
	}

	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
	}

	int awaitExit() throws InterruptedException {
		assertThat(this.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return this.process.exitValue();
	}

}
