package dev.guardedagents.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs the real PostgreSQL named by
 * {@code GUARDED_AGENTS_TEST_POSTGRES_URL}. Without that variable the class is skipped
 * with a warning, unless {@code GUARDED_AGENTS_TEST_POSTGRES_REQUIRED=true} (as in CI),
 * where it fails; with it, an unreachable database fails the class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(PostgresCondition.class)
public @interface PostgresTest {

}
