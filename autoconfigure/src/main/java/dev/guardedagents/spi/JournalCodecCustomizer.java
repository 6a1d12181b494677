package dev.guardedagents.spi;

import tools.jackson.databind.json.JsonMapper;

/**
 * Adjusts the {@link JsonMapper} of the run journal's {@link JournalCodec}; declare beans
 * of this type. The application's {@code spring.jackson.*} settings do not apply to the
 * journal: a customizer is the place for what recorded values need (a module for your own
 * types, for example). A change here changes how recorded runs replay.
 */
@FunctionalInterface
public interface JournalCodecCustomizer {

	/**
	 * Customizes the builder of the journal's mapper.
	 * @param builder the builder
	 */
	void customize(JsonMapper.Builder builder);

}
