package dev.guardedagents.internal.run;

/**
 * Idempotency keys on an embedded H2 database.
 */
class H2IdempotencyTests extends IdempotencyTests {

}
