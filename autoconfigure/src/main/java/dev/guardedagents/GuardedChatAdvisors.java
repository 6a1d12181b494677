package dev.guardedagents;

import org.springframework.ai.chat.client.advisor.api.Advisor;

/**
 * The two advisors that make a {@code ChatClient} guarded and journaled: one that guards
 * the tools of a request (outside Spring AI's tool loop) and one that journals each model
 * call (inside it), for calls and streams alike. Every {@code ChatClient.Builder} from
 * Spring AI's auto-configuration gets them; add them to a client built by hand:
 * {@code ChatClient.builder(model).defaultAdvisors(advisors.tools(), advisors.model())}.
 * Available as a bean when Spring AI is on the classpath.
 */
public interface GuardedChatAdvisors {

	/**
	 * Returns the advisor that guards the tools of a request; for a stream in a run, it
	 * also carries the run to the threads the stream continues on.
	 * @return the advisor, to be added before {@link #model()}
	 */
	Advisor tools();

	/**
	 * Returns the advisor that journals model calls.
	 * @return the advisor
	 */
	Advisor model();

}
