package dev.guardedagents.autoconfigure;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import dev.guardedagents.Prompts;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.llm.ChatAdvisors;
import dev.guardedagents.internal.llm.ClasspathPrompts;
import dev.guardedagents.GuardedChatAdvisors;
import dev.guardedagents.internal.llm.ModelPricing;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.store.JdbcPromptStore;
import dev.guardedagents.spi.JournalCodec;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Auto-configuration of model calls as steps: every {@link ChatClient} built from Spring
 * AI's auto-configured builder gets the advisors that journal and guard its model calls
 * and the tools the model picks, priced from {@code guarded-agents.pricing}; and the
 * versioned {@link Prompts} under {@code classpath:prompts/}.
 */
@AutoConfiguration(after = GuardedAgentsAutoConfiguration.class)
@ConditionalOnClass(ChatClient.class)
@ConditionalOnBean(RunEngine.class)
public final class GuardedAgentsModelsAutoConfiguration {

	@Bean
	ModelPricing guardedAgentsModelPricing(GuardedAgentsProperties properties) {
		Map<String, ModelPricing.Price> prices = new HashMap<>();
		properties.getPricing()
			.forEach((model, price) -> prices.put(model, new ModelPricing.Price(price.getInputPerMillion(),
					price.getOutputPerMillion(), price.getCachedInputPerMillion())));
		return new ModelPricing(prices);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SmartInitializingSingleton guardedAgentsModelNamesCheck(ObjectProvider<GuardedAgentsProperties> properties,
			ObjectProvider<ModelPricing> pricing, ObjectProvider<ChatModel> chatModels) {
		return () -> {
			Set<String> models = new TreeSet<>();
			chatModels.orderedStream().forEach((chatModel) -> {
				ChatOptions options = chatModel.getDefaultOptions();
				if (options != null && options.getModel() != null) {
					models.add(options.getModel());
				}
			});
			ModelNamesCheck.check(properties.getObject(), pricing.getObject(), models);
		};
	}

	@Bean
	@ConditionalOnMissingBean
	ToolCallbackNames guardedAgentsToolCallbackNames(ObjectProvider<ToolCallback> callbacks) {
		return () -> callbacks.orderedStream().map((callback) -> callback.getToolDefinition().name()).toList();
	}

	@Bean
	JdbcPromptStore guardedAgentsPromptStore(DataSource dataSource, GuardedAgentsSchemaInitializer schema) {
		return new JdbcPromptStore(dataSource, schema.getSchema());
	}

	@Bean
	@ConditionalOnMissingBean(Prompts.class)
	ClasspathPrompts guardedAgentsPrompts(ResourcePatternResolver resolver, JdbcPromptStore store,
			@Qualifier(GuardedAgentsAutoConfiguration.CLOCK) ObjectProvider<Clock> clock) {
		return new ClasspathPrompts(resolver, store, GuardedAgentsAutoConfiguration.clock(clock));
	}

	@Bean
	@ConditionalOnMissingBean
	GuardedChatAdvisors guardedAgentsChatAdvisors(RunEngine engine, ToolGuards guards, AgentRunRegistry registry,
			ModelPricing pricing, JournalCodec codec, ObjectProvider<ClasspathPrompts> prompts) {
		return new ChatAdvisors(engine.externalSteps(), guards, registry, pricing, codec.mapper(),
				prompts.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean(name = "guardedAgentsChatClientCustomizer")
	ChatClientBuilderCustomizer guardedAgentsChatClientCustomizer(GuardedChatAdvisors advisors) {
		return (builder) -> builder.defaultAdvisors(advisors.tools(), advisors.model());
	}

}
