package dev.guardedagents.internal.run;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.RunContext;
import dev.guardedagents.TimeoutOutcome;

/**
 * A booking saga for the compensation tests: reservations and a charge with
 * compensations, a notification without one, a confirmation behind a checkpoint. State is
 * static: CGLIB proxies do not share their targets' fields.
 */
public class Saga {

	static final List<String> undone = new CopyOnWriteArrayList<>();

	static final AtomicInteger refundFailures = new AtomicInteger();

	static final AtomicInteger shipAttempts = new AtomicInteger();

	/**
	 * The step idempotency keys that step and compensation bodies saw.
	 */
	static final List<String> keys = new CopyOnWriteArrayList<>();

	static volatile CountDownLatch mailSent = new CountDownLatch(0);

	@GuardedTool(name = "reserve", compensation = "release")
	public String reserve(String item) {
		return "reservation-" + item;
	}

	public void release(String item, String reservation) {
		undone.add("release " + reservation);
		keys.add("release " + RunContext.current().stepIdempotencyKey());
	}

	@GuardedTool(name = "send-mail")
	public String sendMail(String to) {
		keys.add("send-mail " + RunContext.current().stepIdempotencyKey());
		try {
			mailSent.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
		return "sent to " + to;
	}

	@GuardedTool(name = "charge", compensation = "refund", maxAttempts = 2, backoffInitial = "10ms")
	public int charge(int cents) {
		return cents;
	}

	public void refund(int cents) {
		if (refundFailures.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
			throw new IllegalStateException("refund service down");
		}
		undone.add("refund " + cents);
	}

	@GuardedTool(name = "notify")
	public void notify(String text) {
	}

	@GuardedTool(name = "pay", compensation = "unpay", idempotencyKey = "#order")
	public String pay(String order) {
		return "paid " + order;
	}

	public void unpay(String order) {
		undone.add("unpay " + order);
	}

	@GuardedTool(name = "send-mail-now")
	public String sendMailNow(String to) {
		keys.add("send-mail-now " + RunContext.current().stepIdempotencyKey());
		try {
			if (!mailSent.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("mail server timed out");
			}
		}
		catch (InterruptedException ex) {
			keys.add("send-mail-now interrupted");
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted before sending", ex);
		}
		keys.add("mail sent to " + to);
		return "sent to " + to;
	}

	@GuardedTool(compensation = "releaseSeat")
	public String holdSeat(String seat) {
		return "seat " + seat;
	}

	public void releaseSeat(String seat) {
		undone.add("release seat " + seat);
	}

	/**
	 * A checkpoint (that asks nobody here) on a tool without a name of its own: its steps
	 * are journaled under the checkpoint's name, and compensated under it.
	 */
	@HumanCheckpoint(name = "saga-ship", when = "false")
	@GuardedTool(compensation = "unship", maxAttempts = 3, backoffInitial = "10ms")
	public String ship(String tag) {
		shipAttempts.incrementAndGet();
		if (tag.startsWith("broken")) {
			throw new IllegalStateException("carrier down for " + tag);
		}
		return "shipped " + tag;
	}

	public void unship(String tag) {
		undone.add("unship " + tag);
	}

	@HumanCheckpoint(name = "saga-deadline", timeout = "PT0.2S", onTimeout = TimeoutOutcome.FAIL_RUN)
	@GuardedTool(name = "confirm-in-time")
	public String confirmInTime(String tag) {
		return "confirmed " + tag;
	}

	@HumanCheckpoint(name = "saga-confirm")
	@GuardedTool(name = "confirm")
	public String confirm(String tag) {
		return "confirmed " + tag;
	}

	/**
	 * The plans of the saga.
	 */
	public static class Plans {

		private final Saga saga;

		Plans(Saga saga) {
			this.saga = saga;
		}

		@AgentRun(name = "saga-fail")
		public String fail(String tag) {
			this.saga.reserve(tag + "-a");
			this.saga.charge(100);
			this.saga.reserve(tag + "-b");
			this.saga.notify(tag);
			throw new IllegalStateException("booking failed for " + tag);
		}

		@AgentRun(name = "saga-pay")
		public String pay(String order) {
			this.saga.pay(order);
			throw new IllegalStateException("shipping failed for " + order);
		}

		@AgentRun(name = "saga-mail")
		public String reserveAndMail(String tag) {
			this.saga.reserve(tag);
			return this.saga.sendMail(tag);
		}

		@AgentRun(name = "saga-mail-now")
		public String reserveAndMailNow(String tag) {
			this.saga.reserve(tag);
			return this.saga.sendMailNow(tag);
		}

		@AgentRun(name = "saga-unnamed")
		public String holdSeat(String seat) {
			this.saga.holdSeat(seat);
			throw new IllegalStateException("no flight for seat " + seat);
		}

		@AgentRun(name = "saga-ship")
		public String ship(String tag) {
			this.saga.ship(tag);
			throw new IllegalStateException("no truck for " + tag);
		}

		@AgentRun(name = "saga-deadline")
		public String confirmInTime(String tag) {
			this.saga.reserve(tag);
			return this.saga.confirmInTime(tag);
		}

		@AgentRun(name = "saga-wait")
		public String waitForConfirmation(String tag) {
			this.saga.reserve(tag);
			this.saga.charge(200);
			return this.saga.confirm(tag);
		}

	}

}
