package dev.guardedagents.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.stereotype.Component;

/**
 * The readers of replies being written: a run's plan sends each chunk of the reply it
 * streams from the model here, and the reader of the ticket's answer gets it at once. A
 * replayed run sends its recorded reply as one chunk, to whoever reads then.
 */
@Component
public class LiveReplies {

	private final Map<Long, Sinks.Many<String>> readers = new ConcurrentHashMap<>();

	/**
	 * Opens the reply of a ticket for reading, before its run starts.
	 * @param ticketId the ticket id
	 * @return the chunks, ending when the reply is written
	 */
	Flux<String> read(long ticketId) {
		return this.readers.computeIfAbsent(ticketId, (id) -> Sinks.many().replay().all()).asFlux();
	}

	/**
	 * Sends a chunk of a ticket's reply to its reader, if any.
	 * @param ticketId the ticket id
	 * @param chunk the chunk
	 */
	void send(long ticketId, String chunk) {
		Sinks.Many<String> reader = this.readers.get(ticketId);
		if (reader != null) {
			reader.tryEmitNext(chunk);
		}
	}

	/**
	 * Ends the reply of a ticket.
	 * @param ticketId the ticket id
	 */
	void end(long ticketId) {
		Sinks.Many<String> reader = this.readers.remove(ticketId);
		if (reader != null) {
			reader.tryEmitComplete();
		}
	}

}
