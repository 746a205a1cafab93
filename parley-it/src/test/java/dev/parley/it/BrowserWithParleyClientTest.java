package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's "a browser and a {@code parley client} exchange IM both ways and answer each other's
 * invitations": the browser client (parley-web) in Debian's headless Chromium and a real
 * {@code parley client --json} process ({@link ParleyClientProcess}), both signed in to
 * {@code parley server} (in-process, its HTTPS web listener serving the page and SIP over WSS at
 * {@code /ws}; the client over UDP). The test types the client's documented commands (docs/cli.md)
 * and reads its JSON events; it clicks the page and reads what the page shows.
 *
 * <p>A class of its own (its own Chromium) beside {@link BrowserClientTest}, whose users and
 * browser it leaves alone. Missing chromium or chromedriver: skipped on a developer machine,
 * failed when {@code CI=true}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BrowserWithParleyClientTest {
  @TempDir static Path work;

  private static BrowserFixture browser;
  private static ParleyServer server;

  @BeforeAll
  static void start() throws Exception {
    browser = BrowserFixture.start(work, work.resolve("data"), BrowserWithParleyClientTest.class,
        "gina", "hank");
    server = browser.server();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void browserAndParleyClientProcessExchangeMessagesAndAnswerEachOthersInvitations()
      throws Exception {
    String gina = server.aor("gina");
    try (ParleyClientProcess hank = ParleyClientProcess.start("hank", work.resolve("hank"),
        "hank-pw", List.of("--user", server.aor("hank"), "--server", server.hostPort(),
            // a declined invitation fails its `im` command: the test goes on
            "--keep-going"))) {
      try {
        hank.await("enabled", e -> true);
        Chromium.Page page = browser.signedIn("gina");
        pageInvitesTheClientAndTheyWriteBothWays(page, hank, gina);
        clientInvitesThePageDeclinedThenAccepted(page, hank, gina);
        pageCallsTheClientWithoutBrowserAudio(page, hank);
        theClosedPagesFlowFailsTheClientsNextMessage(page, hank);

        hank.type("quit");
        // 1: commands failed (the declined `im`, the `send` to the closed page): two error events
        assertThat(hank.exitStatus()).isEqualTo(1);
        assertThat(hank.events("error")).extracting(e -> e.get("command")).containsExactly(
            "im " + gina + " hello gina, from parley client", "send are you still there?");
        assertThat(hank.events()).last().satisfies(e -> assertThat(e).containsEntry("event",
            "disabled"));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + hank.log(), e);
      }
    }
  }

  /**
   * The page's Chat: the client's {@code incoming} names the page's conversation; {@code accept}
   * connects both; the page's message is the client's {@code message} event in that session, the
   * client's {@code send} shows in the page's conversation; the client's {@code hangup} ends it.
   */
  private static void pageInvitesTheClientAndTheyWriteBothWays(Chromium.Page page,
      ParleyClientProcess hank, String gina) throws Exception {
    page.type("#target", "hank@" + server.domain());
    page.click("#start-chat");
    Map<String, String> incoming = hank.await("incoming", e -> true);
    String conversation = page.find(".conversation").getAttribute("data-conversation-id");
    assertThat(incoming).containsEntry("session", "1").containsEntry("type", "INSTANT_MESSAGING")
        .containsEntry("peer", gina).containsEntry("conversation", conversation)
        .containsEntry("pager", "false");
    hank.type("accept");
    hank.await("state", e -> "1".equals(e.get("session")) && "CONNECTED".equals(e.get("state")));
    String ours = ".conversation[data-conversation-id='" + conversation + "']";
    page.awaitText(ours + " .state", "connected");

    page.type(ours + " .compose .text", "hello hank, from a browser");
    page.click(ours + " .compose button[type=submit]");
    assertThat(hank.await("message", e -> "1".equals(e.get("session"))))
        .containsEntry("text", "hello hank, from a browser")
        .containsEntry("conversation", conversation).containsEntry("peer", gina);
    page.awaitText(ours + " .message.out .delivery", "delivered");

    hank.type("send hi gina, from parley client");
    page.awaitText(ours + " .message.in", "hi gina, from parley client");
    assertThat(hank.await("sent", e -> "1".equals(e.get("session"))))
        .containsEntry("status", "200").containsEntry("delivered", "true");

    hank.type("hangup 1");
    hank.await("ended", e -> "1".equals(e.get("session")));
    page.awaitText(ours + " .state", "ended");
  }

  /**
   * The client's {@code im}: the page's prompt shows who, the session type and the client's
   * conversation; Decline is the client's 603 (its {@code ended} reason); invited again, Accept
   * connects, the message shows in that conversation, and the page's reply is the client's
   * {@code message} event.
   */
  private static void clientInvitesThePageDeclinedThenAccepted(Chromium.Page page,
      ParleyClientProcess hank, String gina) throws Exception {
    String hankAddress = "hank@" + server.domain();
    hank.type("im " + gina + " hello gina, from parley client");
    page.awaitText(".invitation .session-type", "Instant messaging");
    assertThat(page.text(".invitation .inviter")).contains(hankAddress);
    Map<String, String> ringing = hank.await("state", e -> "2".equals(e.get("session")));
    assertThat(page.text(".invitation .conversation-id")).isEqualTo(ringing.get("conversation"));
    page.click(".invitation [data-action=decline]");
    assertThat(hank.await("ended", e -> "2".equals(e.get("session"))))
        .containsEntry("reason", "DECLINE").containsEntry("status", "603")
        .containsEntry("type", "INSTANT_MESSAGING");
    hank.await("error", e -> true);
    assertThat(page.findAll(".invitation")).isEmpty();

    hank.type("im " + gina + " hello again, from parley client");
    page.awaitText(".invitation .session-type", "Instant messaging");
    String conversation = page.text(".invitation .conversation-id");
    page.click(".invitation [data-action=accept]");
    assertThat(hank.await("state", e -> "3".equals(e.get("session"))
        && "CONNECTED".equals(e.get("state")))).containsEntry("conversation", conversation);
    assertThat(hank.await("sent", e -> "3".equals(e.get("session"))))
        .containsEntry("delivered", "true");
    String theirs = ".conversation[data-conversation-id='" + conversation + "']";
    page.awaitText(theirs + " .state", "connected");
    page.awaitText(theirs + " .message.in", "hello again, from parley client");
    assertThat(page.text(theirs + " .peer")).contains(hankAddress);

    page.type(theirs + " .compose .text", "welcome back, hank");
    page.click(theirs + " .compose button[type=submit]");
    assertThat(hank.await("message", e -> "3".equals(e.get("session"))))
        .containsEntry("text", "welcome back, hank").containsEntry("conversation", conversation);
    page.awaitText(theirs + " .message.out .delivery", "delivered");
  }

  /**
   * The page's Call: the client's endpoint refuses the WebRTC offer (488: no plain RTP line to
   * take) before its application sees it, so the client prints no {@code incoming}; the page
   * says the call cannot carry audio (docs/web-client.md, "Audio needs a browser on both sides").
   */
  private static void pageCallsTheClientWithoutBrowserAudio(Chromium.Page page,
      ParleyClientProcess hank) throws Exception {
    page.type("#target", "hank@" + server.domain());
    page.click("#start-call");
    page.awaitText("#call-note", "cannot carry audio");
    assertThat(page.text("#call-state")).contains("488");
    // the client's own listing, printed after anything it had to say about the call
    hank.type("sessions");
    hank.await("session", e -> true);
    assertThat(hank.events("incoming")).extracting(e -> e.get("type"))
        .as("the call never reached the client's application").doesNotContain("AUDIO_VIDEO");
  }

  /**
   * The page is reloaded (its WebSocket connection closes; SIP.js sends no BYE on unload), so the
   * client's IM session #3 outlives it: the client's next message, routed by the flow token of
   * the page's connection, gets 430 Flow Failed from the proxy (RFC 5626 §5.3), which does not
   * dial a browser.
   */
  private static void theClosedPagesFlowFailsTheClientsNextMessage(Chromium.Page page,
      ParleyClientProcess hank) throws Exception {
    long open = server.server().status().connections().get("open");
    page.script("location.reload()");
    org.awaitility.Awaitility.await("the page's connection closed at the server")
        .atMost(ParleyClientProcess.WAIT)
        .until(() -> server.server().status().connections().get("open") < open);
    hank.type("send are you still there?");
    assertThat(hank.await("sent", e -> "3".equals(e.get("session"))
        && !"200".equals(e.get("status"))))
        .containsEntry("status", "430").containsEntry("reasonPhrase", "Flow Failed")
        .containsEntry("delivered", "false");
  }
}
