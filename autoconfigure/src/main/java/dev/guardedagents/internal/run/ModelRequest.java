package dev.guardedagents.internal.run;

import java.util.List;

/**
 * A model request as the journal writes it: its fields other than the messages, and each
 * message as JSON, so that a request that continues an earlier one of the same run can be
 * journaled as that one's position and the messages that follow.
 *
 * @param head the request's JSON object up to its messages: its opening brace and fields,
 * without the closing brace
 * @param messages each message as JSON, in order
 */
public record ModelRequest(String head, List<String> messages) {

	/**
	 * Returns the whole request as JSON.
	 * @return {@code {...,"messages":[...]}}
	 */
	public String full() {
		return this.head + ",\"messages\":[" + String.join(",", this.messages) + "]}";
	}

	/**
	 * Returns the request as the continuation of an earlier one.
	 * @param seq the position of the earlier request's step
	 * @param from how many messages the earlier request had: this one's messages before
	 * that are the earlier one's
	 * @return {@code {...,"after":seq,"messages":[messages from 'from' on]}}
	 */
	String after(int seq, int from) {
		return this.head + ",\"" + Conversation.AFTER + "\":" + seq + ",\"messages\":["
				+ String.join(",", this.messages.subList(from, this.messages.size())) + "]}";
	}

}
