package dev.guardedagents.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewPage;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.Reviewer;
import dev.guardedagents.ReviewerDecision;
import dev.guardedagents.RunStatus;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.internal.security.ReviewAccess;
import org.jspecify.annotations.Nullable;

/**
 * Reviews, the decisions of reviewers, and the run transitions that go with them (park,
 * decide, time out), each in one transaction. A decision locks its run's row first, so
 * that decisions, deadlines and cancellations of one run never interleave. Internal: not
 * API.
 */
public final class JdbcReviewStore {

	private static final String COLUMNS = "id, run_id, seq, round, kind, checkpoint, status, reviewers, summary, "
			+ "payload, on_timeout, escalate_to, escalation_timeout_ms, deadline, reviewer, review_comment, edits, "
			+ "required_approvals, approvals, editable, created_at, decided_at";

	private static final String DECISION_COLUMNS = "review_id, run_id, reviewer, decision, authorities, channel, "
			+ "review_comment, edits, decided_at";

	private final Jdbc jdbc;

	private final String review;

	private final String decision;

	private final String run;

	private final PayloadCipher cipher;

	private final String slot;

	/**
	 * Creates a store over the tables in the given schema.
	 * @param dataSource the data source
	 * @param schema the schema holding the tables, as folded by the database
	 */
	public JdbcReviewStore(DataSource dataSource, String schema) {
		this(dataSource, schema, PayloadCipher.NONE);
	}

	/**
	 * Creates a store over the tables in the given schema that encrypts summaries,
	 * payloads, edits and reviewers' comments.
	 * @param dataSource the data source
	 * @param schema the schema holding the tables, as folded by the database
	 * @param cipher the journal's cipher
	 */
	public JdbcReviewStore(DataSource dataSource, String schema, PayloadCipher cipher) {
		this.cipher = cipher;
		this.jdbc = new Jdbc(dataSource);
		this.review = schema + ".guarded_review";
		this.decision = schema + ".guarded_review_decision";
		this.run = schema + ".guarded_run";
		this.slot = schema + ".guarded_plan_slot";
	}

	/**
	 * Opens a review and parks its run as waiting, if the writer still owns it: one
	 * transaction.
	 * @param review the review
	 * @param epoch the ownership epoch of the writer
	 * @return {@code false} if the writer no longer owns the run
	 */
	public boolean openAndPark(NewReview review, long epoch) {
		Boolean parked = this.jdbc.transaction((c) -> {
			if (!park(c, review.runId(), epoch, review.createdAt())) {
				return null;
			}
			insert(c, review);
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
		return Jdbc.update(c,
				"UPDATE " + this.run + " SET " + RunTransition.PARK.assignment()
						+ "owner_id = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND owner_epoch = ? AND "
						+ RunTransition.PARK.when(),
				Jdbc.time(now), runId, epoch) == 1;
	}

	private void insert(Connection c, NewReview review) throws SQLException {
		Jdbc.update(c, "INSERT INTO " + this.review + " (" + COLUMNS
				+ ") VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, 0, ?, ?, NULL)",
				review.id(), review.runId(), review.seq(), review.round(), review.kind().name(), review.checkpoint(),
				ReviewAccess.join(review.reviewers()), this.cipher.seal(review.summary()),
				this.cipher.seal(review.payload()), review.onTimeout().name(), ReviewAccess.join(review.escalateTo()),
				review.escalationTimeoutMillis(), Jdbc.time(review.deadline()), review.requiredApprovals(),
				ReviewAccess.join(review.editable()), Jdbc.time(review.createdAt()));
	}

	/**
	 * Records a reviewer's decision on a pending review of a waiting run, in one
	 * transaction that locks the run's row: an approval that completes the required
	 * approvals, or a rejection, decides the review and hands the run back for any
	 * instance to resume; an approval short of them only counts.
	 * @param reviewId the review
	 * @param reviewer who decides
	 * @param authorities the groups that made the reviewer a reviewer of the review
	 * @param verdict approve or reject
	 * @param comment the comment
	 * @param edits the edits as JSON, or {@code null}
	 * @param now the current time
	 * @return what happened
	 */
	public Outcome decide(String reviewId, Reviewer reviewer, Set<String> authorities, ReviewDecision.Decision verdict,
			@Nullable String comment, @Nullable String edits, Instant now) {
		return this.jdbc.inTransaction((c) -> {
			ReviewRow unlocked = find(c, reviewId);
			RunStatus status = (unlocked != null) ? lockRun(c, unlocked.runId()) : null;
			ReviewRow review = (status != null) ? find(c, reviewId, true) : null;
			if (review == null || status == null) {
				return Outcome.NOT_FOUND;
			}
			if (review.status() != ReviewStatus.PENDING) {
				boolean closedWithRun = review.status() == ReviewStatus.REJECTED && review.reviewer() == null
						&& !RunTransition.HAND_BACK.allows(status);
				return closedWithRun ? Outcome.notWaiting(status) : Outcome.ALREADY_DECIDED;
			}
			if (!RunTransition.HAND_BACK.allows(status)) {
				return Outcome.notWaiting(status);
			}
			if (hasDecided(c, reviewId, reviewer.name())) {
				return Outcome.REPEATED;
			}
			if (edits != null && review.approvals() > 0) {
				return Outcome.LATE_EDITS;
			}
			insertDecision(c, review, reviewer, authorities, verdict, comment, edits, now);
			boolean approve = verdict == ReviewDecision.Decision.APPROVE;
			String keptEdits = this.cipher.seal((edits != null) ? edits : review.edits());
			if (approve && review.approvals() + 1 < review.requiredApprovals()) {
				Jdbc.update(c, "UPDATE " + this.review + " SET approvals = ?, edits = ? WHERE id = ?",
						review.approvals() + 1, keptEdits, reviewId);
				return Outcome.COUNTED;
			}
			Jdbc.update(c,
					"UPDATE " + this.review + " SET status = ?, reviewer = ?, review_comment = ?, edits = ?, "
							+ "approvals = ?, decided_at = ? WHERE id = ?",
					approve ? ReviewStatus.APPROVED.name() : ReviewStatus.REJECTED.name(), reviewer.name(),
					this.cipher.seal(comment), approve ? keptEdits : null, review.approvals() + (approve ? 1 : 0),
					Jdbc.time(now), reviewId);
			handBack(c, review.runId(), now);
			return Outcome.DECIDED;
		});
	}

	/**
	 * Applies the timeout outcome of a pending review whose run waits for it, in one
	 * transaction that locks the run's row. A pending review of a run that finished (left
	 * by a version that did not close them) is closed instead.
	 * @param reviewId the review
	 * @param status the verdict: approved or timed out
	 * @param comment why
	 * @param now the current time
	 * @return whether the outcome was applied
	 */
	public boolean timeOut(String reviewId, ReviewStatus status, String comment, Instant now) {
		return this.jdbc.inTransaction((c) -> {
			ReviewRow unlocked = find(c, reviewId);
			RunStatus run = (unlocked != null) ? lockRun(c, unlocked.runId()) : null;
			ReviewRow review = (run != null) ? find(c, reviewId, true) : null;
			if (review == null || review.status() != ReviewStatus.PENDING || run == null) {
				return false;
			}
			if (run.isTerminal()) {
				closePending(c, this.review, review.runId(), "the run ended " + run, now);
				return false;
			}
			if (!RunTransition.HAND_BACK.allows(run)) {
				return false;
			}
			Jdbc.update(c, "UPDATE " + this.review + " SET status = ?, review_comment = ?, decided_at = ? WHERE id = ?",
					status.name(), comment, Jdbc.time(now), reviewId);
			handBack(c, review.runId(), now);
			return true;
		});
	}

	/**
	 * Marks a pending review of a waiting run as escalated and opens the next one, in one
	 * transaction that locks the run's row.
	 * @param escalated the pending review
	 * @param next the review for the escalation reviewers
	 * @param now the current time
	 * @return {@code false} if the review was not pending any more or its run not waiting
	 */
	public boolean escalate(ReviewRow escalated, NewReview next, Instant now) {
		return this.jdbc.inTransaction((c) -> {
			// escalating keeps the run waiting: it may, as long as a decision could hand
			// it
			// back
			if (!RunTransition.HAND_BACK.allows(lockRun(c, escalated.runId()))
					|| Jdbc.update(c, "UPDATE " + this.review + " SET status = 'ESCALATED', decided_at = ? "
							+ "WHERE id = ? AND status = 'PENDING'", Jdbc.time(now), escalated.id()) != 1) {
				return false;
			}
			insert(c, next);
			return true;
		});
	}

	private @Nullable RunStatus lockRun(Connection c, String runId) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT status FROM " + this.run + " WHERE id = ? FOR UPDATE")) {
			ps.setString(1, runId);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? RunStatus.valueOf(rs.getString(1)) : null;
			}
		}
	}

	/**
	 * Hands a run back to be resumed, or, for a plan with a limit of runs at once, queues
	 * it for a slot again ({@code REQUEUE}).
	 */
	private void handBack(Connection c, String runId, Instant now) throws SQLException {
		for (RunTransition transition : List.of(RunTransition.REQUEUE, RunTransition.HAND_BACK)) {
			if (Jdbc.update(c,
					"UPDATE " + this.run + " SET " + transition.assignment()
							+ "lease_until = ?, updated_at = ? WHERE id = ? AND " + transition.when() + " AND "
							+ JdbcRunStore.planLimit(transition == RunTransition.REQUEUE, this.slot),
					Jdbc.time(now.minusMillis(1)), Jdbc.time(now), runId) == 1) {
				return;
			}
		}
	}

	private void insertDecision(Connection c, ReviewRow review, Reviewer reviewer, Set<String> authorities,
			ReviewDecision.Decision verdict, @Nullable String comment, @Nullable String edits, Instant now)
			throws SQLException {
		Jdbc.update(c,
				"INSERT INTO " + this.decision + " (" + DECISION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				review.id(), review.runId(), reviewer.name(), verdict.name(), ReviewAccess.join(authorities),
				reviewer.channel().name(), this.cipher.seal(comment), this.cipher.seal(edits), Jdbc.time(now));
	}

	private boolean hasDecided(Connection c, String reviewId, String reviewer) throws SQLException {
		try (PreparedStatement ps = c
			.prepareStatement("SELECT 1 FROM " + this.decision + " WHERE review_id = ? AND reviewer = ?")) {
			Jdbc.bind(ps, reviewId, reviewer);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next();
			}
		}
	}

	/**
	 * Closes the pending reviews of a run that will never resume, on the connection of a
	 * transaction that changes the run.
	 * @param c the connection
	 * @param reviewTable the review table
	 * @param runId the run
	 * @param comment why, recorded as the comment
	 * @param now the current time
	 * @return the number of reviews closed
	 * @throws SQLException if the update fails
	 */
	static int closePending(Connection c, String reviewTable, String runId, String comment, Instant now)
			throws SQLException {
		return Jdbc.update(c, "UPDATE " + reviewTable + " SET status = 'REJECTED', review_comment = ?, decided_at = ? "
				+ "WHERE run_id = ? AND status = 'PENDING'", comment, Jdbc.time(now), runId);
	}

	/**
	 * Returns the highest round of the reviews at a position of a run.
	 * @param runId the run
	 * @param seq the position
	 * @return the round, 0 when none was opened there
	 */
	public int latestRound(String runId, int seq) {
		return this.jdbc
			.query("SELECT MAX(round) FROM " + this.review + " WHERE run_id = ? AND seq = ?", (rs) -> rs.getInt(1),
					runId, seq)
			.get(0);
	}

	/**
	 * Finds the latest review of one kind at a position of a run: several kinds of review
	 * may be opened at one position (a policy review, then a tool review).
	 * @param runId the run
	 * @param seq the position
	 * @param kind the kind
	 * @return the review of that kind with the highest round
	 */
	public Optional<ReviewRow> findLatest(String runId, int seq, ReviewKind kind) {
		return this.jdbc
			.query("SELECT " + COLUMNS + " FROM " + this.review
					+ " WHERE run_id = ? AND seq = ? AND kind = ? ORDER BY round DESC FETCH FIRST 1 ROWS ONLY",
					this::view, runId, seq, kind.name())
			.stream()
			.findFirst();
	}

	/**
	 * Finds a review.
	 * @param reviewId the review id
	 * @return the review
	 */
	public Optional<ReviewRow> find(String reviewId) {
		return this.jdbc.query("SELECT " + COLUMNS + " FROM " + this.review + " WHERE id = ?", this::view, reviewId)
			.stream()
			.findFirst();
	}

	private @Nullable ReviewRow find(Connection c, String reviewId) throws SQLException {
		return find(c, reviewId, false);
	}

	/**
	 * Reads a review, locking its row when asked: a locking read sees the latest
	 * committed row on every database (H2 may answer a plain read in the same transaction
	 * from an older snapshot).
	 */
	private @Nullable ReviewRow find(Connection c, String reviewId, boolean lock) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT " + COLUMNS + " FROM " + this.review + " WHERE id = ?" + (lock ? " FOR UPDATE" : ""))) {
			ps.setString(1, reviewId);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? view(rs) : null;
			}
		}
	}

	/**
	 * Returns how a review escalates.
	 * @param reviewId the review id
	 * @return its escalation settings
	 */
	public Escalation escalation(String reviewId) {
		return this.jdbc
			.query("SELECT escalate_to, escalation_timeout_ms FROM " + this.review + " WHERE id = ?",
					(rs) -> new Escalation(ReviewAccess.parse(rs.getString(1)), (Long) rs.getObject(2, Long.class)),
					reviewId)
			.get(0);
	}

	/**
	 * Lists a page of reviews: pending ones soonest deadline first, others newest first.
	 * @param query what to list
	 * @param groups when listing for a reviewer, its groups: only reviews that name one
	 * of them, or name none and are of a kind whose configured reviewers include one
	 * @param kindsByConfiguration the kinds whose configured reviewers include one of the
	 * groups (for reviews that name none)
	 * @return the page
	 */
	public ReviewPage list(ReviewQuery query, @Nullable Set<String> groups,
			Collection<ReviewKind> kindsByConfiguration) {
		StringBuilder where = new StringBuilder(" WHERE 1 = 1");
		List<Object> args = new ArrayList<>();
		if (query.status() != null) {
			where.append(" AND status = ?");
			args.add(query.status().name());
		}
		if (query.kind() != null) {
			where.append(" AND kind = ?");
			args.add(query.kind().name());
		}
		if (query.checkpoint() != null) {
			where.append(" AND checkpoint = ?");
			args.add(query.checkpoint());
		}
		if (query.runId() != null) {
			where.append(" AND run_id = ?");
			args.add(query.runId());
		}
		if (query.reviewerGroup() != null) {
			where.append(" AND ").append(names("?"));
			args.add(query.reviewerGroup());
		}
		if (query.decidableBy() != null && groups != null) {
			where.append(" AND (reviewers IS NULL AND kind IN (")
				.append(String.join(", ",
						kindsByConfiguration.stream().map((kind) -> "'" + kind.name() + "'").toList()))
				.append(kindsByConfiguration.isEmpty() ? "''" : "")
				.append(")");
			for (String group : groups) {
				where.append(" OR ").append(names("?"));
				args.add(group);
			}
			where.append(") AND NOT EXISTS (SELECT 1 FROM ")
				.append(this.decision)
				.append(" d WHERE d.review_id = r.id AND d.reviewer = ?)");
			args.add(query.decidableBy().name());
		}
		long total = this.jdbc
			.query("SELECT COUNT(*) FROM " + this.review + " r" + where, (rs) -> rs.getLong(1), args.toArray())
			.get(0);
		String order = (query.status() == ReviewStatus.PENDING) ? " ORDER BY deadline, created_at, id"
				: " ORDER BY created_at DESC, id";
		List<ReviewRow> reviews = this.jdbc.query(
				"SELECT " + COLUMNS + " FROM " + this.review + " r" + where + order + " OFFSET "
						+ ((long) query.page() * query.size()) + " ROWS FETCH NEXT " + query.size() + " ROWS ONLY",
				this::view, args.toArray());
		return new ReviewPage(reviews.stream().map(ReviewRow::view).toList(), query.page(), query.size(), total);
	}

	/**
	 * A condition that the comma-separated {@code reviewers} name a group.
	 */
	private static String names(String group) {
		return "POSITION(',' || " + group + " || ',' IN ',' || reviewers || ',') > 0";
	}

	/**
	 * Lists every review of a run, newest first.
	 * @param runId the run
	 * @return its reviews
	 */
	public List<ReviewRow> ofRun(String runId) {
		return this.jdbc.query(
				"SELECT " + COLUMNS + " FROM " + this.review + " WHERE run_id = ? ORDER BY created_at DESC, round DESC",
				this::view, runId);
	}

	/**
	 * Returns the pending review a run waits for.
	 * @param runId the run
	 * @return the pending review
	 */
	public Optional<ReviewRow> pendingOf(String runId) {
		return this.jdbc
			.query("SELECT " + COLUMNS + " FROM " + this.review + " WHERE run_id = ? AND status = 'PENDING' "
					+ "ORDER BY created_at DESC FETCH FIRST 1 ROWS ONLY", this::view, runId)
			.stream()
			.findFirst();
	}

	/**
	 * Lists the decisions of the reviewers of a run, oldest first.
	 * @param runId the run
	 * @return the decisions
	 */
	public List<ReviewerDecision> decisions(String runId) {
		return this.jdbc.query("SELECT " + DECISION_COLUMNS + " FROM " + this.decision
				+ " WHERE run_id = ? ORDER BY decided_at, reviewer", this::decision, runId);
	}

	/**
	 * Finds pending reviews whose deadline passed, oldest deadline first.
	 * @param now the current time
	 * @param limit the maximum number of reviews
	 * @return the reviews
	 */
	public List<ReviewRow> overdue(Instant now, int limit) {
		return this.jdbc.query("SELECT " + COLUMNS + " FROM " + this.review
				+ " WHERE status = 'PENDING' AND deadline < ? ORDER BY deadline FETCH FIRST " + limit + " ROWS ONLY",
				this::view, Jdbc.time(now));
	}

	private ReviewRow view(ResultSet rs) throws SQLException {
		return new ReviewRow(rs.getString("id"), rs.getString("run_id"), rs.getInt("seq"), rs.getInt("round"),
				ReviewKind.valueOf(rs.getString("kind")), rs.getString("checkpoint"),
				ReviewStatus.valueOf(rs.getString("status")), rs.getString("reviewers"),
				this.cipher.open(rs.getString("summary")), this.cipher.open(rs.getString("payload")),
				TimeoutOutcome.valueOf(rs.getString("on_timeout")), Jdbc.instant(rs, "deadline"),
				rs.getString("reviewer"), this.cipher.open(rs.getString("review_comment")),
				this.cipher.open(rs.getString("edits")), rs.getInt("required_approvals"), rs.getInt("approvals"),
				ReviewAccess.parse(rs.getString("editable")), Jdbc.instant(rs, "created_at"),
				Jdbc.instant(rs, "decided_at"));
	}

	private ReviewerDecision decision(ResultSet rs) throws SQLException {
		return new ReviewerDecision(rs.getString("review_id"), rs.getString("run_id"),
				ReviewDecision.Decision.valueOf(rs.getString("decision")), rs.getString("reviewer"),
				Set.copyOf(ReviewAccess.parse(rs.getString("authorities"))),
				Reviewer.Channel.valueOf(rs.getString("channel")), this.cipher.open(rs.getString("review_comment")),
				this.cipher.open(rs.getString("edits")), Jdbc.instant(rs, "decided_at"));
	}

	/**
	 * Counts the pending reviews whose deadline passed before an instant: deadlines not
	 * applied yet.
	 * @param before the instant
	 * @return how many
	 */
	public long countOverdue(Instant before) {
		return this.jdbc
			.query("SELECT COUNT(*) FROM " + this.review + " WHERE status = 'PENDING' AND deadline < ?",
					(rs) -> rs.getLong(1), Jdbc.time(before))
			.get(0);
	}

	/**
	 * Where a review goes when nobody decides in time and its outcome is to escalate.
	 *
	 * @param reviewers the escalation reviewer groups
	 * @param timeoutMillis their timeout
	 */
	public record Escalation(List<String> reviewers, @Nullable Long timeoutMillis) {
	}

	/**
	 * What became of a decision.
	 *
	 * @param result what happened
	 * @param runStatus the status of the run, when it was not waiting
	 */
	public record Outcome(Result result, @Nullable RunStatus runStatus) {

		static final Outcome NOT_FOUND = new Outcome(Result.NOT_FOUND, null);

		static final Outcome ALREADY_DECIDED = new Outcome(Result.ALREADY_DECIDED, null);

		static final Outcome REPEATED = new Outcome(Result.REPEATED, null);

		static final Outcome COUNTED = new Outcome(Result.COUNTED, null);

		static final Outcome LATE_EDITS = new Outcome(Result.LATE_EDITS, null);

		static final Outcome DECIDED = new Outcome(Result.DECIDED, null);

		static Outcome notWaiting(RunStatus status) {
			return new Outcome(Result.RUN_NOT_WAITING, status);
		}

	}

	/**
	 * What happened to a decision.
	 */
	public enum Result {

		/**
		 * The review (or its run) does not exist.
		 */
		NOT_FOUND,

		/**
		 * The run does not wait for the review any more; nothing was recorded.
		 */
		RUN_NOT_WAITING,

		/**
		 * The review was decided before; nothing was recorded.
		 */
		ALREADY_DECIDED,

		/**
		 * The reviewer decided this review before; nothing was recorded.
		 */
		REPEATED,

		/**
		 * The decision edits a review that has approvals already; nothing was recorded.
		 */
		LATE_EDITS,

		/**
		 * The approval was recorded; the review waits for more approvals.
		 */
		COUNTED,

		/**
		 * The review was decided and its run handed back.
		 */
		DECIDED

	}

}
