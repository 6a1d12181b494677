package dev.guardedagents.testing;

import java.io.IOException;
import java.util.List;

import dev.guardedagents.AgentRun;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;

import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

/**
 * The components a {@link GuardedAgentsTest} scans: agents and tools, the classes with a
 * method annotated {@code @AgentRun}, {@code @GuardedTool}, {@code @HumanCheckpoint} or
 * Spring AI's {@code @Tool}. Every other scanned component (controllers, services,
 * {@code @Configuration} classes) is left out; the {@code @SpringBootConfiguration}
 * class's own {@code @Bean} methods and what a test {@code @Import}s still apply.
 */
final class GuardedAgentsTypeExcludeFilter extends TypeExcludeFilter {

	private static final List<String> STEP_ANNOTATIONS = List.of(AgentRun.class.getName(), GuardedTool.class.getName(),
			HumanCheckpoint.class.getName(), "org.springframework.ai.tool.annotation.Tool");

	@Override
	public boolean match(MetadataReader reader, MetadataReaderFactory factory) throws IOException {
		AnnotationMetadata metadata = reader.getAnnotationMetadata();
		return STEP_ANNOTATIONS.stream().noneMatch(metadata::hasAnnotatedMethods);
	}

	@Override
	public boolean equals(Object other) {
		return other != null && other.getClass() == getClass();
	}

	@Override
	public int hashCode() {
		return getClass().hashCode();
	}

}
