package dev.guardedagents.spi;

import java.util.List;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the run journal writes values as JSON and reads them back: run arguments, step
 * inputs and results, model requests and responses, review payloads and edits. It has a
 * {@link JsonMapper} of its own, independent of the application's {@code JsonMapper} and
 * {@code spring.jackson.*} settings, so that changing those between deploys does not
 * change how recorded runs replay. Adjust it with {@link JournalCodecCustomizer} beans
 * (for example to register a module for your own types), or declare a bean of this type
 * to replace it; either way, keep the format of recorded runs readable.
 */
public final class JournalCodec {

	private final JsonMapper mapper;

	/**
	 * Creates a codec over the given mapper.
	 * @param mapper the mapper the journal writes and reads with
	 */
	public JournalCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Creates the standard codec: Jackson's defaults, with the modules found on the class
	 * path, tolerating properties a class no longer has (a recorded result replays after
	 * a field was removed), then the customizers in order.
	 * @param customizers the customizers to apply
	 * @return the codec
	 */
	public static JournalCodec standard(List<JournalCodecCustomizer> customizers) {
		JsonMapper.Builder builder = JsonMapper.builder()
			.findAndAddModules()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
		for (JournalCodecCustomizer customizer : customizers) {
			customizer.customize(builder);
		}
		return new JournalCodec(builder.build());
	}

	/**
	 * Returns the mapper the journal writes and reads with.
	 * @return the mapper
	 */
	public JsonMapper mapper() {
		return this.mapper;
	}

}
