package dev.guardedagents.autoconfigure;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/**
 * Makes beans that depend on database initialization (JPA, JDBC templates marked with
 * {@code @DependsOnDatabaseInitialization}) wait for the run journal migration. Ordered
 * after Flyway's detectors, so the application's own migrations run first.
 */
class GuardedAgentsSchemaInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(GuardedAgentsSchemaInitializer.class);
	}

	@Override
	public int getOrder() {
		return 10;
	}

}
