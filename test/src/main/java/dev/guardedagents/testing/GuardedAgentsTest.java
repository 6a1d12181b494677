package dev.guardedagents.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;

/**
 * A test of agents, a slice of the application: only what runs need starts. The
 * auto-configuration is {@link AutoConfigureGuardedAgents}'s (the starter's, a
 * {@code DataSource} with its transactions, Jackson, Flyway or Liquibase, Spring AI's
 * {@code ChatClient.Builder} and tool calling; no web server, security, actuator or model
 * provider); component scanning keeps only agents and tools (classes with
 * {@code @AgentRun}, {@code @GuardedTool}, {@code @HumanCheckpoint} or {@code @Tool}
 * methods), beside the {@code @Bean} methods of the application class and what the test
 * {@code @Import}s. The journal is in the configured database, an in-memory H2 one when
 * none is configured; a {@link ScriptedChatModel} is the primary {@code ChatModel} when
 * Spring AI is on the class path; {@link TestRuns} decides reviews, moves the
 * {@link TestClock}, crashes and restarts runs, and asserts on them.
 *
 * <pre class="code">
 * &#64;GuardedAgentsTest
 * class RefundAgentTests {
 *
 *     &#64;Autowired RefundAgent agent;
 *     &#64;Autowired ScriptedChatModel model;
 *     &#64;Autowired TestRuns runs;
 *
 *     &#64;Test
 *     void refundsAfterApproval() {
 *         model.callTool("lookupOrder", "{\"id\":\"7\"}").answer("Refund order 7");
 *         String runId = runs.start(() -&gt; agent.handle("ticket-7"));
 *         runs.approve(runId);
 *         runs.assertThat(runId).succeeded().hasSteps("chat", "lookupOrder", "chat", "refund", "refund")
 *             .step("refund").ranOnce().wasApproved();
 *     }
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(GuardedAgentsTypeExcludeFilter.class)
@AutoConfigureGuardedAgents
@Import(GuardedAgentsTestConfiguration.class)
public @interface GuardedAgentsTest {

	/**
	 * Properties of the test's application context, in {@code key=value} form.
	 * @return the properties
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "properties")
	String[] properties() default {};

}
