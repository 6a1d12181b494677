package dev.guardedagents.internal.run;

/**
 * How a recorded run replays against the code: whether the code calls the recorded steps
 * in order and ends as the record did, and if not, where it departs.
 *
 * @param outcome whether the code follows the record
 * @param replayed how many recorded steps the code called as recorded
 * @param recorded how many steps the record has
 * @param message what happened, with the position and the steps where the code departs
 */
public record Replay(Outcome outcome, int replayed, int recorded, String message) {

	static Replay matched(int replayed, int recorded, String message) {
		return new Replay(Outcome.MATCHED, replayed, recorded, message);
	}

	static Replay departed(int replayed, int recorded, String message) {
		return new Replay(Outcome.DEPARTED, replayed, recorded, message);
	}

	static Replay skipped(int recorded, String message) {
		return new Replay(Outcome.SKIPPED, 0, recorded, message);
	}

	/**
	 * How a replay ended.
	 */
	public enum Outcome {

		/**
		 * The code follows the record.
		 */
		MATCHED,

		/**
		 * The code departs from the record.
		 */
		DEPARTED,

		/**
		 * The run was recorded under a plan version the code does not say it serves.
		 */
		SKIPPED

	}

}
