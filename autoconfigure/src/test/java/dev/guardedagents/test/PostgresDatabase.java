package dev.guardedagents.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Creates throw-away databases on the PostgreSQL server named by
 * {@code GUARDED_AGENTS_TEST_POSTGRES_URL}; they are dropped when the test JVM exits.
 */
public final class PostgresDatabase {

	static final String URL_VARIABLE = "GUARDED_AGENTS_TEST_POSTGRES_URL";

	private static final List<String> created = new CopyOnWriteArrayList<>();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(PostgresDatabase::dropAll));
	}

	private PostgresDatabase() {
	}

	static String serverUrl() {
		String url = System.getenv(URL_VARIABLE);
		return (url != null && !url.isBlank()) ? url : null;
	}

	static boolean required() {
		return "true".equalsIgnoreCase(System.getenv("GUARDED_AGENTS_TEST_POSTGRES_REQUIRED"));
	}

	/**
	 * Returns the user name for test connections.
	 * @return the user
	 */
	public static String user() {
		return env("GUARDED_AGENTS_TEST_POSTGRES_USER", "postgres");
	}

	/**
	 * Returns the password for test connections.
	 * @return the password
	 */
	public static String password() {
		return env("GUARDED_AGENTS_TEST_POSTGRES_PASSWORD", "postgres");
	}

	/**
	 * Creates a new empty database.
	 * @return its JDBC URL
	 */
	public static String create() {
		String server = serverUrl();
		if (server == null) {
			throw new IllegalStateException(URL_VARIABLE + " is not set");
		}
		String name = "guarded_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		DriverManager.setLoginTimeout(5);
		try (Connection connection = DriverManager.getConnection(server, user(), password());
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(
					URL_VARIABLE + "=" + server + " is set but PostgreSQL is unreachable: " + ex.getMessage(), ex);
		}
		created.add(name);
		int slash = server.lastIndexOf('/');
		int query = server.indexOf('?', slash);
		return server.substring(0, slash + 1) + name + ((query >= 0) ? server.substring(query) : "");
	}

	/**
	 * Points a Spring test context at a new database of its own.
	 * @param registry the registry of the test context's properties
	 */
	public static void register(DynamicPropertyRegistry registry) {
		String url = create();
		registry.add("spring.datasource.url", () -> url);
		registry.add("spring.datasource.username", PostgresDatabase::user);
		registry.add("spring.datasource.password", PostgresDatabase::password);
	}

	private static void dropAll() {
		String server = serverUrl();
		if (server == null || created.isEmpty()) {
			return;
		}
		try (Connection connection = DriverManager.getConnection(server, user(), password());
				Statement statement = connection.createStatement()) {
			for (String name : created) {
				statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
			}
		}
		catch (SQLException ex) {
			System.err.println("Could not drop test databases " + created + ": " + ex.getMessage());
		}
	}

	private static String env(String name, String defaultValue) {
		String value = System.getenv(name);
		return (value != null) ? value : defaultValue;
	}

}
