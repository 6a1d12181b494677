package dev.guardedagents.internal.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * Claims of tool idempotency keys: the first call with a key claims it, completes it with
 * its output, and every later call with the key reads that output. Internal: not API.
 */
public final class JdbcIdempotencyStore {

	private final Jdbc jdbc;

	private final String table;

	private final PayloadCipher cipher;

	/**
	 * Creates a store over the table in the given schema.
	 * @param dataSource the data source
	 * @param schema the schema holding the table, as folded by the database
	 */
	public JdbcIdempotencyStore(DataSource dataSource, String schema) {
		this(dataSource, schema, PayloadCipher.NONE);
	}

	/**
	 * Creates a store over the table in the given schema that encrypts outputs.
	 * @param dataSource the data source
	 * @param schema the schema holding the table, as folded by the database
	 * @param cipher the journal's cipher
	 */
	public JdbcIdempotencyStore(DataSource dataSource, String schema, PayloadCipher cipher) {
		this.cipher = cipher;
		this.jdbc = new Jdbc(dataSource);
		this.table = schema + ".guarded_idempotency";
	}

	/**
	 * Claims a key for an owner.
	 * @param tool the tool name
	 * @param key the idempotency key
	 * @param owner the claiming run, or call
	 * @param fingerprint the fingerprint of the call's arguments
	 * @param now the current time
	 * @return {@code false} if the key was claimed before
	 */
	public boolean claim(String tool, String key, String owner, String fingerprint, Instant now) {
		String sql = "INSERT INTO " + this.table + " (tool, idempotency_key, status, owner_id, fingerprint, "
				+ "created_at) VALUES (?, ?, 'IN_PROGRESS', ?, ?, ?)";
		return this.jdbc.write((c) -> {
			try (PreparedStatement ps = c.prepareStatement(sql)) {
				Jdbc.bind(ps, tool, key, owner, fingerprint, Jdbc.time(now));
				ps.executeUpdate();
				return true;
			}
			catch (SQLException ex) {
				if (Jdbc.isUniqueViolation(ex)) {
					return false;
				}
				throw ex;
			}
		});
	}

	/**
	 * Finds the claim of a key.
	 * @param tool the tool name
	 * @param key the idempotency key
	 * @return the claim
	 */
	public Optional<Claim> find(String tool, String key) {
		return this.jdbc
			.query("SELECT status, owner_id, output, fingerprint FROM " + this.table
					+ " WHERE tool = ? AND idempotency_key = ?",
					(rs) -> new Claim("COMPLETED".equals(rs.getString(1)), rs.getString(2),
							this.cipher.open(rs.getString(3)), rs.getString(4)),
					tool, key)
			.stream()
			.findFirst();
	}

	/**
	 * Completes a claim with the output of the call.
	 * @param tool the tool name
	 * @param key the idempotency key
	 * @param owner the owner of the claim
	 * @param output the output as JSON
	 * @param now the current time
	 */
	public void complete(String tool, String key, String owner, String output, Instant now) {
		this.jdbc.update(
				"UPDATE " + this.table + " SET status = 'COMPLETED', output = ?, completed_at = ? "
						+ "WHERE tool = ? AND idempotency_key = ? AND owner_id = ?",
				this.cipher.seal(output), Jdbc.time(now), tool, key, owner);
	}

	/**
	 * Gives a claim up after the call failed, so that a later call may try again.
	 * @param tool the tool name
	 * @param key the idempotency key
	 * @param owner the owner of the claim
	 */
	public void release(String tool, String key, String owner) {
		this.jdbc.update(
				"DELETE FROM " + this.table
						+ " WHERE tool = ? AND idempotency_key = ? AND owner_id = ? AND status = 'IN_PROGRESS'",
				tool, key, owner);
	}

	/**
	 * Deletes completed keys older than their retention, oldest first, at most a batch,
	 * in one transaction (on PostgreSQL skipping keys another transaction holds). A call
	 * with a deleted key runs again.
	 * @param completedBefore keys completed before this time are deleted
	 * @param limit the most keys deleted at once
	 * @return the keys deleted
	 */
	public int prune(Instant completedBefore, int limit) {
		return this.jdbc.inTransaction((c) -> {
			boolean postgres = "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
			List<String[]> keys = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement("SELECT tool, idempotency_key FROM " + this.table
					+ " WHERE status = 'COMPLETED' AND completed_at < ? ORDER BY completed_at FETCH FIRST " + limit
					+ " ROWS ONLY FOR UPDATE" + (postgres ? " SKIP LOCKED" : ""))) {
				Jdbc.bind(ps, Jdbc.time(completedBefore));
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						keys.add(new String[] { rs.getString(1), rs.getString(2) });
					}
				}
			}
			int deleted = 0;
			for (String[] key : keys) {
				deleted += Jdbc.update(c, "DELETE FROM " + this.table + " WHERE tool = ? AND idempotency_key = ?",
						key[0], key[1]);
			}
			return deleted;
		});
	}

	/**
	 * The claim of a key.
	 *
	 * @param completed whether the call completed
	 * @param owner the run, or call, that claimed it
	 * @param output the output, once completed
	 * @param fingerprint the fingerprint of the claiming call's arguments, {@code null}
	 * for keys claimed before fingerprints were recorded
	 */
	public record Claim(boolean completed, String owner, @Nullable String output, @Nullable String fingerprint) {

		/**
		 * Whether the claim was made by a call with other arguments.
		 * @param fingerprint the fingerprint of this call's arguments
		 * @return whether the arguments differ
		 */
		public boolean mismatches(String fingerprint) {
			return this.fingerprint != null && !this.fingerprint.equals(fingerprint);
		}

	}

}
