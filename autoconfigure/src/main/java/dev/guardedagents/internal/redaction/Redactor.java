package dev.guardedagents.internal.redaction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Masks the matches of the redaction patterns in text and in the strings of JSON, as
 * {@code [redacted:<name>]}. A match of the pattern named {@value #CARD_NUMBER} is masked
 * only when its digits pass the Luhn check, so that most numbers that are no card numbers
 * (order ids, timestamps) stay readable.
 */
public final class Redactor {

	/**
	 * The name of the pattern whose matches must pass the Luhn check.
	 */
	public static final String CARD_NUMBER = "card-number";

	/**
	 * A redactor that masks nothing.
	 */
	public static final Redactor NONE = new Redactor(Map.of());

	private final Map<String, Pattern> patterns;

	/**
	 * Creates a redactor.
	 * @param patterns the patterns by name, in the order they apply
	 */
	public Redactor(Map<String, Pattern> patterns) {
		this.patterns = new LinkedHashMap<>(patterns);
	}

	/**
	 * Masks the matches in a text.
	 * @param text the text, or {@code null}
	 * @return the text with every match masked
	 */
	public @Nullable String text(@Nullable String text) {
		if (text == null || this.patterns.isEmpty()) {
			return text;
		}
		String masked = text;
		for (Map.Entry<String, Pattern> pattern : this.patterns.entrySet()) {
			masked = mask(masked, pattern.getKey(), pattern.getValue());
		}
		return masked;
	}

	private static String mask(String text, String name, Pattern pattern) {
		Matcher matcher = pattern.matcher(text);
		if (!matcher.find()) {
			return text;
		}
		String replacement = Matcher.quoteReplacement("[redacted:" + name + "]");
		boolean luhn = CARD_NUMBER.equals(name);
		return matcher.replaceAll((match) -> (!luhn || passesLuhn(match.group())) ? replacement
				: Matcher.quoteReplacement(match.group()));
	}

	/**
	 * Masks the matches in every string of a JSON value, and in its integral numbers (a
	 * card number may be one): a masked number becomes a string.
	 * @param json the value (changed in place)
	 * @return the value, or a new one when it is a string itself
	 */
	public JsonNode json(JsonNode json) {
		if (this.patterns.isEmpty()) {
			return json;
		}
		if (json.isString() || json.isIntegralNumber()) {
			String text = json.asString();
			String masked = text(text);
			return (masked == null || masked.equals(text)) ? json : StringNode.valueOf(masked);
		}
		if (json instanceof ArrayNode array) {
			for (int i = 0; i < array.size(); i++) {
				array.set(i, json(array.get(i)));
			}
		}
		else if (json instanceof ObjectNode object) {
			for (String name : new ArrayList<>(object.propertyNames())) {
				object.set(name, json(object.get(name)));
			}
		}
		return json;
	}

	static boolean passesLuhn(String candidate) {
		int sum = 0;
		int digits = 0;
		for (int i = candidate.length() - 1; i >= 0; i--) {
			char c = candidate.charAt(i);
			if (c < '0' || c > '9') {
				continue;
			}
			int digit = c - '0';
			if (digits % 2 == 1) {
				digit *= 2;
				if (digit > 9) {
					digit -= 9;
				}
			}
			sum += digit;
			digits++;
		}
		return digits >= 13 && sum % 10 == 0;
	}

}
