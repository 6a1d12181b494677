package dev.guardedagents.internal.run;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.StringUtils;

/**
 * Parses the SpEL attributes of our annotations at start-up and checks that every
 * variable they use is a parameter of the annotated method, so that a misspelled
 * {@code #amout} fails start-up instead of evaluating to {@code null} (and a condition to
 * "false") at run time.
 */
final class Expressions {

	private static final SpelExpressionParser parser = new SpelExpressionParser();

	private Expressions() {
	}

	/**
	 * Parses an attribute and checks its variables.
	 * @param text the expression, blank for none
	 * @param method the annotated method
	 * @param parameterNames its parameter names
	 * @param annotation the annotation, as written in messages ({@code @HumanCheckpoint})
	 * @param attribute the attribute ({@code when})
	 * @return the expression, or {@code null} when the attribute is blank
	 * @throws InvalidAnnotationException naming the method, the attribute and the fix
	 */
	static @Nullable Expression parse(String text, Method method, String[] parameterNames, String annotation,
			String attribute) {
		if (!StringUtils.hasText(text)) {
			return null;
		}
		String where = annotation + "(" + attribute + " = \"" + text + "\") on " + method.toGenericString();
		SpelExpression expression;
		try {
			expression = parser.parseRaw(text);
		}
		catch (ParseException ex) {
			throw new InvalidAnnotationException(where,
					"is not a valid SpEL expression: " + ex.getSimpleMessage() + " at position " + ex.getPosition(),
					"Correct the expression; it is evaluated over the method's arguments, such as #"
							+ ((parameterNames.length > 0) ? parameterNames[0] : "argument") + ".",
					ex);
		}
		Set<String> known = known(parameterNames);
		for (String variable : variables(expression.getAST())) {
			if (!known.contains(variable)) {
				String closest = Spelling.closest(variable, Arrays.asList(parameterNames));
				throw new InvalidAnnotationException(where,
						"refers to #" + variable + ", which is not a parameter of the method; its parameters are "
								+ Arrays.toString(parameterNames),
						(closest != null) ? "Did you mean #" + closest + "? Name one of the method's parameters."
								: "Name one of the method's parameters, such as #"
										+ ((parameterNames.length > 0) ? parameterNames[0] : "argument") + ".");
			}
		}
		return expression;
	}

	private static Set<String> known(String[] parameterNames) {
		Set<String> known = new LinkedHashSet<>(Arrays.asList(parameterNames));
		known.add("root");
		known.add("this");
		for (int i = 0; i < parameterNames.length; i++) {
			known.add("a" + i);
			known.add("p" + i);
		}
		return known;
	}

	private static List<String> variables(SpelNode node) {
		List<String> variables = new ArrayList<>();
		collect(node, variables);
		return variables;
	}

	private static void collect(SpelNode node, List<String> variables) {
		if (node instanceof VariableReference) {
			variables.add(node.toStringAST().substring(1));
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			collect(node.getChild(i), variables);
		}
	}

}
