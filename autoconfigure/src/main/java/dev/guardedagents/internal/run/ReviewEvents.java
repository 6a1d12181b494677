package dev.guardedagents.internal.run;

import dev.guardedagents.BudgetWarningEvent;
import dev.guardedagents.ReviewEvent;
import dev.guardedagents.internal.redaction.Redaction;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes {@link ReviewEvent}s after the change they announce was committed; a failing
 * listener is logged and never disturbs the run or the decision. Internal: not API.
 */
public final class ReviewEvents {

	private static final Log logger = LogFactory.getLog(ReviewEvents.class);

	private final ApplicationEventPublisher publisher;

	private final Redaction redaction;

	/**
	 * Creates a new instance that publishes reviews unredacted.
	 * @param publisher the application's event publisher
	 */
	public ReviewEvents(ApplicationEventPublisher publisher) {
		this(publisher, Redaction.NONE);
	}

	/**
	 * Creates a new instance.
	 * @param publisher the application's event publisher
	 * @param redaction what is masked of the review an event carries (its summary,
	 * comment, payload and edits)
	 */
	public ReviewEvents(ApplicationEventPublisher publisher, Redaction redaction) {
		this.publisher = publisher;
		this.redaction = redaction;
	}

	/**
	 * Publishes a budget warning; a failing listener is logged, not propagated.
	 * @param event the event
	 */
	public void publish(BudgetWarningEvent event) {
		publish(event, "the budget warning of run " + event.runId());
	}

	/**
	 * Publishes a review event; a failing listener is logged, not propagated.
	 * @param event the event
	 */
	public void publish(ReviewEvent event) {
		publish(new ReviewEvent(event.type(), this.redaction.view(event.review())),
				event.type() + " for review " + event.review().id());
	}

	private void publish(Object event, String what) {
		try {
			this.publisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of " + what + " failed", ex);
		}
	}

}
