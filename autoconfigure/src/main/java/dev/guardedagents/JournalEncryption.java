package dev.guardedagents;

import org.jspecify.annotations.Nullable;

/**
 * The encryption of the journal's payloads at rest
 * ({@code guarded-agents.journal.encryption.*}). Available as a bean whenever the journal
 * is.
 */
public interface JournalEncryption {

	/**
	 * Returns the id of the key new payloads are encrypted with.
	 * @return the key id, or {@code null} when payloads are written in clear
	 */
	@Nullable String activeKey();

	/**
	 * Rewrites every payload of the journal that is not encrypted with the active key:
	 * rows written before encryption was turned on, and rows encrypted with an older key
	 * (which must still be configured to be read). Without an active key it decrypts
	 * every payload instead. Works in batches of short transactions while runs go on; a
	 * payload that changed meanwhile is left for the next call. Once it returns 0, keys
	 * other than the active one may be removed from the configuration.
	 * @return how many payloads were rewritten
	 * @throws IllegalStateException if a payload is encrypted with a key that is not
	 * configured
	 */
	long reencrypt();

}
