package dev.guardedagents.internal.guard;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import dev.guardedagents.FailureMode;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.ModelStreamBrokenException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * The guards of all tools, keyed by tool name, each resolved once: its settings, its
 * Resilience4j retry, circuit breaker and bulkhead (from this application's own
 * registries, apart from any Resilience4j configuration of the application), and its
 * fallback method. Internal: not API.
 */
public final class ToolGuards implements DisposableBean {

	private final GuardSettings defaults;

	private final Map<String, GuardSettings> configured;

	private final RetryRegistry retries = RetryRegistry.ofDefaults();

	private final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.ofDefaults();

	private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();

	private final Watchdog watchdog = new Watchdog();

	private final GuardSettings modelDefaults;

	private final Map<String, GuardSettings> models;

	private final RateLimit.Settings modelRateLimitDefaults;

	private final Map<String, RateLimit.Settings> modelRateLimits;

	private final UnaryOperator<String> placeholders;

	private final Map<Method, ToolGuard> guards = new ConcurrentHashMap<>();

	private final Map<String, ToolGuard> namedGuards = new ConcurrentHashMap<>();

	/**
	 * Creates the guards of tools and models.
	 * @param defaults the settings of tools without settings of their own
	 * @param configured the settings of named tools
	 * @param modelDefaults the settings of models without settings of their own
	 * @param models the settings of named models
	 */
	public ToolGuards(GuardSettings defaults, Map<String, GuardSettings> configured, GuardSettings modelDefaults,
			Map<String, GuardSettings> models) {
		this(defaults, configured, modelDefaults, models, RateLimit.Settings.NONE, Map.of(), UnaryOperator.identity());
	}

	/**
	 * Creates the guards, resolving {@code ${...}} placeholders in the duration
	 * attributes of {@link GuardedTool}.
	 * @param defaults the settings of tools not configured by name
	 * @param configured the settings of tools configured by name
	 * @param modelDefaults the settings of models not configured by name
	 * @param models the settings of models configured by name
	 * @param modelRateLimitDefaults the rate limit of each model not configured by name
	 * @param modelRateLimits the rate limits of models configured by name
	 * @param placeholders resolves placeholders
	 */
	public ToolGuards(GuardSettings defaults, Map<String, GuardSettings> configured, GuardSettings modelDefaults,
			Map<String, GuardSettings> models, RateLimit.Settings modelRateLimitDefaults,
			Map<String, RateLimit.Settings> modelRateLimits, UnaryOperator<String> placeholders) {
		this.defaults = defaults;
		this.configured = Map.copyOf(configured);
		this.modelDefaults = modelDefaults;
		this.models = Map.copyOf(models);
		this.modelRateLimitDefaults = modelRateLimitDefaults;
		this.modelRateLimits = Map.copyOf(modelRateLimits);
		this.placeholders = placeholders;
	}

	/**
	 * Returns the guard of a tool's compensation: the tool's settings, with circuit
	 * breaker, retry and bulkhead of its own (named {@code <tool>:compensation}), so that
	 * failing compensations do not open the tool's circuit, nor the tool's failures block
	 * its compensations.
	 * @param tool the tool method
	 * @param name the tool name
	 * @return the guard
	 */
	public ToolGuard compensation(Method tool, String name) {
		return this.namedGuards.computeIfAbsent("compensation:" + name,
				(key) -> create(name + ":compensation", settings(tool, name), null));
	}

	/**
	 * Returns the guard of a tool that is not a bean method (such as a function the model
	 * may call), configured by name only.
	 * @param name the tool name
	 * @return the guard
	 */
	public ToolGuard tool(String name) {
		return this.namedGuards.computeIfAbsent("tool:" + name,
				(key) -> create(name, this.configured.getOrDefault(name, this.defaults), null));
	}

	/**
	 * Returns the guard of the engine's own steps of child runs (their start, the wait
	 * for their end): one attempt, no circuit breaker, no fallback, failures thrown; the
	 * default time limit. Not configurable: a child's failure is its outcome, not a fault
	 * to retry.
	 * @param name the step name
	 * @return the guard
	 */
	public ToolGuard child(String name) {
		GuardSettings d = this.defaults;
		return this.namedGuards.computeIfAbsent("child:" + name, (key) -> create("child:" + name,
				new GuardSettings(d.timeout(), 1, d.backoffInitial(), d.backoffMultiplier(), d.backoffMax(), d.jitter(),
						List.of(), List.of(), false, d.failureRateThreshold(), d.slidingWindowSize(),
						d.minimumNumberOfCalls(), d.waitInOpenState(), Integer.MAX_VALUE, FailureMode.THROW, false),
				null));
	}

	/**
	 * Returns the guard of the calls of a model.
	 * @param model the model id
	 * @return the guard
	 */
	public ToolGuard model(String model) {
		return this.namedGuards.computeIfAbsent("model:" + model,
				(key) -> create("model:" + model, this.models.getOrDefault(model, this.modelDefaults), null,
						RateLimit.of(model, this.modelRateLimits.getOrDefault(model, this.modelRateLimitDefaults))));
	}

	/**
	 * Returns the guard of a tool method.
	 * @param method the method, as declared by the target class
	 * @param name the tool name
	 * @return the guard
	 */
	public ToolGuard guard(Method method, String name) {
		return this.guards.computeIfAbsent(method, (key) -> create(method, name));
	}

	private ToolGuard create(Method method, String name) {
		return create(name, settings(method, name), fallback(method));
	}

	private ToolGuard create(String name, GuardSettings settings, @Nullable Method fallback) {
		return create(name, settings, fallback, null);
	}

	private ToolGuard create(String name, GuardSettings settings, @Nullable Method fallback,
			@Nullable RateLimit rateLimit) {
		Retry retry = this.retries.retry(name, retryConfig(settings));
		CircuitBreaker circuitBreaker = settings.circuitBreaker()
				? this.circuitBreakers.circuitBreaker(name, circuitBreakerConfig(settings)) : null;
		Bulkhead bulkhead = this.bulkheads.bulkhead(name,
				BulkheadConfig.custom()
					.maxConcurrentCalls(settings.maxConcurrentCalls())
					.maxWaitDuration(Duration.ZERO)
					.build());
		return new ToolGuard(name, settings, retry, circuitBreaker, bulkhead, fallback, this.watchdog, rateLimit);
	}

	/**
	 * Resolves the effective settings of a tool: the annotation over its configured
	 * settings over the defaults.
	 * @param method the tool method
	 * @param name the tool name
	 * @return the settings
	 */
	public GuardSettings settings(Method method, String name) {
		GuardSettings base = this.configured.getOrDefault(name, this.defaults);
		GuardedTool annotation = AnnotatedElementUtils.findMergedAnnotation(method, GuardedTool.class);
		if (annotation == null) {
			return base;
		}
		List<Class<? extends Throwable>> retryFor = (annotation.retryFor().length > 0)
				? Arrays.asList(annotation.retryFor()) : base.retryFor();
		List<Class<? extends Throwable>> noRetryFor = (annotation.noRetryFor().length > 0)
				? Arrays.asList(annotation.noRetryFor()) : base.noRetryFor();
		return new GuardSettings(duration(annotation.timeout(), base.timeout()),
				(annotation.maxAttempts() > 0) ? annotation.maxAttempts() : base.maxAttempts(),
				duration(annotation.backoffInitial(), base.backoffInitial()),
				(annotation.backoffMultiplier() != 0) ? annotation.backoffMultiplier() : base.backoffMultiplier(),
				duration(annotation.backoffMax(), base.backoffMax()),
				(annotation.jitter() >= 0) ? annotation.jitter() : base.jitter(), retryFor, noRetryFor,
				base.circuitBreaker(),
				(annotation.failureRateThreshold() != 0) ? annotation.failureRateThreshold()
						: base.failureRateThreshold(),
				(annotation.slidingWindowSize() > 0) ? annotation.slidingWindowSize() : base.slidingWindowSize(),
				base.minimumNumberOfCalls(), duration(annotation.waitInOpenState(), base.waitInOpenState()),
				(annotation.maxConcurrentCalls() > 0) ? annotation.maxConcurrentCalls() : base.maxConcurrentCalls(),
				(annotation.onFailure().length > 0) ? annotation.onFailure()[0] : base.onFailure(),
				base.cancelInterrupts());
	}

	private Duration duration(String text, Duration configured) {
		return StringUtils.hasText(text) ? DurationStyle.detectAndParse(this.placeholders.apply(text)) : configured;
	}

	/**
	 * Checks the guard attributes of a {@link GuardedTool} method, so that a mistake
	 * fails start-up rather than the first call.
	 * @param method the method
	 * @param placeholders resolves {@code ${...}} placeholders in duration attributes
	 * @return a description of the problem, or {@code null} if there is none
	 */
	public static @Nullable String check(Method method, UnaryOperator<String> placeholders) {
		GuardedTool annotation = AnnotatedElementUtils.findMergedAnnotation(method, GuardedTool.class);
		if (annotation == null) {
			return null;
		}
		for (String[] duration : new String[][] { { "timeout", annotation.timeout() },
				{ "backoffInitial", annotation.backoffInitial() }, { "backoffMax", annotation.backoffMax() },
				{ "waitInOpenState", annotation.waitInOpenState() } }) {
			if (StringUtils.hasText(duration[1])) {
				String text;
				try {
					text = placeholders.apply(duration[1]);
				}
				catch (IllegalArgumentException ex) {
					return "has a " + duration[0] + " '" + duration[1] + "' whose placeholder cannot be resolved ("
							+ ex.getMessage() + "); define the property, or give a default: ${name:default}";
				}
				try {
					Duration value = DurationStyle.detectAndParse(text);
					if (value.isNegative() || value.isZero()) {
						return "has a " + duration[0] + " '" + duration[1] + "' that is not positive";
					}
				}
				catch (IllegalArgumentException ex) {
					return "has an invalid " + duration[0] + " '" + duration[1]
							+ "': use a duration such as 10s or PT10S";
				}
			}
		}
		if (annotation.backoffMultiplier() != 0 && annotation.backoffMultiplier() < 1) {
			return "has a backoffMultiplier below 1";
		}
		if (annotation.jitter() >= 1) {
			return "has a jitter of 1 or more; it must be below 1";
		}
		if (annotation.failureRateThreshold() < 0 || annotation.failureRateThreshold() > 100) {
			return "has a failureRateThreshold outside 0 to 100";
		}
		if (annotation.onFailure().length > 1) {
			return "names more than one onFailure mode";
		}
		if (StringUtils.hasText(annotation.fallbackMethod()) && fallback(method) == null) {
			return "names fallbackMethod '" + annotation.fallbackMethod() + "', but "
					+ method.getDeclaringClass().getSimpleName() + " has no method of that name taking "
					+ Arrays.toString(method.getParameterTypes())
					+ ", optionally followed by a Throwable, and returning " + method.getReturnType().getSimpleName();
		}
		return null;
	}

	private static @Nullable Method fallback(Method method) {
		GuardedTool annotation = AnnotatedElementUtils.findMergedAnnotation(method, GuardedTool.class);
		if (annotation == null || !StringUtils.hasText(annotation.fallbackMethod())) {
			return null;
		}
		Class<?>[] parameters = method.getParameterTypes();
		Class<?>[] withFailure = Arrays.copyOf(parameters, parameters.length + 1);
		withFailure[parameters.length] = Throwable.class;
		for (Class<?>[] signature : List.of(withFailure, parameters)) {
			Method fallback = ReflectionUtils.findMethod(method.getDeclaringClass(), annotation.fallbackMethod(),
					signature);
			if (fallback != null && method.getReturnType().isAssignableFrom(fallback.getReturnType())) {
				ReflectionUtils.makeAccessible(fallback);
				return fallback;
			}
		}
		return null;
	}

	private static RetryConfig retryConfig(GuardSettings settings) {
		IntervalFunction backoff = (settings.jitter() > 0)
				? IntervalFunction.ofExponentialRandomBackoff(settings.backoffInitial(), settings.backoffMultiplier(),
						settings.jitter(), settings.backoffMax())
				: IntervalFunction.ofExponentialBackoff(settings.backoffInitial(), settings.backoffMultiplier(),
						settings.backoffMax());
		long max = settings.backoffMax().toMillis();
		return RetryConfig.custom().maxAttempts(settings.maxAttempts()).intervalBiFunction((attempt, outcome) -> {
			if (outcome.isLeft() && outcome.getLeft() instanceof dev.guardedagents.RetryAfterHint hint
					&& hint.retryAfter() != null) {
				return Math.min(hint.retryAfter().toMillis(), max);
			}
			return backoff.apply(attempt);
		}).retryOnException((failure) -> retryable(settings, failure)).build();
	}

	private static boolean retryable(GuardSettings settings, Throwable failure) {
		if (failure instanceof ModelStreamBrokenException) {
			return false;
		}
		for (Class<? extends Throwable> type : settings.noRetryFor()) {
			if (type.isInstance(failure)) {
				return false;
			}
		}
		if (settings.retryFor().isEmpty()) {
			return true;
		}
		return settings.retryFor().stream().anyMatch((type) -> type.isInstance(failure));
	}

	private static CircuitBreakerConfig circuitBreakerConfig(GuardSettings settings) {
		return CircuitBreakerConfig.custom()
			.failureRateThreshold(settings.failureRateThreshold())
			.slidingWindowSize(settings.slidingWindowSize())
			.minimumNumberOfCalls(settings.minimumNumberOfCalls())
			.waitDurationInOpenState(settings.waitInOpenState())
			.build();
	}

	/**
	 * Returns the circuit breakers, to bind their metrics.
	 * @return the registry
	 */
	public CircuitBreakerRegistry circuitBreakers() {
		return this.circuitBreakers;
	}

	/**
	 * Returns the retries, to bind their metrics.
	 * @return the registry
	 */
	public RetryRegistry retries() {
		return this.retries;
	}

	/**
	 * Returns the bulkheads, to bind their metrics.
	 * @return the registry
	 */
	public BulkheadRegistry bulkheads() {
		return this.bulkheads;
	}

	@Override
	public void destroy() {
		this.watchdog.close();
	}

}
