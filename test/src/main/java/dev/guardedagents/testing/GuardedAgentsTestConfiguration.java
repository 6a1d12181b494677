package dev.guardedagents.testing;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.Reviews;
import dev.guardedagents.internal.review.ReviewDeadlines;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.run.RunRecovery;
import dev.guardedagents.internal.run.RunSchedules;
import dev.guardedagents.spi.JournalCodec;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The beans a {@link GuardedAgentsTest} adds: {@link TestRuns}, the {@link TestClock} of
 * runs, and a {@link ScriptedChatModel} when Spring AI is on the class path.
 */
@TestConfiguration(proxyBeanMethods = false)
public class GuardedAgentsTestConfiguration {

	private static final String CLOCK = "guardedAgentsClock";

	@Bean
	TestRuns guardedAgentsTestRuns(AgentRuns runs, Reviews reviews, RunEngine engine, RunRecovery recovery,
			ObjectProvider<ReviewDeadlines> deadlines, ObjectProvider<RunSchedules> schedules,
			@Qualifier(CLOCK) TestClock clock, JournalCodec codec) {
		return new TestRuns(runs, reviews, engine, recovery, deadlines.getIfAvailable(), schedules.getIfAvailable(),
				clock, codec.mapper());
	}

	/**
	 * The clock of runs, reviews and the journal, under the name the starter looks for.
	 * Not a candidate for injection by type, so that it never competes with a
	 * {@code Clock} of the application: tests reach it through {@link TestRuns#clock()}.
	 * @return the test clock
	 */
	@Bean(name = CLOCK, defaultCandidate = false)
	static TestClock guardedAgentsClock() {
		return new TestClock();
	}

	/**
	 * The scripted model, primary over any other {@code ChatModel}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.ai.chat.model.ChatModel")
	static class ScriptedModel {

		private static final String SCRIPTED = "guardedAgentsScriptedChatModel";

		@Bean(SCRIPTED)
		@Primary
		ScriptedChatModel guardedAgentsScriptedChatModel() {
			return new ScriptedChatModel();
		}

		/**
		 * The scripted model is the only primary one: a model the application declares
		 * primary (an offline model for development, say) stays a bean, injectable by
		 * name, but no longer answers the {@code ChatClient.Builder}.
		 * @return the post-processor
		 */
		@Bean
		static BeanFactoryPostProcessor guardedAgentsScriptedChatModelIsPrimary() {
			return (beanFactory) -> {
				for (String name : beanFactory.getBeanNamesForType(ChatModel.class, true, false)) {
					if (!name.equals(SCRIPTED) && beanFactory.containsBeanDefinition(name)) {
						beanFactory.getBeanDefinition(name).setPrimary(false);
					}
				}
			};
		}

	}

}
