package dev.guardedagents.sample;

import java.util.Map;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunHandle;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Files tickets and starts their triage as an asynchronous run.
 */
@RestController
class TicketController {

	private final TicketRepository tickets;

	private final TriageAgent agent;

	private final AgentRuns runs;

	TicketController(TicketRepository tickets, TriageAgent agent, AgentRuns runs) {
		this.tickets = tickets;
		this.agent = agent;
		this.runs = runs;
	}

	@PostMapping("/tickets")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, Object> file(@RequestBody Map<String, String> body) {
		Ticket ticket = this.tickets.save(new Ticket(body.getOrDefault("text", "")));
		RunHandle<TriageAgent.Outcome> run = this.runs.start(() -> this.agent.triage(ticket.getId()));
		return Map.of("ticketId", ticket.getId(), "runId", run.runId());
	}

	@GetMapping("/tickets/{id}")
	Ticket ticket(@PathVariable long id) {
		return this.tickets.findById(id).orElseThrow();
	}

}
