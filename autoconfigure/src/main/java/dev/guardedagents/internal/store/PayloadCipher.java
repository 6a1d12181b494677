package dev.guardedagents.internal.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Encrypts the journal's payload columns with AES-GCM: a sealed value is
 * {@code ga:enc:v1:<key id>:<base64 of IV, ciphertext and tag>}, the key id bound to it
 * as associated data. A value without the prefix is read as it is, so rows written before
 * encryption was turned on still read. Internal: not API.
 */
public final class PayloadCipher {

	/**
	 * The prefix of every sealed value.
	 */
	public static final String PREFIX = "ga:enc:v1:";

	/**
	 * A cipher that seals nothing and reads sealed values only to say which key is
	 * missing.
	 */
	public static final PayloadCipher NONE = new PayloadCipher(Map.of(), null);

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	private static final int IV_BYTES = 12;

	private static final int TAG_BITS = 128;

	private final Map<String, SecretKey> keys;

	private final @Nullable String activeKey;

	private final SecureRandom random = new SecureRandom();

	/**
	 * Creates a cipher.
	 * @param keys the AES keys (16, 24 or 32 bytes) by id: letters, digits and dashes
	 * @param activeKey the id of the key new values are sealed with, or {@code null} to
	 * seal nothing and only read
	 * @throws IllegalArgumentException if a key has another length or the active key is
	 * not one of the keys
	 */
	public PayloadCipher(Map<String, byte[]> keys, @Nullable String activeKey) {
		Map<String, SecretKey> secretKeys = new LinkedHashMap<>();
		keys.forEach((id, key) -> {
			if (key.length != 16 && key.length != 24 && key.length != 32) {
				throw new IllegalArgumentException(
						"Key '" + id + "' has " + key.length + " bytes; an AES key has 16, 24 or 32");
			}
			secretKeys.put(id, new SecretKeySpec(key, "AES"));
		});
		if (activeKey != null && !secretKeys.containsKey(activeKey)) {
			throw new IllegalArgumentException("The active key '" + activeKey + "' is not one of " + keys.keySet());
		}
		this.keys = Map.copyOf(secretKeys);
		this.activeKey = activeKey;
	}

	/**
	 * Whether new values are sealed.
	 * @return whether encryption is on
	 */
	public boolean seals() {
		return this.activeKey != null;
	}

	/**
	 * Returns the id of the key new values are sealed with.
	 * @return the key id, or {@code null} when nothing is sealed
	 */
	public @Nullable String activeKey() {
		return this.activeKey;
	}

	/**
	 * Seals a value with the active key.
	 * @param value the value, or {@code null}
	 * @return the sealed value, or the value itself when encryption is off
	 */
	public @Nullable String seal(@Nullable String value) {
		String keyId = this.activeKey;
		if (value == null || keyId == null) {
			return value;
		}
		byte[] iv = new byte[IV_BYTES];
		this.random.nextBytes(iv);
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.ENCRYPT_MODE, this.keys.get(keyId), new GCMParameterSpec(TAG_BITS, iv));
			cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
			byte[] stored = ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
			return PREFIX + keyId + ":" + Base64.getEncoder().encodeToString(stored);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not encrypt a journal value with key '" + keyId + "'", ex);
		}
	}

	/**
	 * Opens a value: a sealed one is decrypted with the key it names, any other is
	 * returned as it is.
	 * @param value the stored value, or {@code null}
	 * @return the plain value
	 * @throws IllegalStateException if the value names a key this cipher does not have,
	 * or does not decrypt with it (altered, or another key under the same id)
	 */
	public @Nullable String open(@Nullable String value) {
		if (value == null || !value.startsWith(PREFIX)) {
			return value;
		}
		int colon = value.indexOf(':', PREFIX.length());
		String keyId = (colon > 0) ? value.substring(PREFIX.length(), colon) : "";
		SecretKey key = this.keys.get(keyId);
		if (key == null) {
			throw new IllegalStateException("A journal value is encrypted with key '" + keyId + "', which "
					+ "guarded-agents.journal.encryption.keys does not have (it has " + this.keys.keySet()
					+ "): add that key back, under the same id");
		}
		try {
			byte[] stored = Base64.getDecoder().decode(value.substring(colon + 1));
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, IV_BYTES));
			cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
			return new String(cipher.doFinal(stored, IV_BYTES, stored.length - IV_BYTES), StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new IllegalStateException(
					"A journal value encrypted with key '" + keyId + "' does not decrypt: "
							+ "it was altered, or the key configured under that id is not the one it was written with",
					ex);
		}
	}

	/**
	 * Whether a stored value is sealed with the active key (or encryption is off and it
	 * is not sealed at all).
	 * @param value the stored value
	 * @return whether re-encrypting would leave it as it is
	 */
	boolean current(@Nullable String value) {
		if (value == null) {
			return true;
		}
		return (this.activeKey != null) ? value.startsWith(PREFIX + this.activeKey + ":") : !value.startsWith(PREFIX);
	}

}
