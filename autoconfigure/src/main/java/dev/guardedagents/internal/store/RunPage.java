package dev.guardedagents.internal.store;

import java.util.List;

import dev.guardedagents.RunView;

/**
 * A page of runs, newest first. Internal: not API.
 *
 * @param runs the runs of the page
 * @param total the number of runs matching the filter
 */
public record RunPage(List<RunView> runs, long total) {

}
