package dev.guardedagents.sample;

import java.util.Map;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunHandle;
import reactor.core.publisher.Flux;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Files tickets and starts their triage as an asynchronous run.
 */
@RestController
class TicketController {

	private final TicketRepository tickets;

	private final TriageAgent agent;

	private final AgentRuns runs;

	private final LiveReplies replies;

	TicketController(TicketRepository tickets, TriageAgent agent, AgentRuns runs, LiveReplies replies) {
		this.tickets = tickets;
		this.agent = agent;
		this.runs = runs;
		this.replies = replies;
	}

	@PostMapping("/tickets")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, Object> file(@RequestBody Map<String, String> body) {
		Ticket ticket = this.tickets.save(new Ticket(body.getOrDefault("text", "")));
		RunHandle<TriageAgent.Outcome> run = this.runs.start(() -> this.agent.triage(ticket.getId()));
		return Map.of("ticketId", ticket.getId(), "runId", run.runId());
	}

	/**
	 * Drafts an answer to a ticket in a run and streams it as server-sent events while
	 * the model writes it.
	 */
	@GetMapping(path = "/tickets/{id}/answer", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<String> answer(@PathVariable long id) {
		if (!this.tickets.existsById(id)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No ticket " + id);
		}
		Flux<String> reply = this.replies.read(id);
		this.runs.start(() -> this.agent.answer(id));
		return reply;
	}

	@GetMapping("/tickets/{id}")
	Ticket ticket(@PathVariable long id) {
		return this.tickets.findById(id).orElseThrow();
	}

}
