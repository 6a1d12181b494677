package dev.guardedagents.autoconfigure;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Creates and migrates the run journal with a private Flyway: its own schema, its own
 * history table ({@code guarded_schema_history}) and its own migrations, so that it never
 * meets the application's Flyway. It is not a {@code Flyway} bean, so the application's
 * Flyway auto-configuration is unaffected.
 */
public class GuardedAgentsSchemaInitializer implements InitializingBean {

	private static final Log logger = LogFactory.getLog(GuardedAgentsSchemaInitializer.class);

	private final DataSource dataSource;

	private final String configuredSchema;

	private String schema;

	private final @Nullable String configuredUrl;

	/**
	 * Creates a new initializer.
	 * @param dataSource the data source holding the journal
	 * @param schema the schema of the journal tables, as configured
	 */
	public GuardedAgentsSchemaInitializer(DataSource dataSource, String schema) {
		this(dataSource, schema, null);
	}

	/**
	 * Creates the initializer of a DataSource configured with a known URL, whose settings
	 * (which the driver's metadata does not report) it checks.
	 * @param dataSource the data source of the journal
	 * @param schema the schema of the journal tables
	 * @param configuredUrl the URL the data source was configured with, if known
	 */
	public GuardedAgentsSchemaInitializer(DataSource dataSource, String schema, @Nullable String configuredUrl) {
		this.dataSource = dataSource;
		this.configuredSchema = schema;
		this.schema = schema;
		this.configuredUrl = configuredUrl;
	}

	@Override
	public void afterPropertiesSet() {
		String vendor;
		try (Connection connection = this.dataSource.getConnection()) {
			DatabaseMetaData metaData = connection.getMetaData();
			vendor = vendor(metaData.getDatabaseProductName());
			this.schema = fold(metaData, this.configuredSchema);
			if ("h2".equals(vendor)) {
				writeCommitsAtOnce(connection);
				warnAboutH2Url(metaData.getURL(), this.configuredUrl);
			}
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Cannot connect to the run journal database", ex);
		}
		MigrateResult result = Flyway.configure(getClass().getClassLoader())
			.dataSource(this.dataSource)
			.table("guarded_schema_history")
			.locations("classpath:dev/guardedagents/store/migration/" + vendor)
			.schemas(this.schema)
			.defaultSchema(this.schema)
			.createSchemas(true)
			.failOnMissingLocations(true)
			.load()
			.migrate();
		if (result.migrationsExecuted > 0) {
			logger.info("Migrated the Guarded Agents run journal in schema " + this.schema + " to version "
					+ result.targetSchemaVersion);
		}
	}

	/**
	 * An in-memory journal loses every run and review when the process ends, which
	 * defeats its purpose outside of tests; a file journal that H2 closes in its own
	 * shutdown hook is gone before a graceful shutdown hands the runs over.
	 */
	private static void warnAboutH2Url(@Nullable String url, @Nullable String configuredUrl) {
		if (url == null) {
			return;
		}
		if (url.startsWith("jdbc:h2:mem:")) {
			logger.warn("The Guarded Agents run journal is in an in-memory H2 database (" + url + "): every run and "
					+ "review is lost when the application stops, and runs interrupted by a crash or a deploy are "
					+ "never resumed. Use a file-based H2 (jdbc:h2:file:./data/app;DB_CLOSE_ON_EXIT=FALSE) for development and PostgreSQL "
					+ "in production.");
		}
		else if (configuredUrl != null && configuredUrl.startsWith("jdbc:h2:")
				&& !configuredUrl.toUpperCase(Locale.ROOT).contains("DB_CLOSE_ON_EXIT=FALSE")) {
			logger.warn("The Guarded Agents run journal is in an H2 database (" + url + ") that H2 closes in its own "
					+ "shutdown hook, before a graceful shutdown can hand this instance's runs over: a stop then "
					+ "behaves like a crash. Add ;DB_CLOSE_ON_EXIT=FALSE to the URL.");
		}
	}

	/**
	 * H2 writes committed transactions to its file up to a second late by default, so a
	 * killed process would lose runs and steps it had already recorded. The journal needs
	 * commits on disk (in the operating system's hands) when they return.
	 */
	private static void writeCommitsAtOnce(Connection connection) {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET WRITE_DELAY 0");
		}
		catch (SQLException ex) {
			logger.warn("Could not set WRITE_DELAY 0 on the H2 database (" + ex.getMessage()
					+ "): runs recorded in the last second before a crash may be lost. Add ;WRITE_DELAY=0 to the URL.");
		}
	}

	/**
	 * Returns the schema of the journal tables, as folded by the database (upper case on
	 * H2, lower case on PostgreSQL).
	 * @return the schema name
	 */
	public String getSchema() {
		return this.schema;
	}

	private static String vendor(String productName) {
		if ("H2".equals(productName)) {
			return "h2";
		}
		if ("PostgreSQL".equals(productName)) {
			return "postgresql";
		}
		throw new UnsupportedDatabaseException(productName);
	}

	private static String fold(DatabaseMetaData metaData, String name) throws SQLException {
		if (metaData.storesUpperCaseIdentifiers()) {
			return name.toUpperCase(Locale.ROOT);
		}
		if (metaData.storesLowerCaseIdentifiers()) {
			return name.toLowerCase(Locale.ROOT);
		}
		return name;
	}

}
