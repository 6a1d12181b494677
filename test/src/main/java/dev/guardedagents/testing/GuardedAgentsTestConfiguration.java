package dev.guardedagents.testing;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.Reviews;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.run.RunRecovery;
import dev.guardedagents.spi.JournalCodec;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The beans a {@link GuardedAgentsTest} adds: {@link TestRuns}, and a
 * {@link ScriptedChatModel} when Spring AI is on the class path.
 */
@TestConfiguration(proxyBeanMethods = false)
public class GuardedAgentsTestConfiguration {

	@Bean
	TestRuns guardedAgentsTestRuns(AgentRuns runs, Reviews reviews, RunEngine engine, RunRecovery recovery,
			JournalCodec codec) {
		return new TestRuns(runs, reviews, engine, recovery, codec.mapper());
	}

	/**
	 * The scripted model, primary over any other {@code ChatModel}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.ai.chat.model.ChatModel")
	static class ScriptedModel {

		@Bean
		@Primary
		ScriptedChatModel guardedAgentsScriptedChatModel() {
			return new ScriptedChatModel();
		}

	}

}
