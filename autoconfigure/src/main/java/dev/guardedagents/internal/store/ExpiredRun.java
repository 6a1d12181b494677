package dev.guardedagents.internal.store;

/**
 * A running run whose owner's lease expired. Internal: not API.
 *
 * @param id the run id
 * @param name the run name
 * @param version the plan version
 * @param epoch the ownership epoch the claim must match
 * @param recoveries how often in a row the run was resumed after a crash and executed a
 * step body without recording one
 * @param crashed whether its owner stopped without handing it over (a crash), rather than
 * releasing it (a graceful stop, a decision)
 */
public record ExpiredRun(String id, String name, String version, long epoch, int recoveries, boolean crashed) {

}
