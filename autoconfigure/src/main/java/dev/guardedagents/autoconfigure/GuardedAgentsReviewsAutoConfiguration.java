package dev.guardedagents.autoconfigure;

import java.time.Clock;

import dev.guardedagents.Reviews;
import dev.guardedagents.internal.review.DefaultReviews;
import dev.guardedagents.internal.review.ReviewDeadlines;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.run.ReviewEvents;
import dev.guardedagents.internal.run.RunRecovery;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.spi.JournalCodec;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of human checkpoint reviews: the {@link Reviews} bean and the
 * deadlines of reviews nobody decides.
 */
@AutoConfiguration(after = GuardedAgentsAutoConfiguration.class)
@ConditionalOnBean({ JdbcReviewStore.class, JdbcRunStore.class, RunRecovery.class, ReviewAccess.class })
public final class GuardedAgentsReviewsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(Reviews.class)
	DefaultReviews reviews(JdbcReviewStore store, JdbcRunStore runs, AgentRunRegistry registry, JournalCodec codec,
			ReviewEvents events, RunRecovery recovery, ReviewAccess access, GuardedAgentsProperties properties,
			@Qualifier(GuardedAgentsAutoConfiguration.CLOCK) ObjectProvider<Clock> clock) {
		GuardedAgentsProperties.Reviews reviews = properties.getReviews();
		return new DefaultReviews(store, runs, registry, codec.mapper(), events, recovery, access,
				reviews.getMaxCommentLength(), reviews.getMaxEditsSize().toBytes(),
				GuardedAgentsAutoConfiguration.clock(clock));
	}

	@Bean
	ReviewDeadlines guardedAgentsReviewDeadlines(JdbcReviewStore store, ReviewEvents events, RunRecovery recovery,
			GuardedAgentsProperties properties,
			@Qualifier(GuardedAgentsAutoConfiguration.CLOCK) ObjectProvider<Clock> clock) {
		return new ReviewDeadlines(store, events, recovery, properties.getReviews().getDeadlineCheckInterval(),
				GuardedAgentsAutoConfiguration.clock(clock));
	}

}
