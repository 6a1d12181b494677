package dev.guardedagents.internal.run;

/**
 * Retries of failed runs on an embedded H2 database.
 */
class H2RetryTests extends RetryTests {

}
