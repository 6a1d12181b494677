package dev.guardedagents.internal.run;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;

/**
 * Retries the journal writes of a run through a database outage: a write that fails for a
 * transient reason (connection lost or refused, pool exhausted, failover, serialization
 * failure) is retried with backoff for as long as
 * {@code guarded-agents.journal.outage-tolerance}; the run waits meanwhile. An outage of
 * our own journal is never turned into a failure of the user's run.
 */
final class JournalRetry {

	private static final Log logger = LogFactory.getLog(JournalRetry.class);

	private static final long FIRST_PAUSE_MILLIS = 50;

	private static final long MAX_PAUSE_MILLIS = 2000;

	private final Duration tolerance;

	JournalRetry(Duration tolerance) {
		this.tolerance = tolerance;
	}

	/**
	 * Runs a journal write, retrying it while it fails transiently, within the tolerance.
	 * @param runId the run, for the log
	 * @param write the write
	 * @return its result
	 * @throws DataAccessException if it fails for good, or past the tolerance
	 */
	<T> T write(String runId, Supplier<T> write) {
		long deadline = System.nanoTime() + this.tolerance.toNanos();
		long pause = FIRST_PAUSE_MILLIS;
		boolean warned = false;
		while (true) {
			try {
				T result = write.get();
				if (warned) {
					logger.info("The run journal answers again; run " + runId + " goes on");
				}
				return result;
			}
			catch (DataAccessException ex) {
				if (!isTransient(ex) || System.nanoTime() + pause * 1_000_000 - deadline > 0) {
					throw ex;
				}
				if (!warned) {
					logger.warn("The run journal is unreachable (" + ex.getMostSpecificCause().getMessage() + "); run "
							+ runId + " waits for it, up to " + this.tolerance
							+ " (guarded-agents.journal.outage-tolerance)");
					warned = true;
				}
				try {
					Thread.sleep(pause);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
				pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
			}
		}
	}

	/**
	 * Whether a failure is one that goes away: the connection, not the statement.
	 */
	static boolean isTransient(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
				return true;
			}
			if (cause instanceof SQLException sql && sql.getSQLState() != null) {
				String state = sql.getSQLState();
				if (state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.startsWith("57P0")
						|| state.equals("53300")) {
					return true;
				}
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
