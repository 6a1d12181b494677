/**
 * Spring AI integration: model calls and the tools the model picks as journaled, guarded
 * steps, with their tokens, cost and prompt versions. Internal: not API.
 */
package dev.guardedagents.internal.llm;
