package dev.guardedagents.internal.run;

/**
 * Thrown at start-up when another live process holds this instance's id: two live
 * instances with one id would renew each other's leases and leave a dead one's runs
 * stuck. Internal: not API.
 */
public class InstanceIdInUseException extends IllegalStateException {

	private final String instanceId;

	private final String holder;

	InstanceIdInUseException(String instanceId, String holder) {
		super("Instance id '" + instanceId + "' is held by a live instance (" + holder + ")");
		this.instanceId = instanceId;
		this.holder = holder;
	}

	/**
	 * Returns the instance id.
	 * @return the id
	 */
	public String getInstanceId() {
		return this.instanceId;
	}

	/**
	 * Describes the live instance that holds the id.
	 * @return host, process id and last heartbeat
	 */
	public String getHolder() {
		return this.holder;
	}

}
