package dev.guardedagents.internal.run;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.guardedagents.AgentRun;
import dev.guardedagents.FailureMode;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.internal.budget.BudgetProfiles;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.redaction.Sensitivity;
import dev.guardedagents.internal.security.ReviewAccess;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.expression.Expression;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Finds the {@link AgentRun} methods of the application's beans, after they were proxied,
 * so that a run recorded under a name can be resumed through its bean. Internal: not API.
 */
public final class AgentRunRegistry implements BeanPostProcessor, Ordered {

	private static final String CHECKPOINT = "@HumanCheckpoint";

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Map<String, Plan> byName = new ConcurrentHashMap<>();

	private final Map<Method, Plan> byMethod = new ConcurrentHashMap<>();

	/**
	 * The cron expressions of {@code @AgentRun(schedule = ...)}, by run name.
	 */
	private final Map<String, String> schedules = new ConcurrentHashMap<>();

	private final Map<Method, Checkpoint> checkpoints = new ConcurrentHashMap<>();

	private final Map<String, Checkpoint> checkpointsByName = new ConcurrentHashMap<>();

	private static final String SPRING_AI_TOOL = "org.springframework.ai.tool.annotation.Tool";

	private final Set<String> advisedTools = ConcurrentHashMap.newKeySet();

	private final Map<String, Compensation> compensations = new ConcurrentHashMap<>();

	private final Set<String> humanReviewTools = ConcurrentHashMap.newKeySet();

	private final Set<String> toolNames = ConcurrentHashMap.newKeySet();

	private final Map<Method, RegisteredTool> guardedTools = new ConcurrentHashMap<>();

	/**
	 * The constant names plans give {@code RunContext.step}, to the class that gives it.
	 */
	private final Map<String, String> lambdaSteps = new ConcurrentHashMap<>();

	private final Map<String, Sensitivity> sensitiveTools = new ConcurrentHashMap<>();

	private final Set<Class<?>> withoutRuns = Collections.newSetFromMap(new ConcurrentHashMap<>());

	private final UnaryOperator<String> placeholders;

	private final Function<String, CheckpointOverrides> checkpointOverrides;

	/**
	 * Creates a registry whose annotations take no placeholders or overrides.
	 */
	public AgentRunRegistry() {
		this(UnaryOperator.identity(), (name) -> CheckpointOverrides.NONE);
	}

	/**
	 * Creates a registry.
	 * @param placeholders resolves {@code ${...}} placeholders in duration, reviewer and
	 * budget attributes
	 * @param checkpointOverrides the settings of each checkpoint from properties, by name
	 */
	public AgentRunRegistry(UnaryOperator<String> placeholders,
			Function<String, CheckpointOverrides> checkpointOverrides) {
		this.placeholders = placeholders;
		this.checkpointOverrides = checkpointOverrides;
	}

	/**
	 * Resolves the placeholders of an attribute.
	 */
	private String resolve(String text, String annotation, Method method, String attribute) {
		if (!text.contains("${")) {
			return text;
		}
		try {
			return this.placeholders.apply(text);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidAnnotationException(
					annotation + "(" + attribute + " = \"" + text + "\") on " + method.toGenericString(),
					"has a placeholder that cannot be resolved: " + ex.getMessage(),
					"Define the property, or give the placeholder a default: ${name:default}.", ex);
		}
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.withoutRuns.contains(targetClass)) {
			return bean;
		}
		Set<Method> methods = MethodIntrospector.selectMethods(targetClass,
				(ReflectionUtils.MethodFilter) (method) -> ours(method)
						|| MergedAnnotations.from(method).isPresent(SPRING_AI_TOOL));
		if (methods.isEmpty()) {
			this.withoutRuns.add(targetClass);
			return bean;
		}
		for (Method method : methods) {
			String springAiTool = springAiToolName(method);
			if (springAiTool != null) {
				this.toolNames.add(springAiTool);
			}
		}
		if (methods.stream().noneMatch(AgentRunRegistry::ours)) {
			return bean;
		}
		if (!AopUtils.isAopProxy(bean)) {
			throw new InvalidAnnotationException("Bean '" + beanName + "' (" + targetClass.getName() + ")",
					"declares @AgentRun, @HumanCheckpoint or @GuardedTool methods but is not proxied, so they could not "
							+ "be journaled or guarded",
					"Make it a Spring bean created by the container (not a final class, not registered as an instance) "
							+ "and leave spring.aop.auto on.");
		}
		for (Method method : methods) {
			GuardedTool guardedTool = AnnotatedElementUtils.findMergedAnnotation(method, GuardedTool.class);
			if (guardedTool != null) {
				registerTool(targetClass, method, guardedTool);
			}
			AgentRun run = AnnotatedElementUtils.findMergedAnnotation(method, AgentRun.class);
			if (run != null) {
				register(bean, targetClass, method, run);
			}
			HumanCheckpoint checkpoint = AnnotatedElementUtils.findMergedAnnotation(method, HumanCheckpoint.class);
			if (checkpoint != null) {
				register(targetClass, method, checkpoint);
			}
			if (!ours(method)) {
				continue;
			}
			String springAiTool = springAiToolName(method);
			if (springAiTool != null) {
				this.advisedTools.add(springAiTool);
			}
			String problem = ToolGuards.check(method, this.placeholders);
			if (problem != null) {
				throw new InvalidAnnotationException("@GuardedTool on " + method.toGenericString(), problem,
						"Correct the attribute; every attribute is described in docs/guards.md.");
			}
			if (guardedTool != null && Arrays.asList(guardedTool.onFailure()).contains(FailureMode.HUMAN_REVIEW)) {
				this.humanReviewTools.add(method.toGenericString());
			}
			if (guardedTool != null && StringUtils.hasText(guardedTool.compensation())) {
				registerCompensation(bean, targetClass, method, guardedTool);
			}
		}
		scanBytecode(targetClass, methods);
		return bean;
	}

	/**
	 * Reads the bean's bytecode: the names its plans give {@code RunContext.step} are
	 * known tool names; a plan that calls a step method of its own bean on {@code this}
	 * fails start-up, since that call would be neither guarded nor journaled.
	 */
	private void scanBytecode(Class<?> targetClass, Set<Method> methods) {
		Set<String> plans = new HashSet<>();
		Set<String> steps = new HashSet<>();
		for (Method method : methods) {
			if (AnnotatedElementUtils.hasAnnotation(method, AgentRun.class)) {
				plans.add(method.getName());
			}
			if (AnnotatedElementUtils.hasAnnotation(method, GuardedTool.class)
					|| AnnotatedElementUtils.hasAnnotation(method, HumanCheckpoint.class)) {
				steps.add(PlanBytecode.signature(method));
			}
		}
		PlanBytecode.Scan scan = PlanBytecode.scan(targetClass, plans, steps);
		this.toolNames.addAll(scan.stepNames());
		scan.stepNames().forEach((name) -> this.lambdaSteps.putIfAbsent(name, targetClass.getName()));
		if (!scan.selfCalls().isEmpty()) {
			PlanBytecode.SelfCall call = scan.selfCalls().get(0);
			throw new InvalidAnnotationException("@AgentRun " + targetClass.getSimpleName() + "." + call.plan(),
					"calls " + targetClass.getSimpleName() + "." + call.step() + " of its own bean on 'this': the call "
							+ "does not go through the bean's proxy, so it would be neither guarded nor journaled",
					"Move " + call.step() + " to another bean and inject that bean, or wrap the work in "
							+ "RunContext.step(\"" + call.step() + "\", () -> ...) instead of an annotated method.");
		}
	}

	/**
	 * Registers a {@code @GuardedTool} method once, as the one definition the advisor,
	 * its checkpoint and its compensation share: its name, its idempotency key parsed and
	 * checked once, and whether it is transactional.
	 */
	private void registerTool(Class<?> targetClass, Method method, GuardedTool annotation) {
		String name = toolName(targetClass, method);
		this.toolNames.add(name);
		sensitive(name, method);
		this.guardedTools.put(method, new RegisteredTool(name, method,
				StringUtils.hasText(annotation.idempotencyKey()) ? Expressions.parse(annotation.idempotencyKey(),
						method, parameterNames(method), "@GuardedTool", "idempotencyKey") : null,
				annotation.transactional()));
	}

	/**
	 * Returns the name a tool method's steps are journaled, guarded, keyed and
	 * compensated under, whichever way it is called: its {@code @GuardedTool(name)}, else
	 * its {@code @HumanCheckpoint(name)} (the step that runs it once approved), else
	 * {@code Class.method}.
	 * @param targetClass the bean's class
	 * @param method the method
	 * @return the tool name
	 */
	static String toolName(Class<?> targetClass, Method method) {
		GuardedTool tool = AnnotatedElementUtils.findMergedAnnotation(method, GuardedTool.class);
		if (tool != null && StringUtils.hasText(tool.name())) {
			return tool.name();
		}
		HumanCheckpoint checkpoint = AnnotatedElementUtils.findMergedAnnotation(method, HumanCheckpoint.class);
		if (checkpoint != null && StringUtils.hasText(checkpoint.name())) {
			return checkpoint.name();
		}
		return targetClass.getSimpleName() + "." + method.getName();
	}

	/**
	 * Finds a registered {@code @GuardedTool} method.
	 * @param method the method as declared by the target class
	 * @return its name and idempotency key, or {@code null} if it was not registered
	 */
	@Nullable RegisteredTool guardedTool(Method method) {
		return this.guardedTools.get(method);
	}

	/**
	 * Returns every registered {@code @GuardedTool} method and every compensation, for
	 * resolving their guards at start-up.
	 * @return the tools and compensations
	 */
	Tools tools() {
		return new Tools(List.copyOf(this.guardedTools.values()), List.copyOf(this.compensations.values()));
	}

	/**
	 * The tools and compensations the registry found.
	 *
	 * @param tools the {@code @GuardedTool} methods
	 * @param compensations the compensations of tools that have one
	 */
	record Tools(List<RegisteredTool> tools, List<Compensation> compensations) {
	}

	private static @Nullable String springAiToolName(Method method) {
		MergedAnnotation<?> tool = MergedAnnotations.from(method).get(SPRING_AI_TOOL);
		if (!tool.isPresent()) {
			return null;
		}
		String name = tool.getString("name");
		return StringUtils.hasText(name) ? name : method.getName();
	}

	private static boolean ours(Method method) {
		return AnnotatedElementUtils.hasAnnotation(method, AgentRun.class)
				|| AnnotatedElementUtils.hasAnnotation(method, HumanCheckpoint.class)
				|| AnnotatedElementUtils.hasAnnotation(method, GuardedTool.class);
	}

	private void registerCompensation(Object bean, Class<?> targetClass, Method method, GuardedTool annotation) {
		// the name the tool's steps are journaled under, by which compensation finds it
		String tool = toolName(targetClass, method);
		String where = "@GuardedTool(compensation = \"" + annotation.compensation() + "\") on "
				+ method.toGenericString();
		Method undo = null;
		boolean withResult = false;
		Class<?>[] parameters = method.getParameterTypes();
		for (Method candidate : ReflectionUtils.getUniqueDeclaredMethods(targetClass)) {
			if (!candidate.getName().equals(annotation.compensation())) {
				continue;
			}
			Class<?>[] types = candidate.getParameterTypes();
			if (Arrays.equals(types, parameters)) {
				undo = candidate;
			}
			else if (types.length == parameters.length + 1 && method.getReturnType() != void.class
					&& Arrays.equals(Arrays.copyOf(types, parameters.length), parameters)
					&& ClassUtils.isAssignable(types[parameters.length], method.getReturnType())) {
				undo = candidate;
				withResult = true;
			}
		}
		if (undo == null) {
			throw new InvalidAnnotationException(where,
					"names no method of " + targetClass.getName() + " that takes the tool's parameters "
							+ Arrays.toString(parameters) + ", optionally followed by its result ("
							+ method.getReturnType().getName() + ")",
					"Declare that method on the same bean, or correct the name.");
		}
		int modifiers = undo.getModifiers();
		if (!Modifier.isPublic(modifiers) || Modifier.isFinal(modifiers) || Modifier.isStatic(modifiers)) {
			throw new InvalidAnnotationException(where,
					"names " + undo.toGenericString()
							+ ", which must be public, not final and not static: it is called through the bean's proxy",
					"Make the compensation method public, not final and not static.");
		}
		ReflectionUtils.makeAccessible(undo);
		Compensation compensation = new Compensation(tool, bean, method, undo, withResult);
		Compensation existing = this.compensations.putIfAbsent(tool, compensation);
		if (existing != null && !existing.tool().equals(method)) {
			throw new InvalidAnnotationException(where,
					"shares the tool name '" + tool + "' with " + existing.tool().toGenericString(),
					"Give each tool with a compensation a name of its own with @GuardedTool(name = ...).");
		}
	}

	/**
	 * Returns the compensation of a tool.
	 * @param tool the tool name, as journaled
	 * @return the compensation, or {@code null} when the tool has none
	 */
	@Nullable Compensation compensation(String tool) {
		return this.compensations.get(tool);
	}

	/**
	 * Whether any tool has a compensation: when none has, failures and cancellations read
	 * no journal.
	 * @return whether compensations exist
	 */
	boolean hasCompensations() {
		return !this.compensations.isEmpty();
	}

	/**
	 * Returns the names of the tools that have compensations (whose failure is reviewed).
	 * @return the tool names
	 */
	public Set<String> compensatedTools() {
		return this.compensations.keySet();
	}

	private void register(Class<?> targetClass, Method method, HumanCheckpoint annotation) {
		String name = StringUtils.hasText(annotation.name()) ? annotation.name()
				: targetClass.getSimpleName() + "." + method.getName();
		String toolName = toolName(targetClass, method);
		RegisteredTool guardedTool = this.guardedTools.get(method);
		String where = "@HumanCheckpoint on " + method.toGenericString();
		if (name.length() > 200) {
			throw new InvalidAnnotationException(where, "has a name longer than 200 characters", "Use a shorter name.");
		}
		CheckpointOverrides overrides = this.checkpointOverrides.apply(name);
		Duration timeout = (overrides.timeout() != null) ? overrides.timeout()
				: duration(resolve(annotation.timeout(), CHECKPOINT, method, "timeout"), where, "timeout");
		TimeoutOutcome onTimeout = (overrides.onTimeout() != null) ? overrides.onTimeout() : annotation.onTimeout();
		List<String> reviewers = groups((overrides.reviewers() != null) ? String.join(",", overrides.reviewers())
				: resolve(annotation.reviewers(), CHECKPOINT, method, "reviewers"), where, "reviewers");
		List<String> escalateTo = groups((overrides.escalateTo() != null) ? String.join(",", overrides.escalateTo())
				: resolve(annotation.escalateTo(), CHECKPOINT, method, "escalateTo"), where, "escalateTo");
		Duration escalationTimeout = (overrides.escalationTimeout() != null) ? overrides.escalationTimeout()
				: duration(resolve(annotation.escalationTimeout(), CHECKPOINT, method, "escalationTimeout"), where,
						"escalationTimeout");
		int approvals = (overrides.approvals() != null) ? overrides.approvals() : annotation.approvals();
		if (onTimeout == TimeoutOutcome.ESCALATE && escalateTo.isEmpty()) {
			throw new InvalidAnnotationException(where, "escalates on timeout but names no escalateTo reviewers",
					"Set escalateTo (or guarded-agents.checkpoints." + name + ".escalate-to), or choose another "
							+ "onTimeout.");
		}
		if (approvals < 1) {
			throw new InvalidAnnotationException(where, "needs approvals of at least 1, was " + approvals,
					"Set approvals to 1 or more.");
		}
		String[] parameterNames = parameterNames(method);
		List<String> editable = List.of(annotation.editable());
		for (String parameter : editable) {
			if (!Arrays.asList(parameterNames).contains(parameter)) {
				throw new InvalidAnnotationException(where, "makes '" + parameter
						+ "' editable, which is not one of its parameters " + Arrays.toString(parameterNames),
						"Name parameters of the method in editable.");
			}
		}
		Checkpoint checkpoint = new Checkpoint(name, toolName, method, parameterNames,
				method.getGenericParameterTypes(), method.getGenericReturnType(), timeout, onTimeout,
				Expressions.parse(annotation.when(), method, parameterNames, "@HumanCheckpoint", "when"), reviewers,
				Expressions.parse(annotation.summary(), method, parameterNames, "@HumanCheckpoint", "summary"),
				escalateTo, escalationTimeout, approvals, editable, guardedTool);
		Checkpoint existing = this.checkpointsByName.putIfAbsent(name, checkpoint);
		if (existing != null && !existing.method().equals(method)) {
			throw new InvalidAnnotationException("Two @HumanCheckpoint methods",
					"are named '" + name + "': " + existing.method().toGenericString() + " and "
							+ method.toGenericString(),
					"Give one of them another name with @HumanCheckpoint(name = ...).");
		}
		this.checkpoints.put(method, checkpoint);
		this.toolNames.add(toolName);
		sensitive(toolName, method);
	}

	private void sensitive(String toolName, Method method) {
		Sensitivity sensitivity = Sensitivity.of(method);
		if (sensitivity != Sensitivity.NONE) {
			this.sensitiveTools.merge(toolName, sensitivity, Sensitivity::and);
		}
	}

	private static List<String> groups(String text, String where, String attribute) {
		List<String> groups = ReviewAccess.parse(text);
		if (String.join(",", groups).length() > 1000) {
			throw new InvalidAnnotationException(where, "names too many " + attribute,
					"Name at most 1000 characters of " + attribute + " together.");
		}
		return groups;
	}

	private static String[] parameterNames(Method method) {
		String[] names = parameterNames.getParameterNames(method);
		if (names == null) {
			throw new InvalidAnnotationException(method.toGenericString(),
					"uses its parameter names (in expressions or editable parameters), which were not compiled into "
							+ "its class",
					"Compile with -parameters: Spring Boot's Maven and Gradle plugins do; elsewhere add "
							+ "<parameters>true</parameters> to maven-compiler-plugin or "
							+ "options.compilerArgs << '-parameters' to JavaCompile.");
		}
		return names;
	}

	private static @Nullable Duration duration(String text, String where, String attribute) {
		if (!StringUtils.hasText(text)) {
			return null;
		}
		try {
			Duration duration = DurationStyle.detectAndParse(text);
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException("must be positive");
			}
			return duration;
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidAnnotationException(where, "has an invalid " + attribute + " '" + text + "'",
					"Use a positive duration such as 30m, 4h or PT4H.", ex);
		}
	}

	private void register(Object bean, Class<?> targetClass, Method method, AgentRun annotation) {
		String name = StringUtils.hasText(annotation.name()) ? annotation.name()
				: targetClass.getSimpleName() + "." + method.getName();
		if (name.length() > 200 || annotation.version().isEmpty() || annotation.version().length() > 50) {
			throw new InvalidAnnotationException("@AgentRun on " + method.toGenericString(),
					"has a name longer than 200 characters or a version that is empty or longer than 50",
					"Use a name of at most 200 characters and a version of 1 to 50 characters.");
		}
		String[] parameterNames = (StringUtils.hasText(annotation.idempotencyKey())
				|| StringUtils.hasText(annotation.businessKey())) ? parameterNames(method) : new String[0];
		Plan plan = new Plan(name, annotation.version(), bean, method, method.getGenericParameterTypes(),
				method.getGenericReturnType(),
				Expressions.parse(annotation.idempotencyKey(), method, parameterNames, "@AgentRun", "idempotencyKey"),
				Expressions.parse(annotation.businessKey(), method, parameterNames, "@AgentRun", "businessKey"),
				resolve(annotation.budget(), "@AgentRun", method, "budget"));
		ReflectionUtils.makeAccessible(method);
		Plan existing = this.byName.putIfAbsent(name, plan);
		if (existing != null && !existing.method().equals(method)) {
			throw new InvalidAnnotationException(
					"Two @AgentRun methods", "are named '" + name + "': " + existing.method().toGenericString()
							+ " and " + method.toGenericString(),
					"Give one of them another name with @AgentRun(name = ...).");
		}
		this.byMethod.put(method, plan);
		String schedule = resolve(annotation.schedule(), "@AgentRun", method, "schedule");
		if (StringUtils.hasText(schedule)) {
			RunSchedules.check(plan, schedule,
					"@AgentRun(schedule = \"" + annotation.schedule() + "\") on " + method.toGenericString());
			this.schedules.put(name, schedule);
		}
	}

	/**
	 * Returns the cron expressions plans declare in {@code @AgentRun(schedule = ...)}.
	 * @return the expressions, by run name
	 */
	Map<String, String> schedules() {
		return Map.copyOf(this.schedules);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	/**
	 * Finds the plan of an invoked method.
	 * @param method the method as declared by the target class
	 * @return the plan, or {@code null} if the method was not registered
	 */
	@Nullable Plan plan(Method method) {
		return this.byMethod.get(method);
	}

	@Nullable Plan plan(String name) {
		return this.byName.get(name);
	}

	/**
	 * Returns the names of the plans.
	 * @return the run names
	 */
	Set<String> planNames() {
		return Set.copyOf(this.byName.keySet());
	}

	/**
	 * Returns what a plan declares {@code @Sensitive}.
	 * @param name the run name
	 * @return its sensitivity, none for an unknown plan
	 */
	public Sensitivity planSensitivity(String name) {
		Plan plan = this.byName.get(name);
		return (plan != null) ? Sensitivity.of(plan.method()) : Sensitivity.NONE;
	}

	/**
	 * Returns what a tool, or the action of a checkpoint, declares {@code @Sensitive}.
	 * @param name the step name
	 * @return its sensitivity, none for an unknown tool
	 */
	public Sensitivity toolSensitivity(String name) {
		return this.sensitiveTools.getOrDefault(name, Sensitivity.NONE);
	}

	/**
	 * Returns what the method of a checkpoint declares {@code @Sensitive}.
	 * @param name the checkpoint name
	 * @return its sensitivity, none for an unknown checkpoint
	 */
	public Sensitivity checkpointSensitivity(String name) {
		Checkpoint checkpoint = this.checkpointsByName.get(name);
		return (checkpoint != null) ? Sensitivity.of(checkpoint.method()) : Sensitivity.NONE;
	}

	@Nullable Checkpoint checkpoint(Method method) {
		return this.checkpoints.get(method);
	}

	/**
	 * Finds a checkpoint by name.
	 * @param name the checkpoint name
	 * @return the checkpoint, or {@code null} if this application has none of that name
	 */
	public @Nullable Checkpoint checkpoint(String name) {
		return this.checkpointsByName.get(name);
	}

	/**
	 * Whether a Spring AI tool is a bean method that our advisors journal and guard
	 * themselves ({@code @Tool} with {@code @GuardedTool} or {@code @HumanCheckpoint}).
	 * @param toolName the tool name the model sees
	 * @return whether calls of the tool are journaled by its bean's proxy
	 */
	public boolean isAdvisedTool(String toolName) {
		return this.advisedTools.contains(toolName);
	}

	/**
	 * Returns the checkpoints that name no reviewers of their own.
	 * @return their names
	 */
	public List<String> checkpointsWithoutReviewers() {
		return this.checkpointsByName.values()
			.stream()
			.filter((checkpoint) -> checkpoint.reviewers().isEmpty())
			.map(Checkpoint::name)
			.sorted()
			.toList();
	}

	/**
	 * Returns the names of the tools of this application's beans: {@code @GuardedTool}
	 * methods, checkpoints, and Spring AI {@code @Tool} methods, as their steps are
	 * named.
	 * @return the tool names
	 */
	public Set<String> toolNames() {
		return Set.copyOf(this.toolNames);
	}

	/**
	 * Returns the names of the checkpoints.
	 * @return the checkpoint names
	 */
	public Set<String> checkpointNames() {
		return Set.copyOf(this.checkpointsByName.keySet());
	}

	/**
	 * Returns the names of the budget profiles that plans declare.
	 * @return the profile names
	 */
	public Set<String> declaredBudgets() {
		Set<String> budgets = new TreeSet<>();
		this.byName.values().forEach((plan) -> {
			if (!plan.budget().isEmpty()) {
				budgets.add(plan.budget());
			}
		});
		return budgets;
	}

	/**
	 * Returns the tools whose annotation sends failures to a human review.
	 * @return the tool methods
	 */
	public Set<String> humanReviewTools() {
		return Set.copyOf(this.humanReviewTools);
	}

	/**
	 * Checks that no {@code RunContext.step} is named like a {@code @GuardedTool}: the
	 * journal knows a step by its kind and name, so the tool's compensation, idempotency
	 * key and checkpoint would apply to the lambda's records.
	 * @throws InvalidAnnotationException naming the step, the tool and the fix
	 */
	public void checkStepNames() {
		for (RegisteredTool tool : this.guardedTools.values()) {
			String plan = this.lambdaSteps.get(tool.name());
			if (plan != null) {
				throw new InvalidAnnotationException("RunContext.step(\"" + tool.name() + "\", ...) in " + plan,
						"has the name of the @GuardedTool " + tool.method().toGenericString()
								+ "; the journal knows a step by its name, so that tool's compensation, idempotency "
								+ "key and checkpoint would apply to the lambda's steps",
						"Give the lambda step a name of its own, or call the tool.");
			}
		}
	}

	/**
	 * Checks that every plan that names a budget profile names a configured one.
	 * @param profiles the configured profiles
	 * @throws InvalidAnnotationException naming the plan and the missing profile
	 */
	public void checkBudgets(BudgetProfiles profiles) {
		for (Plan plan : this.byName.values()) {
			if (!plan.budget().isEmpty() && !profiles.contains(plan.budget())) {
				throw new InvalidAnnotationException(
						"@AgentRun '" + plan.name() + "' on " + plan.method().toGenericString(),
						"names the budget profile '" + plan.budget() + "', which is not configured",
						"Define guarded-agents.budgets." + plan.budget() + ".*, or name one of " + profiles.names()
								+ ".");
			}
		}
	}

	/**
	 * Returns the plans this instance can run.
	 * @return plan names to versions
	 */
	Map<String, String> versions() {
		Map<String, String> versions = new ConcurrentHashMap<>();
		this.byName.forEach((name, plan) -> versions.put(name, plan.version()));
		return versions;
	}

	static @Nullable Object evaluate(Expression expression, Method method, Object[] args, String attribute,
			String owner) {
		try {
			return expression.getValue(new MethodBasedEvaluationContext(null, method, args, parameterNames));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(attribute + " = \"" + expression.getExpressionString() + "\" of '"
					+ owner + "' cannot be evaluated: " + ex.getMessage(), ex);
		}
	}

	/**
	 * An {@link AgentRun} method and what is needed to start and resume its runs.
	 *
	 * @param name the run name
	 * @param version the plan version
	 * @param bean the proxied bean to call on resume
	 * @param method the method as declared by the target class
	 * @param parameterTypes the generic parameter types
	 * @param returnType the generic return type
	 * @param idempotencyKey the idempotency key expression
	 * @param businessKey the business key expression
	 * @param budget the declared budget profile, empty for the default
	 */
	record Plan(String name, String version, Object bean, Method method, Type[] parameterTypes, Type returnType,
			@Nullable Expression idempotencyKey, @Nullable Expression businessKey, String budget) {

		@Nullable String idempotencyKey(Object[] args) {
			return key(this.idempotencyKey, args, "idempotencyKey");
		}

		@Nullable String businessKey(Object[] args) {
			return key(this.businessKey, args, "businessKey");
		}

		private @Nullable String key(@Nullable Expression expression, Object[] args, String attribute) {
			Object value = (expression != null) ? evaluate(expression, this.method, args, attribute, this.name) : null;
			return (value != null) ? value.toString() : null;
		}

	}

	/**
	 * Whether a checkpoint asks a human.
	 *
	 * @param applies whether it asks
	 * @param failure why it asks although its condition could not be evaluated, or
	 * {@code null}
	 */
	record Condition(boolean applies, @Nullable String failure) {

		static final Condition ASK = new Condition(true, null);

		static final Condition SKIP = new Condition(false, null);

	}

	/**
	 * A {@code @GuardedTool} method as registered, once: what its interceptor, its
	 * checkpoint and its compensation know of it.
	 *
	 * @param name the tool name its calls are journaled, guarded, keyed and compensated
	 * under
	 * @param method the method as declared by the target class
	 * @param idempotencyKey its idempotency key, or {@code null}
	 * @param transactional whether its body commits with its journal row
	 */
	record RegisteredTool(String name, Method method, @Nullable Expression idempotencyKey, boolean transactional) {

		/**
		 * Evaluates the idempotency key of a call.
		 * @return the key, or {@code null} when the tool has none
		 * @throws IllegalArgumentException if the expression gives {@code null}
		 */
		@Nullable String idempotencyKey(Object[] args) {
			if (this.idempotencyKey == null) {
				return null;
			}
			Object key = evaluate(this.idempotencyKey, this.method, args, "idempotencyKey", this.name);
			if (key == null) {
				throw new IllegalArgumentException(
						"@GuardedTool(idempotencyKey = \"" + this.idempotencyKey.getExpressionString() + "\") of tool '"
								+ this.name + "' evaluated to null");
			}
			return key.toString();
		}

	}

	/**
	 * The method that undoes a tool's step.
	 *
	 * @param name the tool name
	 * @param bean the bean (its proxy)
	 * @param tool the tool method
	 * @param undo the compensation method
	 * @param withResult whether the compensation takes the tool's result last
	 */
	record Compensation(String name, Object bean, Method tool, Method undo, boolean withResult) {
	}

	/**
	 * A {@link HumanCheckpoint} method and its settings. Internal: not API.
	 *
	 * @param name the checkpoint name
	 * @param toolName the name of the step that runs the method once approved
	 * @param method the method as declared by the target class
	 * @param parameterNames the parameter names
	 * @param parameterTypes the generic parameter types
	 * @param returnType the generic return type
	 * @param timeout the timeout, or {@code null} for the configured default
	 * @param onTimeout the timeout outcome
	 * @param when the condition, or {@code null} to always ask
	 * @param reviewers the reviewer groups, empty for the configured ones
	 * @param summary the summary expression
	 * @param escalateTo the escalation reviewer groups
	 * @param escalationTimeout the escalation timeout, or {@code null} for the timeout
	 * @param approvals how many distinct reviewers must approve
	 * @param editable the parameters an approval may edit
	 * @param tool the method's {@code @GuardedTool}, if it has one
	 */
	public record Checkpoint(String name, String toolName, Method method, String[] parameterNames,
			Type[] parameterTypes, Type returnType, @Nullable Duration timeout, TimeoutOutcome onTimeout,
			@Nullable Expression when, List<String> reviewers, @Nullable Expression summary, List<String> escalateTo,
			@Nullable Duration escalationTimeout, int approvals, List<String> editable, @Nullable RegisteredTool tool) {

		/**
		 * Evaluates the idempotency key of the method's tool, if it has one, to tell
		 * whether its action was done already; one that gives {@code null} says nothing.
		 */
		@Nullable String idempotencyKey(Object[] args) {
			Expression expression = (this.tool != null) ? this.tool.idempotencyKey() : null;
			Object key = (expression != null) ? evaluate(expression, this.method, args, "idempotencyKey", this.name)
					: null;
			return (key != null) ? key.toString() : null;
		}

		private MethodBasedEvaluationContext context(Object[] args) {
			return new MethodBasedEvaluationContext(null, this.method, args, AgentRunRegistry.parameterNames);
		}

		/**
		 * Evaluates the condition. One that cannot be evaluated (it throws, or gives no
		 * boolean) asks a human, never skips: the reason is returned.
		 */
		Condition condition(Object[] args) {
			if (this.when == null) {
				return Condition.ASK;
			}
			Object value;
			try {
				value = this.when.getValue(context(args));
			}
			catch (RuntimeException ex) {
				return new Condition(true, "its condition when = \"" + this.when.getExpressionString()
						+ "\" could not be evaluated: " + ex.getMessage());
			}
			if (value instanceof Boolean applies) {
				return applies ? Condition.ASK : Condition.SKIP;
			}
			return new Condition(true, "its condition when = \"" + this.when.getExpressionString() + "\" gave "
					+ ((value != null) ? value.getClass().getName() + " " + value : "null") + ", not true or false");
		}

		/**
		 * Renders the summary; one that cannot be rendered says so instead of failing the
		 * run.
		 */
		@Nullable String summary(Object[] args) {
			if (this.summary == null) {
				return null;
			}
			try {
				Object summary = this.summary.getValue(context(args));
				return (summary != null) ? summary.toString() : null;
			}
			catch (RuntimeException ex) {
				return "(the summary \"" + this.summary.getExpressionString() + "\" could not be rendered: "
						+ ex.getMessage() + ")";
			}
		}

		/**
		 * Returns the index of a parameter.
		 * @param name the parameter name
		 * @return its index, or -1
		 */
		public int indexOf(String name) {
			for (int i = 0; i < this.parameterNames.length; i++) {
				if (this.parameterNames[i].equals(name)) {
					return i;
				}
			}
			return -1;
		}

	}

}
