/**
 * Extension points: step policies and who belongs to which reviewer group.
 */
package dev.guardedagents.spi;
