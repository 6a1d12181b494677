package dev.guardedagents.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.TimeoutOutcome;
import org.jspecify.annotations.Nullable;

/**
 * Reviews of human checkpoints, and the run transitions that go with them (park, resume,
 * fail), each in one transaction. Internal: not API.
 */
public final class JdbcReviewStore {

	private static final String COLUMNS = "id, run_id, seq, round, checkpoint, status, reviewers, summary, payload, "
			+ "on_timeout, escalate_to, escalation_timeout_ms, deadline, reviewer, review_comment, edits, created_at, "
			+ "decided_at";

	private final Jdbc jdbc;

	private final String review;

	private final String run;

	/**
	 * Creates a store over the tables in the given schema.
	 * @param dataSource the data source
	 * @param schema the schema holding the tables, as folded by the database
	 */
	public JdbcReviewStore(DataSource dataSource, String schema) {
		this.jdbc = new Jdbc(dataSource);
		this.review = schema + ".guarded_review";
		this.run = schema + ".guarded_run";
	}

	/**
	 * Opens a review, if it is not open yet, and parks its run as waiting, if the writer
	 * still owns it: one transaction.
	 * @param review the review
	 * @param escalation the escalation settings
	 * @param epoch the ownership epoch of the writer
	 * @return {@code false} if the writer no longer owns the run
	 */
	public boolean openAndPark(ReviewView review, Escalation escalation, long epoch) {
		Boolean parked = this.jdbc.transaction((c) -> {
			if (!park(c, review.runId(), epoch, review.createdAt())) {
				return null;
			}
			insert(c, review, escalation);
			return true;
		});
		return parked != null;
	}

	/**
	 * Parks a run again for a review that is still pending.
	 * @param runId the run
	 * @param epoch the ownership epoch of the writer
	 * @param now the current time
	 * @return {@code false} if the writer no longer owns the run
	 */
	public boolean park(String runId, long epoch, Instant now) {
		return this.jdbc.write((c) -> park(c, runId, epoch, now));
	}

	private boolean park(Connection c, String runId, long epoch, Instant now) throws SQLException {
		return Jdbc.update(c, "UPDATE " + this.run + " SET status = 'WAITING', owner_id = NULL, lease_until = NULL, "
				+ "owner_epoch = owner_epoch + 1, updated_at = ? WHERE id = ? AND owner_epoch = ? AND status = 'RUNNING'",
				Jdbc.time(now), runId, epoch) == 1;
	}

	private void insert(Connection c, ReviewView review, Escalation escalation) throws SQLException {
		Jdbc.update(c,
				"INSERT INTO " + this.review + " (" + COLUMNS
						+ ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				review.id(), review.runId(), review.seq(), review.round(), review.checkpoint(), review.status().name(),
				review.reviewers(), review.summary(), review.payload(), review.onTimeout().name(),
				escalation.reviewers(), escalation.timeoutMillis(), Jdbc.time(review.deadline()), null, null, null,
				Jdbc.time(review.createdAt()), null);
	}

	/**
	 * Decides a pending review and re-queues its run for any instance to resume, in one
	 * transaction.
	 * @param reviewId the review
	 * @param status the verdict
	 * @param reviewer who decided
	 * @param comment the comment
	 * @param edits the edited arguments as JSON
	 * @param now the current time
	 * @return {@code false} if the review was not pending any more
	 */
	public boolean decide(String reviewId, ReviewStatus status, @Nullable String reviewer, @Nullable String comment,
			@Nullable String edits, Instant now) {
		Boolean decided = this.jdbc.transaction((c) -> {
			if (Jdbc.update(c,
					"UPDATE " + this.review + " SET status = ?, reviewer = ?, review_comment = ?, edits = ?, "
							+ "decided_at = ? WHERE id = ? AND status = 'PENDING'",
					status.name(), reviewer, comment, edits, Jdbc.time(now), reviewId) != 1) {
				return null;
			}
			Jdbc.update(c,
					"UPDATE " + this.run + " SET status = 'RUNNING', lease_until = ?, updated_at = ? "
							+ "WHERE status = 'WAITING' AND id = (SELECT run_id FROM " + this.review + " WHERE id = ?)",
					Jdbc.time(now.minusMillis(1)), Jdbc.time(now), reviewId);
			return true;
		});
		return decided != null;
	}

	/**
	 * Marks a pending review as escalated and opens the next one, in one transaction.
	 * @param escalated the pending review
	 * @param next the review for the escalation reviewers
	 * @param now the current time
	 * @return {@code false} if the review was not pending any more
	 */
	public boolean escalate(ReviewView escalated, ReviewView next, Instant now) {
		Boolean done = this.jdbc.transaction((c) -> {
			if (Jdbc.update(c, "UPDATE " + this.review + " SET status = 'ESCALATED', decided_at = ? "
					+ "WHERE id = ? AND status = 'PENDING'", Jdbc.time(now), escalated.id()) != 1) {
				return null;
			}
			insert(c, next, new Escalation(null, null));
			return true;
		});
		return done != null;
	}

	/**
	 * Closes the pending reviews of a run that will never resume, so that nobody is asked
	 * to decide for nothing.
	 * @param runId the run
	 * @param comment why, recorded as the comment
	 * @param now the current time
	 * @return the number of reviews closed
	 */
	public int rejectPending(String runId, String comment, Instant now) {
		return this.jdbc
			.update("UPDATE " + this.review + " SET status = 'REJECTED', review_comment = ?, decided_at = ? "
					+ "WHERE run_id = ? AND status = 'PENDING'", comment, Jdbc.time(now), runId);
	}

	/**
	 * Finds the latest review of a checkpoint position of a run.
	 * @param runId the run
	 * @param seq the position
	 * @return the review with the highest round
	 */
	public Optional<ReviewView> findLatest(String runId, int seq) {
		return this.jdbc
			.query("SELECT " + COLUMNS + " FROM " + this.review + " WHERE run_id = ? AND seq = ? ORDER BY round DESC",
					JdbcReviewStore::view, runId, seq)
			.stream()
			.findFirst();
	}

	/**
	 * Finds the latest review of one kind at a position of a run: several kinds of review
	 * may be opened at one position (a policy review, then a tool review).
	 * @param runId the run
	 * @param seq the position
	 * @param checkpoint the review's checkpoint name: the checkpoint, the tool, or
	 * {@code budget}, {@code policy}, {@code compensation}
	 * @return the review of that kind with the highest round
	 */
	public Optional<ReviewView> findLatest(String runId, int seq, String checkpoint) {
		return this.jdbc
			.query("SELECT " + COLUMNS + " FROM " + this.review
					+ " WHERE run_id = ? AND seq = ? AND checkpoint = ? ORDER BY round DESC", JdbcReviewStore::view,
					runId, seq, checkpoint)
			.stream()
			.findFirst();
	}

	/**
	 * Finds a review.
	 * @param reviewId the review id
	 * @return the review
	 */
	public Optional<ReviewView> find(String reviewId) {
		return this.jdbc
			.query("SELECT " + COLUMNS + " FROM " + this.review + " WHERE id = ?", JdbcReviewStore::view, reviewId)
			.stream()
			.findFirst();
	}

	/**
	 * Returns how a review escalates.
	 * @param reviewId the review id
	 * @return its escalation settings
	 */
	public Escalation escalation(String reviewId) {
		return this.jdbc
			.query("SELECT escalate_to, escalation_timeout_ms FROM " + this.review + " WHERE id = ?",
					(rs) -> new Escalation(rs.getString(1), (Long) rs.getObject(2, Long.class)), reviewId)
			.get(0);
	}

	/**
	 * Lists reviews, newest first.
	 * @param status the status, or {@code null} for all
	 * @param runId the run, or {@code null} for all
	 * @param reviewers the reviewer group, or {@code null} for all
	 * @param limit the maximum number of reviews
	 * @return the reviews
	 */
	public List<ReviewView> list(@Nullable ReviewStatus status, @Nullable String runId, @Nullable String reviewers,
			int limit) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + this.review + " WHERE 1 = 1");
		List<Object> args = new ArrayList<>();
		if (status != null) {
			sql.append(" AND status = ?");
			args.add(status.name());
		}
		if (runId != null) {
			sql.append(" AND run_id = ?");
			args.add(runId);
		}
		if (reviewers != null) {
			sql.append(" AND reviewers = ?");
			args.add(reviewers);
		}
		sql.append(" ORDER BY created_at DESC, id FETCH FIRST ").append(limit).append(" ROWS ONLY");
		return this.jdbc.query(sql.toString(), JdbcReviewStore::view, args.toArray());
	}

	/**
	 * Finds pending reviews whose deadline passed, oldest deadline first.
	 * @param now the current time
	 * @param limit the maximum number of reviews
	 * @return the reviews
	 */
	public List<ReviewView> overdue(Instant now, int limit) {
		return this.jdbc.query("SELECT " + COLUMNS + " FROM " + this.review
				+ " WHERE status = 'PENDING' AND deadline < ? ORDER BY deadline FETCH FIRST " + limit + " ROWS ONLY",
				JdbcReviewStore::view, Jdbc.time(now));
	}

	private static ReviewView view(ResultSet rs) throws SQLException {
		return new ReviewView(rs.getString("id"), rs.getString("run_id"), rs.getInt("seq"), rs.getInt("round"),
				rs.getString("checkpoint"), ReviewStatus.valueOf(rs.getString("status")), rs.getString("reviewers"),
				rs.getString("summary"), rs.getString("payload"), TimeoutOutcome.valueOf(rs.getString("on_timeout")),
				Jdbc.instant(rs, "deadline"), rs.getString("reviewer"), rs.getString("review_comment"),
				rs.getString("edits"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "decided_at"));
	}

	/**
	 * Where a review goes when nobody decides in time and its outcome is to escalate.
	 *
	 * @param reviewers the escalation reviewers
	 * @param timeoutMillis their timeout
	 */
	public record Escalation(@Nullable String reviewers, @Nullable Long timeoutMillis) {
	}

}
