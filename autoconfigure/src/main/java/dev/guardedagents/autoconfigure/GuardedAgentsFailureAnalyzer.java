package dev.guardedagents.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.guardedagents.internal.run.InstanceIdInUseException;
import dev.guardedagents.internal.run.InvalidAnnotationException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

/**
 * Explains start-up failures caused by Guarded Agents' configuration: an invalid
 * {@code guarded-agents.*} property, an annotation used wrongly (such as an expression
 * naming no parameter), reviews that nobody may decide, or a journal database without
 * migrations.
 */
class GuardedAgentsFailureAnalyzer implements FailureAnalyzer, Ordered {

	private static final String ADD_A_DATABASE = "Add a database for the run journal: com.h2database:h2 for "
			+ "development (a file URL such as spring.datasource.url=jdbc:h2:file:./data/app;DB_CLOSE_ON_EXIT=FALSE keeps runs across "
			+ "restarts), or org.postgresql:postgresql with spring.datasource.url for production. With several "
			+ "DataSource beans, mark the journal's @Primary. To use the annotations as plain methods, set "
			+ "guarded-agents.enabled=false.";

	private final @Nullable ListableBeanFactory beanFactory;

	GuardedAgentsFailureAnalyzer(@Nullable BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof MissingJournalException missing) {
				return new FailureAnalysis("Guarded Agents is not running, so " + missing.getMethods()
						+ " would be plain method calls: not journaled, not guarded, never asking a reviewer. "
						+ journalProblem(missing.getDataSources()), ADD_A_DATABASE, missing);
			}
			if (cause instanceof NoSuchBeanDefinitionException missing && missing.getBeanType() != null
					&& missing.getBeanType().getName().startsWith("dev.guardedagents.") && this.beanFactory != null
					&& !this.beanFactory.containsBeanDefinition("guardedAgentsRunEngine")
					&& !excludedOnPurpose(this.beanFactory)) {
				return new FailureAnalysis("No bean of type " + missing.getBeanType().getName()
						+ ": Guarded Agents is not running. "
						+ journalProblem(this.beanFactory.getBeanNamesForType(DataSource.class, true, false).length)
						+ " (or guarded-agents.enabled is false).", ADD_A_DATABASE, missing);
			}
			if (cause instanceof InvalidPropertyException invalid) {
				return new FailureAnalysis(
						"Invalid value '" + invalid.getValue() + "' for property '" + invalid.getProperty() + "': it "
								+ invalid.getReason() + ".",
						"Update '" + invalid.getProperty() + "' in your application's configuration. The reference "
								+ "of every guarded-agents property is in docs/configuration.md.",
						invalid);
			}
			if (cause instanceof UnboundConfigurationPropertiesException unbound) {
				FailureAnalysis analysis = unknownKeys(unbound);
				if (analysis != null) {
					return analysis;
				}
			}
			if (cause instanceof InstanceIdInUseException inUse) {
				return new FailureAnalysis(
						"Instance id '" + inUse.getInstanceId() + "' is held by a live instance (" + inUse.getHolder()
								+ "). Two live instances with one id would renew each other's leases, "
								+ "and the runs of one that dies would never be recovered.",
						"Give each instance an id of its own with guarded-agents.instance-id (the default, "
								+ "spring.application.name@hostname, is the same for two instances on one host), or "
								+ "stop the other instance.",
						inUse);
			}
			if (cause instanceof UnknownNamesException unknown) {
				return new FailureAnalysis(
						"Configuration names what the application does not have, so its settings would apply to "
								+ "nothing:\n - " + String.join("\n - ", unknown.getProblems()),
						"Correct the names, or remove the entries. See docs/configuration.md.", unknown);
			}
			if (cause instanceof InvalidAnnotationException invalid) {
				return new FailureAnalysis(invalid.getWhere() + " " + invalid.getProblem() + ".", invalid.getFix(),
						invalid);
			}
			if (cause instanceof MissingReviewersException missing) {
				return new FailureAnalysis(
						"Reviews can occur that nobody may decide:\n - " + String.join("\n - ", missing.getProblems()),
						"Name who decides each kind of review: the reviewers of each @HumanCheckpoint, and "
								+ "guarded-agents.reviews.kinds.<kind>.reviewers (authorities or user:<name>) for "
								+ "tool-failure, policy, budget and compensation reviews. For local development only, "
								+ "set guarded-agents.reviews.allow-anonymous=true. See docs/human-checkpoints.md.",
						missing);
			}
			if (cause instanceof UnsupportedDatabaseException unsupported) {
				return new FailureAnalysis(
						"The Guarded Agents run journal cannot be stored in " + unsupported.getProductName()
								+ ": it has migrations for H2 and PostgreSQL only.",
						"Use PostgreSQL (or H2 for development) as the application's DataSource, or set "
								+ "guarded-agents.enabled=false.",
						unsupported);
			}
		}
		return null;
	}

	private static @Nullable FailureAnalysis unknownKeys(UnboundConfigurationPropertiesException unbound) {
		List<String> problems = new ArrayList<>();
		for (ConfigurationProperty property : unbound.getUnboundProperties()) {
			String key = property.getName().toString();
			if (!key.startsWith("guarded-agents.")) {
				continue;
			}
			String closest = PropertyNames.closest(key);
			problems.add("'" + key + "'" + ((property.getOrigin() != null) ? " (" + property.getOrigin() + ")" : "")
					+ " is not a Guarded Agents property"
					+ ((closest != null) ? "; did you mean '" + closest + "'?" : ""));
		}
		if (problems.isEmpty()) {
			return null;
		}
		return new FailureAnalysis("Unknown configuration keys:\n - " + String.join("\n - ", problems),
				"Correct or remove the keys. Every guarded-agents property is listed in docs/configuration.md, and "
						+ "misspelled keys would otherwise switch a guard off without a word.",
				unbound);
	}

	private static boolean excludedOnPurpose(ListableBeanFactory beanFactory) {
		ConditionEvaluationReport report = ConditionEvaluationReport.find(beanFactory);
		return report != null && report.getExclusions().contains(GuardedAgentsAutoConfiguration.class.getName());
	}

	private static String journalProblem(int dataSources) {
		return (dataSources == 0) ? "It needs a DataSource for its run journal, and there is none"
				: "It needs a single DataSource for its run journal, and there are " + dataSources
						+ " without a @Primary one";
	}

}
