package dev.guardedagents.sample;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.guardedagents.AgentRun;
import dev.guardedagents.CheckpointRejectedException;
import dev.guardedagents.Prompts;
import dev.guardedagents.RenderedPrompt;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.stereotype.Service;

/**
 * The plan of a ticket triage. Deterministic: everything that varies happens in steps,
 * the model call included.
 */
@Service
public class TriageAgent {

	private final TicketTools tools;

	private final ChatClient chat;

	private final Prompts prompts;

	private final LiveReplies replies;

	TriageAgent(TicketTools tools, ChatClient chat, Prompts prompts, LiveReplies replies) {
		this.tools = tools;
		this.chat = chat;
		this.prompts = prompts;
		this.replies = replies;
	}

	/**
	 * Triages a ticket, once per ticket however often it is asked.
	 * @param ticketId the ticket id
	 * @return the outcome
	 */
	@AgentRun(name = "ticket-triage", version = "2", idempotencyKey = "'ticket-' + #ticketId",
			businessKey = "#ticketId")
	public Outcome triage(long ticketId) {
		String text = this.tools.load(ticketId);
		String category = classify(text);
		try {
			return new Outcome(ticketId, category, this.tools.reply(ticketId, category));
		}
		catch (CheckpointRejectedException ex) {
			return new Outcome(ticketId, category, "not sent: " + ex.getMessage());
		}
	}

	/**
	 * Drafts an answer to a ticket, streamed to its reader as the model writes it: the
	 * streamed model call is one journaled step, and a resumed run replays it.
	 * @param ticketId the ticket id
	 * @return the answer
	 */
	@AgentRun(name = "ticket-answer")
	public String answer(long ticketId) {
		String text = this.tools.load(ticketId);
		try {
			List<String> chunks = this.chat.prompt()
				.user("Write a short reply to this customer ticket: " + text)
				.stream()
				.content()
				.doOnNext((chunk) -> this.replies.send(ticketId, chunk))
				.collectList()
				.block();
			return String.join("", chunks);
		}
		finally {
			this.replies.end(ticketId);
		}
	}

	private String classify(String text) {
		RenderedPrompt prompt = this.prompts.render("triage", Map.of("ticket", text));
		String answer = this.chat.prompt().user(prompt.text()).advisors(prompt).call().content();
		String category = (answer != null) ? answer.trim().toLowerCase(Locale.ROOT) : "";
		return switch (category) {
			case "billing", "technical" -> category;
			default -> "general";
		};
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
