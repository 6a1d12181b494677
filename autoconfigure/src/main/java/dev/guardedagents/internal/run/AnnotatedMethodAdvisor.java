package dev.guardedagents.internal.run;

import java.lang.annotation.Annotation;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * An advisor of the methods carrying one annotation, at a given order.
 */
abstract class AnnotatedMethodAdvisor extends AbstractPointcutAdvisor {

	private final Pointcut pointcut;

	private final Advice advice;

	AnnotatedMethodAdvisor(Class<? extends Annotation> annotation, Advice advice, int order) {
		this.pointcut = AnnotationMatchingPointcut.forMethodAnnotation(annotation);
		this.advice = advice;
		setOrder(order);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

}
