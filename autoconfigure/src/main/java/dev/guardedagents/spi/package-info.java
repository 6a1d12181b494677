/**
 * Extension points: step policies.
 */
package dev.guardedagents.spi;
