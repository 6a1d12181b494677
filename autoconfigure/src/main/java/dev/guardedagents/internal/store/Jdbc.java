package dev.guardedagents.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Plain JDBC on connections of their own: never joined to a transaction of the caller,
 * committed before they return (also when the pool hands out connections with auto-commit
 * off).
 */
final class Jdbc {

	private final DataSource dataSource;

	Jdbc(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	int update(String sql, @Nullable Object... args) {
		return write((c) -> update(c, sql, args));
	}

	static int update(Connection connection, String sql, @Nullable Object... args) throws SQLException {
		try (PreparedStatement ps = connection.prepareStatement(sql)) {
			bind(ps, args);
			return ps.executeUpdate();
		}
	}

	<T> List<T> query(String sql, RowMapper<T> mapper, @Nullable Object... args) {
		try (Connection c = this.dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
			bind(ps, args);
			List<T> rows = new ArrayList<>();
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					rows.add(mapper.map(rs));
				}
			}
			if (!c.getAutoCommit()) {
				c.commit();
			}
			return rows;
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Run journal query failed: " + sql, ex);
		}
	}

	/**
	 * Runs statements on one connection, in auto-commit mode as the pool hands it out (a
	 * single statement is its own transaction).
	 */
	<T> T write(ConnectionCallback<T> action) {
		try (Connection c = this.dataSource.getConnection()) {
			boolean autoCommit = c.getAutoCommit();
			try {
				T result = action.doInConnection(c);
				if (!autoCommit) {
					c.commit();
				}
				return result;
			}
			catch (SQLException | RuntimeException ex) {
				if (!autoCommit) {
					c.rollback();
				}
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Run journal write failed", ex);
		}
	}

	/**
	 * Runs statements in one transaction; the action returns {@code null} to roll back.
	 */
	<T> @Nullable T transaction(ConnectionCallback<@Nullable T> action) {
		return transaction(action, true);
	}

	/**
	 * Runs statements in one transaction that commits whatever the action returns (an
	 * action that decides to write nothing returns before writing), and rolls back when
	 * it throws.
	 */
	<T> T inTransaction(ConnectionCallback<T> action) {
		return transaction(action, false);
	}

	private <T> T transaction(ConnectionCallback<T> action, boolean nullRollsBack) {
		try (Connection c = this.dataSource.getConnection()) {
			boolean autoCommit = c.getAutoCommit();
			c.setAutoCommit(false);
			try {
				T result = action.doInConnection(c);
				if (result != null || !nullRollsBack) {
					c.commit();
				}
				else {
					c.rollback();
				}
				return result;
			}
			catch (SQLException | RuntimeException ex) {
				c.rollback();
				throw ex;
			}
			finally {
				c.setAutoCommit(autoCommit);
			}
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Run journal write failed", ex);
		}
	}

	static void bind(PreparedStatement ps, @Nullable Object... args) throws SQLException {
		bindFrom(ps, 1, args);
	}

	static void bindFrom(PreparedStatement ps, int first, @Nullable Object... args) throws SQLException {
		for (int i = 0; i < args.length; i++) {
			Object arg = args[i];
			if (arg == null) {
				ps.setNull(first + i, Types.NULL);
			}
			else {
				ps.setObject(first + i, arg);
			}
		}
	}

	static boolean exists(Connection connection, String sql, @Nullable Object... args) throws SQLException {
		try (PreparedStatement ps = connection.prepareStatement(sql)) {
			bind(ps, args);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next();
			}
		}
	}

	static boolean isUniqueViolation(SQLException ex) {
		return "23505".equals(ex.getSQLState());
	}

	static @Nullable OffsetDateTime time(@Nullable Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : null;
	}

	static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
		return (time != null) ? time.toInstant() : null;
	}

	@FunctionalInterface
	interface ConnectionCallback<T> {

		T doInConnection(Connection connection) throws SQLException;

	}

	@FunctionalInterface
	interface RowMapper<T> {

		T map(ResultSet rs) throws SQLException;

	}

}
