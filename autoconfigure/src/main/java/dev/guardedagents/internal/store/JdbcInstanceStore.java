package dev.guardedagents.internal.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * The live instances sharing a journal: which process holds an instance id, and its
 * heartbeat. Internal: not API.
 */
public final class JdbcInstanceStore {

	private final Jdbc jdbc;

	private final String table;

	private final String run;

	/**
	 * Creates a store over the table in the given schema.
	 * @param dataSource the data source
	 * @param schema the schema holding the table, as folded by the database
	 */
	public JdbcInstanceStore(DataSource dataSource, String schema) {
		this.jdbc = new Jdbc(dataSource);
		this.table = schema + ".guarded_instance";
		this.run = schema + ".guarded_run";
	}

	/**
	 * Finds the process holding an instance id.
	 * @param id the instance id
	 * @return the holder, if the id was ever held
	 */
	public Optional<Holder> find(String id) {
		return this.jdbc
			.query("SELECT host, pid, process, started_at, heartbeat_at FROM " + this.table + " WHERE id = ?",
					(rs) -> new Holder(rs.getString(1), rs.getLong(2), rs.getString(3), Jdbc.instant(rs, "started_at"),
							Jdbc.instant(rs, "heartbeat_at")),
					id)
			.stream()
			.findFirst();
	}

	/**
	 * Takes an instance id for this process: inserts it, or takes it over from the
	 * process that held it, if that is still the holder.
	 * @param id the instance id
	 * @param holder this process
	 * @param previous the process that held it, or {@code null} if none did
	 * @return whether this process now holds the id
	 */
	public boolean take(String id, Holder holder, @Nullable Holder previous) {
		return this.jdbc.write((c) -> {
			if (previous == null) {
				try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + this.table
						+ " (id, host, pid, process, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)")) {
					Jdbc.bind(ps, id, holder.host(), holder.pid(), holder.process(), Jdbc.time(holder.startedAt()),
							Jdbc.time(holder.heartbeatAt()));
					ps.executeUpdate();
					return true;
				}
				catch (SQLException ex) {
					if (Jdbc.isUniqueViolation(ex)) {
						return false;
					}
					throw ex;
				}
			}
			return Jdbc.update(c,
					"UPDATE " + this.table + " SET host = ?, pid = ?, process = ?, started_at = ?, heartbeat_at = ? "
							+ "WHERE id = ? AND process = ?",
					holder.host(), holder.pid(), holder.process(), Jdbc.time(holder.startedAt()),
					Jdbc.time(holder.heartbeatAt()), id, previous.process()) == 1;
		});
	}

	/**
	 * Records that this process is alive and still holds its instance id.
	 * @param id the instance id
	 * @param process this process
	 * @param now the current time
	 * @return whether this process still holds the id
	 */
	public boolean heartbeat(String id, String process, Instant now) {
		return this.jdbc.update("UPDATE " + this.table + " SET heartbeat_at = ? WHERE id = ? AND process = ?",
				Jdbc.time(now), id, process) == 1;
	}

	/**
	 * Gives an instance id up when the process stops in order.
	 * @param id the instance id
	 * @param process this process
	 */
	public void release(String id, String process) {
		this.jdbc.update("DELETE FROM " + this.table + " WHERE id = ? AND process = ?", id, process);
	}

	/**
	 * Lists the instances that hold or held an id, with the number of running runs each
	 * owns: a graceful stop gives its id up, a crashed instance stays listed with its
	 * last heartbeat.
	 * @return the instances, by id
	 */
	public List<Listed> list() {
		return this.jdbc.query(
				"SELECT i.id, i.host, i.pid, i.started_at, i.heartbeat_at, (SELECT COUNT(*) FROM " + this.run
						+ " r WHERE r.owner_id = i.id AND r." + RunTransition.RECORD.when() + ") FROM " + this.table
						+ " i ORDER BY i.id",
				(rs) -> new Listed(rs.getString(1), rs.getString(2), rs.getLong(3), Jdbc.instant(rs, "started_at"),
						Jdbc.instant(rs, "heartbeat_at"), rs.getInt(6)));
	}

	/**
	 * An instance as listed.
	 *
	 * @param id the instance id
	 * @param host the host name
	 * @param pid the process id on that host
	 * @param startedAt when the process started
	 * @param heartbeatAt its last heartbeat
	 * @param runningRuns how many running runs it owns
	 */
	public record Listed(String id, String host, long pid, Instant startedAt, Instant heartbeatAt, int runningRuns) {
	}

	/**
	 * A process holding an instance id.
	 *
	 * @param host the host name
	 * @param pid the process id on that host
	 * @param process a token unique to the process (one per JVM)
	 * @param startedAt when the process started, to tell it from a later process with a
	 * reused pid
	 * @param heartbeatAt its last heartbeat
	 */
	public record Holder(String host, long pid, String process, Instant startedAt, Instant heartbeatAt) {
	}

}
