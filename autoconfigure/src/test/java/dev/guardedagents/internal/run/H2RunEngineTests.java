package dev.guardedagents.internal.run;

/**
 * The engine suite on an embedded H2 database.
 */
class H2RunEngineTests extends RunEngineTests {

}
