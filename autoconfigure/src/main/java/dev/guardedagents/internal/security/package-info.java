/**
 * Who may decide reviews and act on runs: the authenticated principal, the reviewer
 * groups of each kind of review, separation of duties. Internal: configure it with
 * {@code guarded-agents.reviews.*} and {@code guarded-agents.security.*}, extend it with
 * {@link dev.guardedagents.spi.ReviewerAuthorizer}.
 */
package dev.guardedagents.internal.security;
