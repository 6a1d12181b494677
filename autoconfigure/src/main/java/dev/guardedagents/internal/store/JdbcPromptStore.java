package dev.guardedagents.internal.store;

import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;

/**
 * The prompt versions, each stored once in {@code guarded_prompt}. Internal: not API.
 */
public final class JdbcPromptStore {

	private final Jdbc jdbc;

	private final String table;

	/**
	 * Creates a store over the table in the given schema.
	 * @param dataSource the data source
	 * @param schema the schema holding the table, as folded by the database
	 */
	public JdbcPromptStore(DataSource dataSource, String schema) {
		this.jdbc = new Jdbc(dataSource);
		this.table = schema + ".guarded_prompt";
	}

	/**
	 * Stores a prompt version unless it is stored already.
	 * @param name the prompt name
	 * @param version the version
	 * @param hash the hash of its template
	 * @param template the template text
	 * @param now the time of storing
	 * @return the hash stored for that version before, when it differs from this one;
	 * {@code null} when the version is new or unchanged
	 */
	public @Nullable String register(String name, String version, String hash, String template, Instant now) {
		try {
			this.jdbc.update(
					"INSERT INTO " + this.table + " (name, version, hash, template, created_at) SELECT ?, ?, ?, ?, ? "
							+ "WHERE NOT EXISTS (SELECT 1 FROM " + this.table + " WHERE name = ? AND version = ?)",
					name, version, hash, template, Jdbc.time(now), name, version);
		}
		catch (DataAccessException ex) {
			// another instance stored it at the same moment; read what it stored
		}
		List<String> stored = this.jdbc.query("SELECT hash FROM " + this.table + " WHERE name = ? AND version = ?",
				(rs) -> rs.getString(1), name, version);
		if (stored.isEmpty()) {
			throw new IllegalStateException("Prompt '" + name + "' version " + version + " could not be stored");
		}
		return stored.get(0).equals(hash) ? null : stored.get(0);
	}

}
