package dev.guardedagents.testing;

import dev.guardedagents.internal.run.RunEngine;

import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Forgets the crash points a test armed and no run reached, so that they never crash a
 * run of the next test that shares the application context.
 */
final class CrashPointsReset implements TestExecutionListener {

	@Override
	public void afterTestMethod(TestContext testContext) {
		if (!testContext.hasApplicationContext()) {
			return;
		}
		ApplicationContext context = testContext.getApplicationContext();
		context.getBeanProvider(RunEngine.class).ifAvailable((engine) -> engine.crashes().disarm());
	}

}
