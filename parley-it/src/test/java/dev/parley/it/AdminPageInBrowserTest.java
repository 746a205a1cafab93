package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.Endpoint;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.Participant;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.server.registrar.Aor;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.sip.SipUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

/**
 * Issue 14's admin page and metrics in a real browser (Debian's headless Chromium through
 * chromedriver): an admin signs in at {@code https://127.0.0.1:PORT/admin}, sees a Parley
 * endpoint's registration, watches a live call's ladder (its INVITE shown), removes the binding
 * with the page's button, and reads the status listener's {@code /metrics}, whose counters moved.
 * Missing chromium or chromedriver: skipped on a developer machine, failed when {@code CI=true}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AdminPageInBrowserTest {
  private static final Duration WAIT = BrowserFixture.WAIT;
  private static final Pattern COUNTER = Pattern.compile(
      "parley_sip_requests_received_total\\{[^}]*method=\"(INVITE|REGISTER)\"[^}]*\\} ([0-9.eE+]+)");

  @TempDir Path work;
  private BrowserFixture browser;
  private ParleyServer server;
  private Chromium chromium;

  @BeforeEach
  void start() throws Exception {
    Chromium.requireInstalled(); // before the store is made: skipped without a browser
    Path data = work.resolve("data");
    java.nio.file.Files.createDirectories(data);
    try (Store store = Store.embedded(data)) {
      store.addAccount(Account.withPassword(ParleyServer.DOMAIN, "root", "root-pw")
          .withAdmin(true));
    }
    browser = BrowserFixture.start(work, data, AdminPageInBrowserTest.class,
        "alice", "bob", "carol");
    server = browser.server();
    chromium = browser.chromium();
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void anAdminSeesABindingAndALiveCallsLadderRemovesTheBindingAndTheMetricsMove()
      throws Exception {
    Chromium.Page metrics = chromium.open(server.server().statusUrl() + "/metrics");
    double[] before = counters(metrics.text("body"));

    Chromium.Page admin = chromium.open(server.webUrl() + "admin");
    admin.awaitText("h1", "Parley admin"); // redirected to the sign-in form
    admin.type("input[name=user]", "root");
    admin.type("input[name=password]", "root-pw");
    admin.click("form button[type=submit]");
    admin.await("signed in: the page's summary names the domain",
        p -> p.text("#summary") + " | " + p.script("return location.href") + " | " + p.text("body"),
        t -> t.startsWith(server.domain() + ": "));

    BlockingQueue<IncomingSessionEvent> atBob = new LinkedBlockingQueue<>();
    try (Endpoint alice = browser.endpoint("alice", new LinkedBlockingQueue<>());
        Endpoint bob = browser.endpoint("bob", atBob)) {
      // the registrations: AOR, contact, user agent (the browser client's, a Parley endpoint's
      // Parley/VERSION), seconds left
      browser.signedIn("carol");
      List<String> alices = admin.await("alice's binding", p -> cells(p, server.aor("alice")),
          c -> c.size() >= 5);
      assertThat(alices.get(1)).startsWith("<sip:alice@127.0.0.1:");
      assertThat(alices.get(2)).as("alice's user agent").startsWith("Parley");
      assertThat(Integer.parseInt(alices.get(4))).isPositive();
      List<String> carols = admin.await("carol's binding", p -> cells(p, server.aor("carol")),
          c -> c.size() >= 5);
      assertThat(carols.get(1)).contains("sip:");
      assertThat(carols.get(2)).as("carol's user agent").isNotBlank();
      assertThat(Integer.parseInt(carols.get(4))).isPositive();

      // a live call (an IM session: INVITE, 200, ACK through the proxy) and its ladder
      InstantMessagingSession session = (InstantMessagingSession) alice.sessionManager()
          .createSession(SessionType.INSTANT_MESSAGING, SessionContext.EMPTY);
      CompletableFuture<Participant> joined = session.addParticipant(
          SipUri.parse(server.aor("bob")));
      IncomingSessionEvent invitation = atBob.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(invitation).as("bob's invitation").isNotNull();
      invitation.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      joined.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      admin.await("the call listed with its Ladder button",
          p -> p.findAll("#calls button.ladder").size(), n -> n > 0);
      admin.await("the ladder opened", p -> {
        p.click("#calls button.ladder");
        return p.find("#ladder").isDisplayed();
      }, shown -> shown);
      admin.awaitText("#ladder-table tbody", "INVITE " + server.aor("bob"));
      admin.click("#ladder-table tbody tr"); // the whole first message
      admin.awaitText("#ladder-message", "Call-ID:");
      admin.script("window.scrollTo(0, document.getElementById('calls').offsetTop - 40)");
      admin.screenshot(Path.of("target", "admin-ladder.png")); // for the README

      // Remove: the browser's binding is gone from the server
      admin.await("carol's binding removed with the page's button", p -> {
        for (WebElement row : p.findAll("#registrations tbody tr")) {
          if (row.getText().contains(server.aor("carol"))) {
            row.findElement(org.openqa.selenium.By.cssSelector("button")).click();
          }
        }
        return server.server().location().lookup(new Aor("carol", server.domain())).isEmpty();
      }, gone -> gone);
      admin.await("the page no longer lists it", p -> p.text("#registrations tbody"),
          t -> !t.contains(server.aor("carol")));
      session.terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    // the metrics, in the browser again: requests by method moved
    metrics.script("location.reload()");
    double[] after = metrics.await("the counters moved", p -> counters(p.text("body")),
        c -> c[0] > before[0] && c[1] > before[1]);
    assertThat(after[0]).as("INVITEs received").isGreaterThan(before[0]);
    assertThat(after[1]).as("REGISTERs received").isGreaterThan(before[1]);
  }

  /** The text of the cells of the registrations row holding {@code aor}. */
  private static List<String> cells(Chromium.Page page, String aor) {
    for (WebElement row : page.findAll("#registrations tbody tr")) {
      if (row.getText().contains(aor)) {
        return row.findElements(org.openqa.selenium.By.tagName("td")).stream()
            .map(WebElement::getText).toList();
      }
    }
    return List.of();
  }

  /** INVITEs and REGISTERs received, as /metrics says (0 when not listed yet). */
  private static double[] counters(String text) {
    double[] c = new double[2];
    Matcher m = COUNTER.matcher(text);
    while (m.find()) {
      c[m.group(1).equals("INVITE") ? 0 : 1] = Double.parseDouble(m.group(2));
    }
    return c;
  }
}
