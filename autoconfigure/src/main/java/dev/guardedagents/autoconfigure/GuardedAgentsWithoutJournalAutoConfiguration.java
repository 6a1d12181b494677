package dev.guardedagents.autoconfigure;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import dev.guardedagents.AgentRun;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.internal.run.RunEngine;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * When Guarded Agents is enabled but could not start for want of a journal (no single
 * {@link DataSource}), fails start-up if the application uses its annotations, instead of
 * leaving them plain method calls without a word. Backs off when
 * {@link GuardedAgentsAutoConfiguration} was excluded on purpose or
 * {@code guarded-agents.enabled=false}.
 */
@AutoConfiguration(after = GuardedAgentsAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "guarded-agents.enabled", matchIfMissing = true)
@ConditionalOnMissingBean(RunEngine.class)
public final class GuardedAgentsWithoutJournalAutoConfiguration {

	private static final int SHOWN = 5;

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SmartInitializingSingleton guardedAgentsJournalCheck(ConfigurableListableBeanFactory beanFactory) {
		return () -> {
			ConditionEvaluationReport report = ConditionEvaluationReport.find(beanFactory);
			if (report != null && report.getExclusions().contains(GuardedAgentsAutoConfiguration.class.getName())) {
				return;
			}
			List<String> annotated = annotatedMethods(beanFactory);
			if (!annotated.isEmpty()) {
				throw new MissingJournalException(annotated, beanFactory.getBeanNamesForType(DataSource.class).length);
			}
		};
	}

	private static List<String> annotatedMethods(ConfigurableListableBeanFactory beanFactory) {
		List<String> annotated = new ArrayList<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			Class<?> type = beanFactory.getType(name, false);
			if (type == null || type.getName().startsWith("org.springframework.")) {
				continue;
			}
			Set<Method> methods = MethodIntrospector.selectMethods(ClassUtils.getUserClass(type),
					(ReflectionUtils.MethodFilter) (
							method) -> AnnotatedElementUtils.hasAnnotation(method, AgentRun.class)
									|| AnnotatedElementUtils.hasAnnotation(method, GuardedTool.class)
									|| AnnotatedElementUtils.hasAnnotation(method, HumanCheckpoint.class));
			for (Method method : methods) {
				if (annotated.size() < SHOWN) {
					annotated.add(method.getDeclaringClass().getSimpleName() + "." + method.getName());
				}
			}
		}
		return annotated;
	}

}
