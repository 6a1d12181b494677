package dev.guardedagents.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * The auto-configuration a {@link GuardedAgentsTest} applies: the starter's, and what
 * runs need of Spring Boot and Spring AI (a {@code DataSource} and its transactions,
 * Jackson, Flyway or Liquibase when the application uses them, the
 * {@code ChatClient.Builder} and tool calling); no web server, no security, no actuator,
 * no model provider. Put {@code @ImportAutoConfiguration} of more classes on a test that
 * needs them, such as Spring Data repositories its tools use.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureGuardedAgents {

}
