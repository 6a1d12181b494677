package dev.guardedagents.internal.store;

import java.util.List;

/**
 * A page of runs, newest first. Internal: not API.
 *
 * @param runs the runs of the page
 * @param total the number of runs matching the filter
 */
public record RunPage(List<RunRow> runs, long total) {

}
