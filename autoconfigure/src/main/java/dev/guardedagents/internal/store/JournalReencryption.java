package dev.guardedagents.internal.store;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.guardedagents.JournalEncryption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Re-encrypts the journal's payload columns with the active key, table by table and
 * column by column, in batches: each value is rewritten only if it is still what was
 * read, so a run that writes meanwhile is never overwritten. Internal: not API.
 */
public final class JournalReencryption implements JournalEncryption {

	private static final Log logger = LogFactory.getLog(JournalReencryption.class);

	private static final int BATCH = 200;

	private final Jdbc jdbc;

	private final PayloadCipher cipher;

	private final List<Table> tables;

	/**
	 * Creates the re-encryption of the journal in a schema.
	 * @param dataSource the data source
	 * @param schema the schema holding the tables, as folded by the database
	 * @param cipher the journal's cipher
	 */
	public JournalReencryption(DataSource dataSource, String schema, PayloadCipher cipher) {
		this.jdbc = new Jdbc(dataSource);
		this.cipher = cipher;
		this.tables = List.of(new Table(schema + ".guarded_run", List.of("id"), List.of("arguments", "result")),
				new Table(schema + ".guarded_step", List.of("run_id", "seq"),
						List.of("input", "output", "attempt_errors")),
				new Table(schema + ".guarded_step_history", List.of("run_id", "seq", "set_aside_at"),
						List.of("input", "output", "attempt_errors")),
				new Table(schema + ".guarded_review", List.of("id"),
						List.of("summary", "payload", "review_comment", "edits")),
				new Table(schema + ".guarded_review_decision", List.of("review_id", "reviewer"),
						List.of("review_comment", "edits")),
				new Table(schema + ".guarded_idempotency", List.of("tool", "idempotency_key"), List.of("output")),
				new Table(schema + ".guarded_run_message", List.of("id"), List.of("payload")));
	}

	@Override
	public @Nullable String activeKey() {
		return this.cipher.activeKey();
	}

	@Override
	public long reencrypt() {
		long rewritten = 0;
		for (Table table : this.tables) {
			for (String column : table.columns()) {
				rewritten += reencrypt(table, column);
			}
		}
		logger.info("Re-encrypted " + rewritten + " journal values "
				+ ((this.cipher.activeKey() != null) ? "with key '" + this.cipher.activeKey() + "'" : "to clear text"));
		return rewritten;
	}

	private long reencrypt(Table table, String column) {
		String keys = String.join(", ", table.keys());
		String stale = (this.cipher.activeKey() != null) ? column + " NOT LIKE ?" : column + " LIKE ?";
		String pattern = (this.cipher.activeKey() != null) ? PayloadCipher.PREFIX + this.cipher.activeKey() + ":%"
				: PayloadCipher.PREFIX + "%";
		String select = "SELECT " + keys + ", " + column + " FROM " + table.name() + " WHERE " + column
				+ " IS NOT NULL AND " + stale + " FETCH FIRST " + BATCH + " ROWS ONLY";
		String update = "UPDATE " + table.name() + " SET " + column + " = ? WHERE "
				+ String.join(" AND ", table.keys().stream().map((key) -> key + " = ?").toList()) + " AND " + column
				+ " = ?";
		long rewritten = 0;
		while (true) {
			List<Object[]> rows = this.jdbc.query(select, (rs) -> {
				Object[] row = new Object[table.keys().size() + 1];
				for (int i = 0; i < row.length; i++) {
					row[i] = rs.getObject(i + 1);
				}
				return row;
			}, pattern);
			int batch = 0;
			for (Object[] row : rows) {
				String stored = (String) row[row.length - 1];
				if (this.cipher.current(stored)) {
					continue;
				}
				List<Object> args = new ArrayList<>();
				args.add(this.cipher.seal(this.cipher.open(stored)));
				for (int i = 0; i < row.length - 1; i++) {
					args.add(row[i]);
				}
				args.add(stored);
				batch += this.jdbc.update(update, args.toArray());
			}
			rewritten += batch;
			if (rows.size() < BATCH || batch == 0) {
				return rewritten;
			}
		}
	}

	/**
	 * A table with payload columns.
	 *
	 * @param name the qualified table name
	 * @param keys the columns of its primary key
	 * @param columns its payload columns
	 */
	private record Table(String name, List<String> keys, List<String> columns) {
	}

}
