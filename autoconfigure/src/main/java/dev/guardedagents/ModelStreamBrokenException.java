package dev.guardedagents;

/**
 * A streamed model call ({@code ChatClient.stream()}) in a run failed after some of its
 * chunks had reached the caller. It is not tried again within the step, so that a caller
 * never sees the beginning of a reply twice in one execution of the run; the step fails
 * with this exception, and the model's {@code on-failure} applies (a reviewer may retry
 * it). A failure before the first chunk is retried by the model's guard as any call.
 */
public class ModelStreamBrokenException extends RuntimeException {

	private final int chunks;

	/**
	 * Creates a new instance.
	 * @param chunks how many chunks had reached the caller
	 * @param cause the failure of the stream
	 */
	public ModelStreamBrokenException(int chunks, Throwable cause) {
		super("The streamed model call failed after " + chunks + " chunk(s) reached the caller (" + cause
				+ "); it is not tried again within the step, so that the caller never sees a reply twice", cause);
		this.chunks = chunks;
	}

	/**
	 * Returns how many chunks had reached the caller.
	 * @return the chunks
	 */
	public int getChunks() {
		return this.chunks;
	}

}
