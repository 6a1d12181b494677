package dev.guardedagents.internal.console;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunStatus;
import dev.guardedagents.internal.console.ConsoleApplication.Desk;
import dev.guardedagents.internal.console.ConsoleApplication.Plans;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real headless Chromium, against an application with form login and
 * CSRF protection: runs listed and searched, a run's steps, a review shown without
 * decision buttons to a user who is not a reviewer (and his direct POST refused) and
 * approved with edits by one who is, a failed run retried and forked by an operator, the
 * spend view. The run page, once approved, is saved as
 * {@code target/console/run-page.png}. Chromium and ChromeDriver are Debian's
 * ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}, or the paths in
 * {@code GUARDED_AGENTS_TEST_CHROMIUM} and {@code GUARDED_AGENTS_TEST_CHROMEDRIVER});
 * without them the tests are skipped, unless {@code GUARDED_AGENTS_TEST_BROWSER_REQUIRED}
 * is {@code true} (as in CI), when they fail.
 */
@SpringBootTest(classes = ConsoleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "guarded-agents.instance-id=console", "guarded-agents.console.enabled=true",
				"guarded-agents.security.operators=operator", "guarded-agents.reviews.allow-anonymous=false",
				"guarded-agents.actuator.show-payloads=when-authorized",
				"guarded-agents.reviews.deadline-check-interval=1h",
				"management.endpoints.web.exposure.include=agentruns,agentreviews", "logging.level.root=warn" })
class ConsoleBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static ChromeDriver browser;

	private static File profile;

	@LocalServerPort
	int port;

	@Autowired
	AgentRuns runs;

	@Autowired
	Plans plans;

	@Autowired
	ConsoleApplication.Parents parents;

	@BeforeAll
	static void startBrowser() throws IOException {
		File chromium = new File(env("GUARDED_AGENTS_TEST_CHROMIUM", "/usr/bin/chromium"));
		File driver = new File(env("GUARDED_AGENTS_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
		boolean present = chromium.canExecute() && driver.canExecute();
		if (!"true".equalsIgnoreCase(System.getenv("GUARDED_AGENTS_TEST_BROWSER_REQUIRED"))) {
			assumeThat(present).as("Chromium at " + chromium + " and ChromeDriver at " + driver).isTrue();
		}
		assertThat(present)
			.as("GUARDED_AGENTS_TEST_BROWSER_REQUIRED is set but Chromium (" + chromium + ") or ChromeDriver (" + driver
					+ ") is missing: apt-get install chromium chromium-driver")
			.isTrue();
		profile = Files.createTempDirectory("console-chromium").toFile();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium);
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--window-size=1400,1000", "--user-data-dir=" + profile.getAbsolutePath());
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver)
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
	}

	@AfterAll
	static void quitBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@BeforeEach
	void signOut() {
		browser.get(url("/login"));
		browser.manage().deleteAllCookies();
		Desk.printerOffline = true;
	}

	@Test
	void aNonReviewerSeesNoDecisionButtonsAndIsRefusedAndAReviewerApprovesWithEdits() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.refund("T-100", 40));
		String runId = handle.runId();
		await().atMost(WAIT).until(() -> this.runs.find(runId).orElseThrow().status() == RunStatus.WAITING);

		signIn("paul");
		click(By.cssSelector("a.run-link[href='#/run/" + runId + "']"));
		waitForText(By.id("run-status"), "WAITING");
		assertThat(texts(By.cssSelector("#steps tbody tr[data-seq] td:nth-child(3)"))).containsExactly("look-up");
		visible(By.cssSelector(".review .not-yours"));
		assertThat(browser.findElement(By.id("no-actions")).getText()).contains("Only operators");
		assertThat(browser.findElements(By.id("fork"))).as("no run actions for paul").isEmpty();
		assertThat(browser.findElements(By.cssSelector(".review button"))).as("no decision buttons for paul").isEmpty();
		click(By.id("nav-reviews"));
		waitForText(By.id("reviews"), "Nothing waits for you.");
		click(By.id("reviews-scope"));
		visible(By.cssSelector(".review[data-review] .not-yours"));
		String reviewId = browser.findElement(By.cssSelector(".review[data-review]")).getAttribute("data-review");
		assertThat(browser.findElements(By.cssSelector(".review button"))).isEmpty();
		Object refused = browser.executeAsyncScript("var done = arguments[arguments.length - 1];"
				+ "var header = document.querySelector('meta[name=\"guarded-agents-csrf-header\"]').content;"
				+ "var headers = {'Content-Type': 'application/json'};"
				+ "headers[header] = document.querySelector('meta[name=\"guarded-agents-csrf-token\"]').content;"
				+ "fetch('/actuator/agentreviews/' + arguments[0], {method: 'POST', headers: headers,"
				+ " body: JSON.stringify({decision: 'APPROVE'})}).then(function (r) { done(r.status); });", reviewId);
		assertThat(refused).as("a direct POST by paul, with his session and CSRF token").isEqualTo(403L);
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.WAITING);

		signOut();
		signIn("alice");
		click(By.id("nav-reviews"));
		WebElement review = visible(By.cssSelector(".review[data-review]"));
		assertThat(review.getText()).contains("refund").contains(runId).contains("editable: amount");
		review.findElement(By.cssSelector("textarea.edits")).sendKeys("{\"amount\": 30}");
		review.findElement(By.cssSelector("input.comment")).sendKeys("partial refund");
		review.findElement(By.cssSelector("button.approve-edits")).click();
		waitForText(By.id("message"), "Approved review");
		waitForText(By.id("reviews"), "Nothing waits for you.");

		browser.get(url("/guarded-agents/#/run/" + runId));
		waitForText(By.id("run-status"), "SUCCEEDED");
		assertThat(texts(By.cssSelector("#steps tbody tr[data-seq]")).stream()
			.map((row) -> row.split(" ")[1] + " " + row.split(" ")[2]))
			.as("the journal's steps, in order")
			.containsExactlyElementsOf(
					this.runs.steps(runId).stream().map((step) -> step.kind() + " " + step.name()).toList())
			.contains("TOOL look-up");
		assertThat(browser.findElement(By.id("run-result")).getText())
			.contains("customer of T-100, refunded 30 on T-100");
		assertThat(browser.findElement(By.id("decisions")).getText()).contains("alice").contains("partial refund");
		Path screenshot = Path.of("target", "console", "run-page.png");
		Files.createDirectories(screenshot.getParent());
		Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
		assertThat(handle.await(WAIT)).isEqualTo("customer of T-100, refunded 30 on T-100");
	}

	@Test
	void anOperatorFindsAFailedRunByItsBusinessKeyRetriesItAndForksIt() throws Exception {
		String runId = this.runs.start(() -> this.plans.letter("T-200")).runId();
		await().atMost(WAIT).until(() -> this.runs.find(runId).orElseThrow().status() == RunStatus.FAILED);
		Desk.printerOffline = false;

		signIn("olivia");
		assertThat(visible(By.cssSelector("#schedules tr[data-schedule='yearly-report']")).getText())
			.contains("0 0 0 1 1 *")
			.contains("no");
		visible(By.id("filter-business-key")).sendKeys("T-200");
		click(By.id("search"));
		wait(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#runs tbody tr"), 1));
		click(By.cssSelector("a.run-link[href='#/run/" + runId + "']"));
		waitForText(By.id("run-error"), "printer offline");
		click(By.id("retry"));
		waitForText(By.id("run-status"), "SUCCEEDED");
		assertThat(browser.findElement(By.id("actions")).getText()).contains("RETRY").contains("olivia");
		assertThat(browser.findElement(By.id("history")).getText()).contains("print").contains("printer offline");

		WebElement from = browser.findElement(By.id("fork-from"));
		from.clear();
		from.sendKeys("2");
		click(By.id("fork"));
		waitForText(By.id("message"), "Forked run " + runId + " into run ");
		wait((driver) -> !driver.findElement(By.id("run-id")).getText().equals(runId));
		String fork = browser.findElement(By.id("run-id")).getText();
		waitForText(By.id("run-status"), "SUCCEEDED");
		assertThat(browser.findElement(By.id("actions")).getText()).contains("FORKED").contains("olivia");
		assertThat(this.runs.handle(fork).orElseThrow().await(WAIT)).isEqualTo("customer of T-200, printed T-200");
	}

	@Test
	void anOperatorRetriesTheFailedRunsOfAPlanTogether() throws Exception {
		List<String> failed = List.of(this.runs.start(() -> this.plans.letter("T-300")).runId(),
				this.runs.start(() -> this.plans.letter("T-301")).runId());
		for (String runId : failed) {
			await().atMost(WAIT).until(() -> this.runs.find(runId).orElseThrow().status() == RunStatus.FAILED);
		}
		Desk.printerOffline = false;

		signIn("olivia");
		new Select(visible(By.id("filter-status"))).selectByValue("FAILED");
		browser.findElement(By.id("filter-name")).sendKeys("letter");
		click(By.id("search"));
		click(By.id("retry-failed"));
		waitForText(By.id("message"), "Retried 2 failed runs of letter");
		for (String runId : failed) {
			await().atMost(WAIT).until(() -> this.runs.find(runId).orElseThrow().status() == RunStatus.SUCCEEDED);
		}
		waitForText(By.id("runs"), "No runs match.");
	}

	@Test
	void aParentShowsTheChildItWaitsForWhoseMessageLetsBothGoOn() throws Exception {
		String parentId = this.runs.start(() -> this.parents.confirmed("T-400")).runId();
		await().atMost(WAIT)
			.until(() -> this.runs.find(parentId).orElseThrow().status() == RunStatus.WAITING
					&& this.runs.steps(parentId).size() == 1);
		String runId = new JsonMapper().readTree(this.runs.steps(parentId).get(0).output()).asString();
		await().atMost(WAIT).until(() -> this.runs.find(runId).orElseThrow().status() == RunStatus.WAITING);

		signIn("paul");
		browser.get(url("/guarded-agents/#/run/" + parentId));
		waitForText(By.id("run-status"), "WAITING");
		waitForText(By.id("run-awaits"), runId);
		assertThat(visible(By.cssSelector("#children tr[data-child='" + runId + "']")).getText())
			.contains("confirmation")
			.contains("WAITING");
		click(By.cssSelector("#run-awaits a"));
		waitForText(By.id("run-id"), runId);
		waitForText(By.id("run-topic"), "confirmation");
		waitForText(By.id("run-parent"), parentId);
		assertThat(browser.findElement(By.id("run-wake")).getText()).as("its deadline").isNotBlank();

		assertThat(this.runs.send(runId, "confirmation", "confirmed by T-400's bank")).isTrue();
		waitForText(By.id("run-status"), "SUCCEEDED");
		assertThat(browser.findElement(By.id("run-topic")).getText()).isEmpty();
		assertThat(texts(By.cssSelector("#steps tbody tr[data-seq] td:nth-child(3)")))
			.contains("RunContext.receive.deadline", "RunContext.receive");
		click(By.cssSelector("#run-parent a"));
		waitForText(By.id("run-id"), parentId);
		waitForText(By.id("run-status"), "SUCCEEDED");
		assertThat(texts(By.cssSelector("#steps tbody tr[data-seq] td:nth-child(2)"))).containsOnly("CHILD");
	}

	@Test
	void aLongRunShowsItsStepsPageByPage() throws Exception {
		String runId = this.runs.start(() -> this.plans.count(205)).runId();
		assertThat(this.runs.handle(runId).orElseThrow().await(WAIT)).isEqualTo(205 * 206 / 2);

		signIn("paul");
		browser.get(url("/guarded-agents/#/run/" + runId));
		waitForText(By.id("run-status"), "SUCCEEDED");
		assertThat(browser.findElements(By.cssSelector("#steps tbody tr[data-seq]"))).hasSize(200);
		waitForText(By.cssSelector(".pager"), "page 1 of 2 (205)");
		click(By.linkText("next ›"));
		waitForText(By.cssSelector(".pager"), "page 2 of 2 (205)");
		assertThat(texts(By.cssSelector("#steps tbody tr[data-seq] td:first-child"))).containsExactly("201", "202",
				"203", "204", "205");
	}

	@Test
	void theSpendViewShowsTotalsAndThePageIsSecuredByTheApplication() throws Exception {
		signIn("paul");
		click(By.id("nav-spend"));
		visible(By.cssSelector("#spend tbody tr"));
		assertThat(texts(By.cssSelector("#spend tbody tr td:first-child"))).contains("total");

		HttpResponse<Void> anonymous = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(url("/guarded-agents/"))).build(),
					HttpResponse.BodyHandlers.discarding());
		assertThat(anonymous.statusCode()).as("the application's own security applies to the page").isEqualTo(302);
		String actuator = (String) browser
			.executeScript("return document.querySelector('meta[name=\"guarded-agents-actuator\"]').content");
		assertThat(actuator).isEqualTo("/actuator");
	}

	private void signIn(String user) {
		browser.get(url("/guarded-agents/"));
		visible(By.id("username")).sendKeys(user);
		browser.findElement(By.id("password")).sendKeys(ConsoleApplication.PASSWORD);
		browser.findElement(By.cssSelector("button[type=submit]")).click();
		visible(By.id("nav-runs"));
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

	private static void click(By by) {
		wait(ExpectedConditions.elementToBeClickable(by)).click();
	}

	private static WebElement visible(By by) {
		return wait(ExpectedConditions.visibilityOfElementLocated(by));
	}

	private static void waitForText(By by, String text) {
		wait(ExpectedConditions.textToBePresentInElementLocated(by, text));
	}

	private static List<String> texts(By by) {
		return browser.findElements(by).stream().map(WebElement::getText).toList();
	}

	private static <T> T wait(java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition) {
		return new WebDriverWait(browser, WAIT).until(condition::apply);
	}

	private static String env(String name, String defaultValue) {
		String value = System.getenv(name);
		return (value != null && !value.isBlank()) ? value : defaultValue;
	}

}
