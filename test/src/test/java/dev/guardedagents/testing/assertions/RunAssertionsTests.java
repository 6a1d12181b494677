package dev.guardedagents.testing.assertions;

import java.util.concurrent.atomic.AtomicInteger;

import dev.guardedagents.AgentRun;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.testing.GuardedAgentsTest;
import dev.guardedagents.testing.ScriptedChatModel;
import dev.guardedagents.testing.TestRuns;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The assertions on cost, compensations and reviews, passing and failing with what the
 * run has.
 */
@GuardedAgentsTest(properties = { "guarded-agents.pricing.scripted.input-per-million=2.00",
		"guarded-agents.pricing.scripted.output-per-million=8.00",
		"guarded-agents.reviews.kinds.compensation.reviewers=ops" })
class RunAssertionsTests {

	@Autowired
	Shop shop;

	@Autowired
	ScriptedChatModel model;

	@Autowired
	TestRuns runs;

	@BeforeEach
	void reset() {
		this.model.reset();
		Payments.refunds.set(0);
	}

	@Test
	void aFailedOrderIsCompensatedAndItsModelCallPriced() {
		this.model.answer("order 5 is out of stock", 1000, 500);
		String runId = this.runs.start(() -> this.shop.order("5"));

		this.runs.assertThat(runId)
			.failed()
			.hasTotalCost("0.006")
			.wasCompensated("charge")
			.openedReviews(0)
			.step("charge")
			.ranOnce()
			.wasCompensated();
		assertThat(Payments.refunds).hasValue(1);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.runs.assertThat(runId).hasTotalCost("0.007"))
			.withMessageContaining("to have cost 0.007 but it cost 0.006");
	}

	@Test
	void aShippedOrderOpenedOneReviewAndWasNotCompensated() {
		String runId = this.runs.start(() -> this.shop.ship("6"));
		this.runs.approve(runId);

		this.runs.assertThat(runId).succeeded().openedReviews(1).hasTotalCost("0").step("ship").wasNotCompensated();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.runs.assertThat(runId).wasCompensated("ship"))
			.withMessageContaining("to have been compensated with [ship] but its compensation is null with []");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.runs.assertThat(runId).openedReviews(2))
			.withMessageContaining("opened 1: [CHECKPOINT ship APPROVED]");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ShopApplication {

		@Bean
		Payments payments() {
			return new Payments();
		}

		@Bean
		Shop shop(ChatClient.Builder chat, Payments payments) {
			return new Shop(chat.build(), payments);
		}

	}

	public static class Payments {

		static final AtomicInteger refunds = new AtomicInteger();

		@GuardedTool(name = "charge", compensation = "refund")
		public String charge(String order) {
			return "receipt-" + order;
		}

		public void refund(String order, String receipt) {
			refunds.incrementAndGet();
		}

		@HumanCheckpoint(name = "ship", timeout = "1h", reviewers = "shipping")
		@GuardedTool(name = "ship")
		public String ship(String order) {
			return "shipped " + order;
		}

	}

	public static class Shop {

		private final ChatClient chat;

		private final Payments payments;

		public Shop(ChatClient chat, Payments payments) {
			this.chat = chat;
			this.payments = payments;
		}

		@AgentRun(name = "order")
		public String order(String order) {
			this.payments.charge(order);
			String stock = this.chat.prompt().user("Is order " + order + " in stock?").call().content();
			throw new IllegalStateException(stock);
		}

		@AgentRun(name = "ship")
		public String ship(String order) {
			return this.payments.ship(order);
		}

	}

}
