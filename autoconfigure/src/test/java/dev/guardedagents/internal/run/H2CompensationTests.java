package dev.guardedagents.internal.run;

/**
 * Saga compensation on an embedded H2 database.
 */
class H2CompensationTests extends CompensationTests {

}
