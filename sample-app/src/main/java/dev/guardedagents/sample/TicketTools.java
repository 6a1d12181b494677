package dev.guardedagents.sample;

import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.RunContext;
import dev.guardedagents.TimeoutOutcome;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The steps of the triage: each call is journaled, so a resumed run never repeats one
 * that completed.
 */
@Component
public class TicketTools {

	private final TicketRepository tickets;

	TicketTools(TicketRepository tickets) {
		this.tickets = tickets;
	}

	/**
	 * Loads the text of a ticket.
	 * @param ticketId the ticket id
	 * @return its text
	 */
	@GuardedTool(name = "load-ticket")
	public String load(long ticketId) {
		return this.tickets.findById(ticketId).orElseThrow().getText();
	}

	/**
	 * Answers a ticket; the step's idempotency key is what an email service would get.
	 * Replies about money wait for the billing team's approval.
	 * @param ticketId the ticket id
	 * @param category the category
	 * @return the reply sent
	 */
	@HumanCheckpoint(name = "billing-reply", when = "#category == 'billing'", reviewers = "billing-team",
			timeout = "4h", onTimeout = TimeoutOutcome.REJECT, summary = "'Reply to billing ticket ' + #ticketId")
	@GuardedTool(name = "send-reply")
	@Transactional
	public String reply(long ticketId, String category) {
		String reply = "Thanks, your " + category + " ticket is with our team (ref "
				+ RunContext.current().stepIdempotencyKey() + ")";
		this.tickets.findById(ticketId).orElseThrow().answer(category, reply);
		return reply;
	}

}
