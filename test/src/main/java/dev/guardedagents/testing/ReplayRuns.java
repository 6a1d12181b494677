package dev.guardedagents.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated method once per exported run found at a location, with the run as
 * its {@link RecordedRun} parameter:
 *
 * <pre class="code">
 * &#64;ReplayRuns("classpath:recorded-runs/")
 * void replays(RecordedRun run) {
 *     runs.assertReplays(run);
 * }
 * </pre>
 *
 * A location without any {@code .json} file fails, so that a misplaced folder does not
 * pass silently.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(ReplayRunsExtension.class)
public @interface ReplayRuns {

	/**
	 * Where the exported runs are: a Spring resource location of a folder, searched with
	 * its sub-folders for {@code *.json}.
	 * @return the location
	 */
	String value();

	/**
	 * The plan versions, besides the current one, that the code still serves: runs
	 * recorded under them are checked too; runs recorded under other versions are
	 * skipped.
	 * @return the versions
	 */
	String[] versions() default {};

}
