package dev.guardedagents.sample;

import dev.guardedagents.AgentRun;
import dev.guardedagents.CheckpointRejectedException;

import org.springframework.stereotype.Service;

/**
 * The plan of a ticket triage. Deterministic: everything that varies happens in the steps
 * of {@link TicketTools}.
 */
@Service
public class TriageAgent {

	private final TicketTools tools;

	TriageAgent(TicketTools tools) {
		this.tools = tools;
	}

	/**
	 * Triages a ticket, once per ticket however often it is asked.
	 * @param ticketId the ticket id
	 * @return the outcome
	 */
	@AgentRun(name = "ticket-triage", version = "1", idempotencyKey = "'ticket-' + #ticketId",
			businessKey = "#ticketId")
	public Outcome triage(long ticketId) {
		String text = this.tools.load(ticketId);
		String category = this.tools.classify(text);
		try {
			return new Outcome(ticketId, category, this.tools.reply(ticketId, category));
		}
		catch (CheckpointRejectedException ex) {
			return new Outcome(ticketId, category, "not sent: " + ex.getMessage());
		}
	}

	/**
	 * The outcome of a triage.
	 *
	 * @param ticketId the ticket id
	 * @param category the category
	 * @param reply the reply sent
	 */
	public record Outcome(long ticketId, String category, String reply) {
	}

}
