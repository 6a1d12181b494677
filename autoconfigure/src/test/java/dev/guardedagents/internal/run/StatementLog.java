package dev.guardedagents.internal.run;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Wraps the DataSource to record the SQL each thread prepares, to count the statements a
 * run costs.
 */
class StatementLog implements BeanPostProcessor {

	record Statement(String thread, String sql) {
	}

	static final List<Statement> statements = new CopyOnWriteArrayList<>();

	/**
	 * When set, the next statement starting with it fails, as if the database went away.
	 */
	static volatile String failNext;

	/**
	 * How many more times statements starting with {@link #failNext} fail; once by
	 * default.
	 */
	static final AtomicInteger failures = new AtomicInteger(1);

	/**
	 * When set, the next statement starting with it executes, and then fails as if the
	 * connection broke before the database could say it committed.
	 */
	static volatile String failAfterNext;

	static List<String> of(Thread thread) {
		return statements.stream().filter((s) -> s.thread().equals(thread.getName())).map(Statement::sql).toList();
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DataSource dataSource) {
			return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { DataSource.class },
					(proxy, method, args) -> {
						Object result = invoke(dataSource, method, args);
						return (result instanceof Connection connection) ? logging(connection) : result;
					});
		}
		return bean;
	}

	private static Connection logging(Connection connection) {
		return (Connection) Proxy.newProxyInstance(StatementLog.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					if (method.getName().equals("prepareStatement")) {
						String sql = (String) args[0];
						statements.add(new Statement(Thread.currentThread().getName(), sql));
						String failing = failNext;
						if (failing != null && sql.startsWith(failing)) {
							if (failures.decrementAndGet() <= 0) {
								failNext = null;
								failures.set(1);
							}
							throw new SQLException("Connection reset (simulated)", "08006");
						}
					}
					Object result = invoke(connection, method, args);
					String failingAfter = failAfterNext;
					if (method.getName().equals("prepareStatement") && failingAfter != null
							&& ((String) args[0]).startsWith(failingAfter)) {
						failAfterNext = null;
						return failingAfterExecution((PreparedStatement) result);
					}
					return result;
				});
	}

	private static PreparedStatement failingAfterExecution(PreparedStatement statement) {
		return (PreparedStatement) Proxy.newProxyInstance(StatementLog.class.getClassLoader(),
				new Class<?>[] { PreparedStatement.class }, (proxy, method, args) -> {
					Object result = invoke(statement, method, args);
					if (method.getName().startsWith("execute")) {
						throw new SQLException("Connection reset after the statement ran (simulated)", "08006");
					}
					return result;
				});
	}

	private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

}
