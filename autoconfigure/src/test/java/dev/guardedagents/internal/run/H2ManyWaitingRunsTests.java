package dev.guardedagents.internal.run;

/**
 * Many waiting runs on an embedded H2 database.
 */
class H2ManyWaitingRunsTests extends ManyWaitingRunsTests {

}
