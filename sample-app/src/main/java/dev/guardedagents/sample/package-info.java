/**
 * A support desk whose ticket triage is a durable agent run: the app's own JPA entities
 * and Flyway migrations live beside the run journal.
 */
package dev.guardedagents.sample;
