package dev.guardedagents.internal.redaction;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import dev.guardedagents.Sensitive;
import dev.guardedagents.autoconfigure.GuardedAgentsProperties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The masking of the redaction patterns, with the built-in patterns as the properties
 * define them.
 */
class RedactorTests {

	private final Redactor redactor = new Redactor(builtIns());

	@Test
	void masksCardNumbersThatPassTheLuhnCheckOnly() {
		assertThat(this.redactor.text("card 4111 1111 1111 1111, or 4111-1111-1111-1111 or 4111111111111111"))
			.isEqualTo("card [redacted:card-number], or [redacted:card-number] or [redacted:card-number]");
		assertThat(this.redactor.text("order 4111111111111112 at 1733150000000"))
			.as("numbers failing the Luhn check stay")
			.isEqualTo("order 4111111111111112 at 1733150000000");
		assertThat(this.redactor.text("amex 378282246310005")).isEqualTo("amex [redacted:card-number]");
		assertThat(this.redactor.text("ticket 12345")).isEqualTo("ticket 12345");
	}

	@Test
	void masksEmailAddressesAndApiKeys() {
		assertThat(this.redactor.text("write to Ann.Lee+vip@mail.example.co.uk today"))
			.isEqualTo("write to [redacted:email] today");
		assertThat(this.redactor.text("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig=="))
			.isEqualTo("Authorization: [redacted:api-key]");
		assertThat(this.redactor.text("key sk-proj-abcdefghijklmnop1234 and AKIAIOSFODNN7EXAMPLE"))
			.isEqualTo("key [redacted:api-key] and [redacted:api-key]");
		assertThat(this.redactor.text("ghp_" + "a".repeat(36))).isEqualTo("[redacted:api-key]");
		assertThat(this.redactor.text("a bearer of good news")).isEqualTo("a bearer of good news");
		assertThat(this.redactor.text(null)).isNull();
	}

	@Test
	void masksEveryStringOfJsonAndKeepsItValid() {
		JsonMapper mapper = new JsonMapper();
		JsonNode json = mapper.readTree(
				"{\"to\":\"ann@example.com\",\"items\":[{\"card\":\"4111111111111111\"},42,\"ok\"],\"n\":4111111111111111}");
		assertThat(this.redactor.json(json)).hasToString(
				"{\"to\":\"[redacted:email]\",\"items\":[{\"card\":\"[redacted:card-number]\"},42,\"ok\"],\"n\":\"[redacted:card-number]\"}");
		assertThat(Redactor.NONE.text("ann@example.com")).isEqualTo("ann@example.com");
	}

	@Test
	void sensitivityIsReadFromParametersAndTheMethod() throws Exception {
		Sensitivity sensitivity = Sensitivity.of(Account.class.getDeclaredMethod("login", String.class, String.class));
		assertThat(sensitivity.positions()).containsExactly(1);
		assertThat(sensitivity.names()).containsExactly("password");
		assertThat(sensitivity.result()).isTrue();
		assertThat(Sensitivity.of(Account.class.getDeclaredMethod("name"))).isSameAs(Sensitivity.NONE);
		JsonMapper mapper = new JsonMapper();
		assertThat(sensitivity.maskArguments(mapper.readTree("[\"ann\",\"pw\"]")))
			.hasToString("[\"ann\",\"[sensitive]\"]");
		assertThat(sensitivity.maskArguments(mapper.readTree("{\"user\":\"ann\",\"password\":\"pw\"}")))
			.hasToString("{\"user\":\"ann\",\"password\":\"[sensitive]\"}");
	}

	static Map<String, Pattern> builtIns() {
		Map<String, Pattern> patterns = new LinkedHashMap<>();
		new GuardedAgentsProperties().getRedaction().compiledPatterns().forEach(patterns::put);
		return patterns;
	}

	static class Account {

		@Sensitive
		String login(String user, @Sensitive String password) {
			return user + password;
		}

		String name() {
			return "account";
		}

	}

}
