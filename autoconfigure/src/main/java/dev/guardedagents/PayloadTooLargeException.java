package dev.guardedagents;

/**
 * A step's input or output is larger, as JSON, than the journal takes
 * ({@code guarded-agents.journal.max-payload-size}). The step fails with it instead of
 * bloating the journal, and its {@code on-failure} applies; a too-large input fails the
 * step before its body runs. Return or pass less (a reference to the data, not the data),
 * or raise the limit.
 */
public class PayloadTooLargeException extends RuntimeException {

	private final String step;

	private final String part;

	private final long size;

	private final long limit;

	/**
	 * Creates a new exception.
	 * @param step the step name
	 * @param part {@code input} or {@code output}
	 * @param size the size of the part, in bytes of JSON (UTF-8)
	 * @param limit the limit, in bytes
	 */
	public PayloadTooLargeException(String step, String part, long size, long limit) {
		super("The " + part + " of step '" + step + "' is " + size + " bytes of JSON, over the journal's limit of "
				+ limit + " bytes (guarded-agents.journal.max-payload-size); "
				+ (part.equals("input") ? "pass a reference to the data instead of the data"
						: "return a reference to the data instead of the data")
				+ ", or raise the limit");
		this.step = step;
		this.part = part;
		this.size = size;
		this.limit = limit;
	}

	/**
	 * Recreates a recorded failure when a run replays it: only its message is known (the
	 * getters answer an empty step and part and sizes of {@code -1}).
	 * @param message the recorded message
	 */
	public PayloadTooLargeException(String message) {
		super(message);
		this.step = "";
		this.part = "";
		this.size = -1;
		this.limit = -1;
	}

	/**
	 * Returns the name of the step.
	 * @return the step name
	 */
	public String getStep() {
		return this.step;
	}

	/**
	 * Returns which part of the step was too large.
	 * @return {@code input} or {@code output}
	 */
	public String getPart() {
		return this.part;
	}

	/**
	 * Returns the size of the part.
	 * @return bytes of JSON (UTF-8)
	 */
	public long getSize() {
		return this.size;
	}

	/**
	 * Returns the limit.
	 * @return bytes
	 */
	public long getLimit() {
		return this.limit;
	}

}
