package dev.guardedagents.store;

/**
 * A running run whose owner's lease expired. Internal: not API.
 *
 * @param id the run id
 * @param name the run name
 * @param version the plan version
 * @param epoch the ownership epoch the claim must match
 * @param recoveries how often the run was claimed after a lost owner
 */
public record ExpiredRun(String id, String name, String version, long epoch, int recoveries) {

}
