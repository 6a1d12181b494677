package dev.guardedagents.run;

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
 * killed with {@code destroyForcibly}.
 */
final class ChildJvm {

	private final Process process;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private final List<String> seen = new ArrayList<>();

	ChildJvm(Class<?> application, Path directory, String[] database, String... args) throws IOException {
		List<String> command = new ArrayList<>(
				List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-Xmx256m",
						"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), application.getName(),
						"--spring.datasource.url=" + database[0], "--spring.datasource.username=" + database[1],
						"--spring.datasource.password=" + database[2], "--guarded-agents.instance-id=crash-child",
						"--guarded-agents.recovery.lease-duration=10m", "--guarded-agents.recovery.renew-interval=1m",
						"--spring.main.banner-mode=off", "--logging.level.root=warn"));
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
				if (line.startsWith(prefix)) {
					return line;
				}
				this.seen.add(line);
			}
			else if (!this.process.isAlive() && this.lines.isEmpty()) {
				break;
			}
		}
		this.process.destroyForcibly();
		throw new AssertionError(
				"The child JVM never printed '" + prefix + "'; its output:\n" + String.join("\n", this.seen));
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
