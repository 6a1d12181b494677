package dev.guardedagents.autoconfigure;

import java.util.List;
import java.util.function.Supplier;

/**
 * The names of tools declared as Spring AI tool callback beans, for the check of
 * configured tool names. Tool callback providers are not asked: some (MCP clients) would
 * call a server at start-up.
 */
@FunctionalInterface
interface ToolCallbackNames extends Supplier<List<String>> {

}
