package dev.guardedagents.internal.run;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.SpringAsmInfo;
import org.springframework.asm.Type;

/**
 * What a bean class's bytecode says about its plans: the constant names its methods give
 * {@code RunContext.step} (so that {@code guarded-agents.tools.<name>} may configure
 * them), and its calls on {@code this} of its own {@code @GuardedTool} and
 * {@code @HumanCheckpoint} methods from its {@code @AgentRun} methods, which do not go
 * through the bean's proxy and so are neither guarded nor journaled.
 */
final class PlanBytecode {

	private static final String RUN_CONTEXT = "dev/guardedagents/RunContext";

	private PlanBytecode() {
	}

	/**
	 * Reads a class.
	 * @param type the bean's class
	 * @param plans the names of its {@code @AgentRun} methods
	 * @param steps the names and descriptors ({@code name + descriptor}) of its
	 * {@code @GuardedTool} and {@code @HumanCheckpoint} methods
	 * @return what it found, nothing if the class file cannot be read
	 */
	static Scan scan(Class<?> type, Set<String> plans, Set<String> steps) {
		String resource = type.getName().replace('.', '/') + ".class";
		ClassLoader loader = (type.getClassLoader() != null) ? type.getClassLoader()
				: ClassLoader.getSystemClassLoader();
		try (InputStream in = loader.getResourceAsStream(resource)) {
			if (in == null) {
				return Scan.NOTHING;
			}
			Scan scan = new Scan(new LinkedHashSet<>(), new ArrayList<>());
			String owner = type.getName().replace('.', '/');
			new ClassReader(in).accept(new ClassVisitor(SpringAsmInfo.ASM_VERSION) {

				@Override
				public MethodVisitor visitMethod(int access, String name, String descriptor, @Nullable String signature,
						String @Nullable [] exceptions) {
					String plan = planOf(name, plans);
					return new Calls(owner, plan, steps, scan);
				}

			}, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
			return scan;
		}
		catch (IOException | RuntimeException ex) {
			return Scan.NOTHING;
		}
	}

	/**
	 * Returns how the bytecode names a method: its name and descriptor.
	 * @param method the method
	 * @return {@code name(parameters)return}
	 */
	static String signature(Method method) {
		return method.getName() + Type.getMethodDescriptor(method);
	}

	/**
	 * Returns the plan a method's code belongs to: the plan itself, or a lambda in it
	 * ({@code lambda$<plan>$<n>}).
	 */
	private static @Nullable String planOf(String method, Set<String> plans) {
		if (plans.contains(method)) {
			return method;
		}
		if (method.startsWith("lambda$")) {
			int end = method.indexOf('$', 7);
			String enclosing = (end > 7) ? method.substring(7, end) : "";
			return plans.contains(enclosing) ? enclosing : null;
		}
		return null;
	}

	/**
	 * The calls of one method.
	 */
	private static final class Calls extends MethodVisitor {

		private final String owner;

		private final @Nullable String plan;

		private final Set<String> steps;

		private final Scan scan;

		private @Nullable String constant;

		Calls(String owner, @Nullable String plan, Set<String> steps, Scan scan) {
			super(SpringAsmInfo.ASM_VERSION);
			this.owner = owner;
			this.plan = plan;
			this.steps = steps;
			this.scan = scan;
		}

		@Override
		public void visitLdcInsn(Object value) {
			if (value instanceof String text && this.constant == null) {
				this.constant = text;
			}
		}

		@Override
		public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
			if (opcode == Opcodes.INVOKESTATIC && RUN_CONTEXT.equals(owner) && "step".equals(name)
					&& this.constant != null) {
				this.scan.stepNames().add(this.constant);
			}
			if (this.plan != null && this.owner.equals(owner)
					&& (opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKESPECIAL)
					&& this.steps.contains(name + descriptor)) {
				this.scan.selfCalls().add(new SelfCall(this.plan, name));
			}
			this.constant = null;
		}

	}

	/**
	 * What a class's bytecode says.
	 *
	 * @param stepNames the constant names given to {@code RunContext.step}
	 * @param selfCalls its plans' calls of its own steps on {@code this}
	 */
	record Scan(Set<String> stepNames, List<SelfCall> selfCalls) {

		static final Scan NOTHING = new Scan(Set.of(), List.of());

	}

	/**
	 * A call of a step method on {@code this} from a plan of the same bean.
	 *
	 * @param plan the calling {@code @AgentRun} method
	 * @param step the called {@code @GuardedTool} or {@code @HumanCheckpoint} method
	 */
	record SelfCall(String plan, String step) {
	}

}
