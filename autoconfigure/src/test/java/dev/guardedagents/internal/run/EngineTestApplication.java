package dev.guardedagents.internal.run;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.CheckpointRejectedException;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.RunContext;
import dev.guardedagents.Sensitive;
import dev.guardedagents.TimeoutOutcome;

import org.slf4j.MDC;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A small application with plans and tools for the engine tests. Its state is static so
 * that several application contexts in one JVM (instances sharing a database) see it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class EngineTestApplication {

	@Bean
	Tools tools(@Value("${guarded-agents.instance-id}") String instanceId) {
		return new Tools(instanceId);
	}

	@Bean
	Offers offers(@Value("${guarded-agents.instance-id}") String instanceId) {
		return new Offers(instanceId);
	}

	@Bean
	Saga saga() {
		return new Saga();
	}

	@Bean
	Saga.Plans sagaPlans(Saga saga) {
		return new Saga.Plans(saga);
	}

	@Bean
	Family.Kids kids(Saga saga) {
		return new Family.Kids(saga);
	}

	@Bean
	Family family(ObjectProvider<AgentRuns> runs, Family.Kids kids) {
		return new Family(runs, kids);
	}

	@Bean
	Stamps stamps(Offers offers) {
		return new Stamps(offers);
	}

	@Bean
	Vault vault() {
		return new Vault();
	}

	@Bean
	Vault.Plans vaultPlans(Vault vault) {
		return new Vault.Plans(vault);
	}

	@Bean
	Plans plans(Tools tools, Offers offers) {
		return new Plans(tools, offers);
	}

	record Order(String id, String customer, int amount) {
	}

	record Customer(String email) {
	}

	record Offer(String product, int amount) {
	}

	/**
	 * Calls seen by the tools, as "instance:tool:argument".
	 */
	static final Queue<String> calls = new ConcurrentLinkedQueue<>();

	/**
	 * Step idempotency keys seen inside step bodies.
	 */
	static final Queue<String> stepKeys = new ConcurrentLinkedQueue<>();

	/**
	 * Gates that block the tool 'wait' on an instance until opened: "instance:gate".
	 */
	static final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

	/**
	 * Latches counted down when 'wait' reaches a gate: "instance:gate".
	 */
	static final Map<String, CountDownLatch> arrivals = new ConcurrentHashMap<>();

	static void reset() {
		calls.clear();
		stepKeys.clear();
		gates.clear();
		arrivals.clear();
	}

	static CountDownLatch gate(String instance, String gate) {
		arrivals.put(instance + ":" + gate, new CountDownLatch(1));
		return gates.computeIfAbsent(instance + ":" + gate, (key) -> new CountDownLatch(1));
	}

	static void awaitArrival(String instance, String gate) throws InterruptedException {
		if (!arrivals.get(instance + ":" + gate).await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("No run reached gate " + gate + " on " + instance);
		}
	}

	static List<String> calls(String prefix) {
		return calls.stream().filter((call) -> call.startsWith(prefix)).toList();
	}

	static class Tools {

		private final String instance;

		Tools(String instance) {
			this.instance = instance;
		}

		@GuardedTool
		public String fetch(String id) {
			calls.add(this.instance + ":fetch:" + id);
			RunContext.find().ifPresent((context) -> stepKeys.add(context.stepIdempotencyKey()));
			return "data-" + id;
		}

		@GuardedTool(name = "export", maxAttempts = 1)
		public String export(int bytes) {
			calls.add(this.instance + ":export:" + bytes);
			return "x".repeat(bytes);
		}

		@GuardedTool(name = "add")
		public int add(int a, int b) {
			calls.add(this.instance + ":add:" + a + "+" + b);
			return a + b;
		}

		static final AtomicInteger receipts = new AtomicInteger();

		@GuardedTool(name = "charge", idempotencyKey = "'order-' + #orderId")
		public String charge(String orderId, int amount) {
			calls.add(this.instance + ":charge:" + orderId);
			await("charge-" + orderId);
			return "receipt-" + receipts.incrementAndGet() + " for " + amount;
		}

		@GuardedTool
		public String fail(String message) {
			calls.add(this.instance + ":fail:" + message);
			throw new IllegalStateException(message);
		}

		@GuardedTool
		public String await(String gate) {
			calls.add(this.instance + ":await:" + gate);
			CountDownLatch latch = gates.get(this.instance + ":" + gate);
			if (latch != null) {
				arrivals.get(this.instance + ":" + gate).countDown();
				try {
					if (!latch.await(60, TimeUnit.SECONDS)) {
						throw new IllegalStateException("gate " + gate + " never opened");
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("interrupted at gate " + gate);
				}
			}
			return "passed-by-" + this.instance;
		}

	}

	/**
	 * A plan whose non-deterministic values are steps without a bean.
	 */
	record Payment(String reference, int amount) {
	}

	static class Stamps {

		static final AtomicInteger lookups = new AtomicInteger();

		static final AtomicInteger flaky = new AtomicInteger();

		static final AtomicInteger reserves = new AtomicInteger();

		static final AtomicInteger labels = new AtomicInteger();

		static final AtomicInteger packs = new AtomicInteger();

		static final AtomicInteger sends = new AtomicInteger();

		static final AtomicInteger works = new AtomicInteger();

		static volatile boolean printerOffline;

		private final Offers offers;

		Stamps(Offers offers) {
			this.offers = offers;
		}

		@AgentRun(name = "logged", businessKey = "'order-' + #order")
		public String logged(String order) {
			String inPlan = MDC.get("runId") + "|" + MDC.get("runName") + "|" + MDC.get("businessKey") + "|"
					+ MDC.get("step");
			String inStep = RunContext.step("read-mdc", () -> MDC.get("runId") + "|" + MDC.get("runName") + "|"
					+ MDC.get("businessKey") + "|" + MDC.get("step"));
			return RunContext.current().runId() + "#" + inPlan + "#" + inStep;
		}

		@AgentRun(name = "nap")
		public String nap(String order, long millis) {
			String packed = RunContext.step("pack", () -> {
				packs.incrementAndGet();
				return "packed " + order;
			});
			RunContext.sleep(Duration.ofMillis(millis));
			String sent = RunContext.step("send", () -> {
				sends.incrementAndGet();
				return "sent " + order;
			});
			return packed + "|" + sent;
		}

		@AgentRun(name = "awaiting-payment")
		public String awaitPayment(String order, long timeoutMillis) {
			String packed = RunContext.step("pack", () -> {
				packs.incrementAndGet();
				return "packed " + order;
			});
			String paid = RunContext.receive("payment", Payment.class, Duration.ofMillis(timeoutMillis))
				.map((payment) -> "paid " + payment.reference() + " " + payment.amount())
				.orElse("unpaid");
			String note = RunContext.receive("note", String.class, Duration.ZERO).orElse("no note");
			String sent = RunContext.step("send", () -> {
				sends.incrementAndGet();
				return "sent " + order;
			});
			return packed + "|" + paid + "|" + note + "|" + sent;
		}

		@AgentRun(name = "limited")
		public String limited(String order) {
			return RunContext.step("work", () -> {
				works.incrementAndGet();
				try {
					Thread.sleep(300);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return "worked " + order;
			});
		}

		@AgentRun(name = "limited-napping")
		public String limitedNapping(String order) {
			String first = RunContext.step("first-half", () -> work(order));
			RunContext.sleep(Duration.ofMillis(100));
			return first + "|" + RunContext.step("second-half", () -> work(order));
		}

		private static String work(String order) {
			works.incrementAndGet();
			try {
				Thread.sleep(150);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return "worked " + order;
		}

		@AgentRun(name = "shipment")
		public String ship(String order) {
			String reserved = RunContext.step("hold-stock", () -> {
				reserves.incrementAndGet();
				return "reserved " + order;
			});
			String label = RunContext.step("print-label", () -> {
				labels.incrementAndGet();
				if (printerOffline) {
					throw new IllegalStateException("printer offline");
				}
				return "label " + order;
			});
			return reserved + "|" + label;
		}

		@AgentRun(name = "stamped")
		public String stamped(String order) {
			Instant at = RunContext.now();
			UUID id = RunContext.randomUUID();
			Offer rate = RunContext.step("fetch-rate", () -> {
				lookups.incrementAndGet();
				return new Offer("rate-" + order, 7);
			});
			int tries = RunContext.step("flaky-lookup", Integer.class, () -> {
				if (flaky.incrementAndGet() < 4) {
					throw new IllegalStateException("not yet");
				}
				return flaky.get();
			});
			List<String> tags = RunContext.step("tags", new ParameterizedTypeReference<List<String>>() {
			}, () -> List.of("new", order));
			this.offers.confirm(order);
			return at + "|" + id + "|" + rate.product() + ":" + rate.amount() + "|" + tries + "|" + tags;
		}

	}

	/**
	 * Tools and a plan with {@code @Sensitive} values.
	 */
	static class Vault {

		@GuardedTool(name = "store-secret", idempotencyKey = "#account", maxAttempts = 1)
		@Sensitive
		public String storeSecret(String account, @Sensitive String password) {
			calls.add("vault:store:" + account + ":" + password);
			return "token-" + account + "-" + password;
		}

		@GuardedTool(name = "call-bank", maxAttempts = 1)
		public String callBank(String account) {
			throw new IllegalStateException(
					"bank refused Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc for " + account + "@example.com");
		}

		@HumanCheckpoint(name = "release-card", timeout = "1h", reviewers = "vault-keepers",
				summary = "'Release card ' + #card + ' to ' + #email")
		public String releaseCard(@Sensitive String card, String email) {
			calls.add("vault:release:" + card + ":" + email);
			return "released";
		}

		static class Plans {

			private final Vault vault;

			Plans(Vault vault) {
				this.vault = vault;
			}

			@AgentRun(name = "open-vault")
			@Sensitive
			public String open(String account, @Sensitive String password) {
				String token = this.vault.storeSecret(account, password);
				try {
					this.vault.callBank(account);
				}
				catch (IllegalStateException ex) {
					// journaled as the step's failure
				}
				return this.vault.releaseCard("4111 1111 1111 1111", account + "@example.com") + " " + token;
			}

		}

	}

	static class Offers {

		private final String instance;

		Offers(String instance) {
			this.instance = instance;
		}

		@HumanCheckpoint(name = "send-offer", timeout = "1h", when = "#offer.amount > 500", reviewers = "sales-leads",
				editable = "offer", summary = "'Send offer of ' + #offer.amount + ' to ' + #customer.email")
		public String send(Customer customer, Offer offer) {
			calls.add(this.instance + ":send:" + offer.product() + ":" + offer.amount() + ":" + customer.email());
			return "sent " + offer.product() + " for " + offer.amount();
		}

		@HumanCheckpoint(name = "approve-on-timeout", timeout = "PT0.2S", onTimeout = TimeoutOutcome.APPROVE)
		public String approveOnTimeout(String what) {
			calls.add(this.instance + ":approve-on-timeout:" + what);
			return "done " + what;
		}

		@HumanCheckpoint(name = "reject-on-timeout", timeout = "PT0.2S")
		public String rejectOnTimeout(String what) {
			calls.add(this.instance + ":reject-on-timeout:" + what);
			return "done " + what;
		}

		@HumanCheckpoint(name = "escalate-on-timeout", timeout = "PT0.2S", onTimeout = TimeoutOutcome.ESCALATE,
				reviewers = "team", escalateTo = "managers", escalationTimeout = "1h")
		public String escalateOnTimeout(String what) {
			calls.add(this.instance + ":escalate-on-timeout:" + what);
			return "done " + what;
		}

		@HumanCheckpoint(name = "refund", timeout = "1h")
		@GuardedTool(name = "refund", idempotencyKey = "'refund-' + #orderId")
		public String refund(String orderId, int amount) {
			calls.add(this.instance + ":refund:" + orderId + ":" + amount);
			return "refunded " + amount + " on " + orderId;
		}

		@HumanCheckpoint(name = "confirm", timeout = "1h")
		public String confirm(String what) {
			return "confirmed " + what;
		}

		@HumanCheckpoint(name = "fail-on-timeout", timeout = "PT0.2S", onTimeout = TimeoutOutcome.FAIL_RUN)
		public String failOnTimeout(String what) {
			calls.add(this.instance + ":fail-on-timeout:" + what);
			return "done " + what;
		}

	}

	static class Plans {

		private final Tools tools;

		private final Offers offers;

		Plans(Tools tools, Offers offers) {
			this.tools = tools;
			this.offers = offers;
		}

		@AgentRun(name = "offer")
		public String offer(Customer customer, Offer offer) {
			this.tools.fetch("lead-" + customer.email());
			try {
				return this.offers.send(customer, offer);
			}
			catch (CheckpointRejectedException ex) {
				return "not sent: " + ex.getVerdict() + " by " + ex.getReviewer() + " (" + ex.getComment() + ")";
			}
		}

		@AgentRun(name = "checkout")
		public String checkout(String orderId) {
			return this.tools.charge(orderId, 10);
		}

		@AgentRun(name = "checkout-of")
		public String checkoutOf(String orderId, int amount) {
			return this.tools.charge(orderId, amount);
		}

		@AgentRun(name = "refund")
		public String refund(String orderId, int amount) {
			return this.offers.refund(orderId, amount);
		}

		@AgentRun(name = "refund-and-confirm")
		public String refundAndConfirm(String orderId, int amount) {
			return this.offers.refund(orderId, amount) + " / " + this.offers.confirm(orderId);
		}

		@AgentRun(name = "timed")
		public String timed(String outcome) {
			try {
				return switch (outcome) {
					case "approve" -> this.offers.approveOnTimeout(outcome);
					case "reject" -> this.offers.rejectOnTimeout(outcome);
					case "escalate" -> this.offers.escalateOnTimeout(outcome);
					default -> this.offers.failOnTimeout(outcome);
				};
			}
			catch (CheckpointRejectedException ex) {
				return "not done: " + ex.getVerdict();
			}
		}

		@AgentRun(name = "three-steps")
		public String threeSteps(String input) {
			String a = this.tools.fetch(input);
			int sum = this.tools.add(1, 2);
			String b = this.tools.fetch(a + "-" + sum);
			return b + "/" + RunContext.current().runName();
		}

		@AgentRun(name = "keyed", idempotencyKey = "#order.id", businessKey = "'customer-' + #order.customer")
		public int keyed(Order order) {
			this.tools.await("keyed");
			return this.tools.add(order.amount(), 1);
		}

		@AgentRun(name = "exports")
		public int exports(int bytes) {
			return this.tools.export(bytes).length();
		}

		@AgentRun(name = "recovers-from-failure")
		public String recoversFromFailure() {
			try {
				this.tools.fail("boom");
				return "unreachable";
			}
			catch (IllegalStateException ex) {
				return "caught " + ex.getClass().getSimpleName() + " " + ex.getMessage() + " then "
						+ this.tools.fetch("after");
			}
		}

		@AgentRun(name = "failing")
		public String failing() {
			return this.tools.fail("fatal");
		}

		@AgentRun(name = "gated")
		public String gated(String gate) {
			this.tools.fetch("before-" + gate);
			String passed = this.tools.await(gate);
			this.tools.fetch("after-" + gate);
			return passed;
		}

		@AgentRun(name = "streaming")
		public int streaming(InputStream input) {
			return 0;
		}

		@AgentRun(name = "no-result")
		public void noResult(List<Order> orders) {
			orders.forEach((order) -> this.tools.add(order.amount(), 0));
		}

	}

}
