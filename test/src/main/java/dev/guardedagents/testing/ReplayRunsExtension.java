package dev.guardedagents.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.guardedagents.spi.JournalCodec;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.util.StreamUtils;

/**
 * Provides one invocation of a {@link ReplayRuns} method per exported run.
 */
class ReplayRunsExtension implements TestTemplateInvocationContextProvider {

	private final JsonMapper mapper = JournalCodec.standard(List.of()).mapper();

	@Override
	public boolean supportsTestTemplate(ExtensionContext context) {
		return context.getTestMethod().map((method) -> method.isAnnotationPresent(ReplayRuns.class)).orElse(false);
	}

	@Override
	public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
		ReplayRuns replay = context.getRequiredTestMethod().getAnnotation(ReplayRuns.class);
		String folder = replay.value().endsWith("/") ? replay.value() : replay.value() + "/";
		Resource[] files;
		try {
			ResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
			files = resolver.getResources(folder + "**/*.json");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not list the exported runs at " + folder, ex);
		}
		if (files.length == 0) {
			throw new IllegalStateException("No exported run (*.json) at " + folder
					+ "; export runs with AgentRuns.export(runId) or GET /actuator/agentruns/{runId}/export");
		}
		Set<String> versions = Set.of(replay.versions());
		return Arrays.stream(files).map((file) -> invocation(read(file).serving(versions)));
	}

	private RecordedRun read(Resource file) {
		try {
			String json = StreamUtils.copyToString(file.getInputStream(), StandardCharsets.UTF_8);
			return RecordedRun.parse(String.valueOf(file.getFilename()), json, this.mapper);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not read " + file, ex);
		}
	}

	private static TestTemplateInvocationContext invocation(RecordedRun run) {
		return new TestTemplateInvocationContext() {

			@Override
			public String getDisplayName(int invocationIndex) {
				return run.toString();
			}

			@Override
			public List<Extension> getAdditionalExtensions() {
				return List.of(new ParameterResolver() {

					@Override
					public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
						return parameter.getParameter().getType() == RecordedRun.class;
					}

					@Override
					public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
						return run;
					}

				});
			}

		};
	}

}
