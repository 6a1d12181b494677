package dev.guardedagents.internal.run;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.guardedagents.StepKind;
import dev.guardedagents.internal.store.StepRow;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The model conversations of one execution of a run, so that each message is journaled
 * once: a request whose messages begin with those of a request journaled earlier in the
 * run is journaled as {@code "after": <that step's position>} and only the messages that
 * follow. A tool loop of N rounds then journals O(N) message text instead of O(N^2). The
 * last few requests are kept (several conversations may interleave in one run); after a
 * resume they are rebuilt from the replayed steps.
 */
public final class Conversation {

	/**
	 * The field of a journaled request that names the step it continues.
	 */
	static final String AFTER = "after";

	private static final int KEPT = 4;

	private final Deque<Journaled> recent = new ArrayDeque<>();

	/**
	 * Returns how a request is journaled: as the continuation of the longest earlier
	 * request it begins with, else whole.
	 * @param request the request
	 * @return the JSON to journal
	 */
	synchronized String journaled(ModelRequest request) {
		Journaled longest = null;
		for (Journaled earlier : this.recent) {
			if ((longest == null || earlier.messages().size() > longest.messages().size())
					&& startsWith(request.messages(), earlier.messages())) {
				longest = earlier;
			}
		}
		return (longest != null) ? request.after(longest.seq(), longest.messages().size()) : request.full();
	}

	private static boolean startsWith(List<String> messages, List<String> prefix) {
		if (prefix.isEmpty() || prefix.size() > messages.size()) {
			return false;
		}
		for (int i = prefix.size() - 1; i >= 0; i--) {
			if (!prefix.get(i).equals(messages.get(i))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Remembers a request once its step is journaled.
	 * @param seq the step's position
	 * @param messages the request's messages
	 */
	synchronized void remember(int seq, List<String> messages) {
		this.recent.removeIf((earlier) -> earlier.seq() == seq);
		this.recent.addFirst(new Journaled(seq, List.copyOf(messages)));
		while (this.recent.size() > KEPT) {
			this.recent.removeLast();
		}
	}

	/**
	 * Remembers a request replayed from the journal, rebuilding its messages from the
	 * earlier request it continues; one whose earlier request is not known is forgotten,
	 * so the next request is journaled whole.
	 * @param seq the step's position
	 * @param input the journaled request
	 * @param mapper reads and writes the journal's JSON
	 */
	synchronized void replayed(int seq, @Nullable String input, JsonMapper mapper) {
		Map<Integer, List<String>> known = new HashMap<>();
		this.recent.forEach((earlier) -> known.put(earlier.seq(), earlier.messages()));
		List<String> messages = messages(input, known, mapper);
		if (messages != null) {
			remember(seq, messages);
		}
	}

	/**
	 * Returns the whole request of a model step from the journal of its run, following
	 * the earlier requests it continues.
	 * @param steps the run's steps, in order, up to and including the step
	 * @param seq the step's position
	 * @param mapper reads and writes the journal's JSON
	 * @return the request as JSON, or {@code null} if it cannot be rebuilt
	 */
	public static @Nullable String rebuild(List<StepRow> steps, int seq, JsonMapper mapper) {
		Map<Integer, List<String>> known = new HashMap<>();
		for (StepRow step : steps) {
			if (step.kind() != StepKind.LLM || step.seq() > seq) {
				continue;
			}
			List<String> messages = messages(step.input(), known, mapper);
			if (messages == null) {
				continue;
			}
			known.put(step.seq(), messages);
			if (step.seq() == seq) {
				ObjectNode request = (ObjectNode) mapper.readTree(step.input());
				request.remove(AFTER);
				ArrayNode all = request.putArray("messages");
				messages.forEach((message) -> all.add(mapper.readTree(message)));
				return mapper.writeValueAsString(request);
			}
		}
		return null;
	}

	private static @Nullable List<String> messages(@Nullable String input, Map<Integer, List<String>> known,
			JsonMapper mapper) {
		if (input == null) {
			return null;
		}
		try {
			JsonNode request = mapper.readTree(input);
			JsonNode own = request.get("messages");
			if (!(own instanceof ArrayNode array)) {
				return null;
			}
			List<String> messages = new ArrayList<>();
			JsonNode after = request.get(AFTER);
			if (after != null) {
				List<String> earlier = known.get(after.asInt());
				if (earlier == null) {
					return null;
				}
				messages.addAll(earlier);
			}
			for (JsonNode message : array) {
				messages.add(mapper.writeValueAsString(message));
			}
			return messages;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * A request journaled in this run.
	 *
	 * @param seq its step's position
	 * @param messages its messages as JSON
	 */
	private record Journaled(int seq, List<String> messages) {
	}

}
