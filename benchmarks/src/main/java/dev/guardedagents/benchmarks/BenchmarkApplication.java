package dev.guardedagents.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The application the benchmarks start, once per database.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BenchmarkApplication {

	@Bean
	NoopTools noopTools() {
		return new NoopTools();
	}

	@Bean
	BenchmarkAgent benchmarkAgent(NoopTools tools) {
		return new BenchmarkAgent(tools);
	}

}
