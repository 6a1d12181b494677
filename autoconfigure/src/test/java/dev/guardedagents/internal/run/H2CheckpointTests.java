package dev.guardedagents.internal.run;

/**
 * Human checkpoints on an embedded H2 database.
 */
class H2CheckpointTests extends CheckpointTests {

}
