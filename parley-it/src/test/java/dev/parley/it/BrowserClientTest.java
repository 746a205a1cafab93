package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.DeliveryResult;
import dev.parley.client.Endpoint;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InstantMessage;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.InvitationRejectedException;
import dev.parley.client.Participant;
import dev.parley.client.RejectReason;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.sip.SipUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's browser tests: the browser client (parley-web) in Debian's headless Chromium, signed
 * in to {@code parley server} over SIP over WebSocket, against another browser page and against a
 * Parley {@link Endpoint}. One server and one browser for the class (a Chromium is heavy on a
 * busy 2-core machine); each page is a window of it, each test uses its own users.
 *
 * <p>The page comes from the server's HTTPS web listener ({@code https://127.0.0.1:PORT/}, its
 * development certificate, which only the tests' Chromium is told to accept), and signs in over
 * SIP over WSS at {@code /ws} on the same listener, as a person would after {@code parley server}.
 * Missing chromium or chromedriver: skipped on a developer machine, failed when {@code CI=true}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BrowserClientTest {
  private static final Duration WAIT = BrowserFixture.WAIT;

  @TempDir static Path work;

  private static BrowserFixture browser;
  private static ParleyServer server;

  @BeforeAll
  static void start() throws Exception {
    browser = BrowserFixture.start(work, work.resolve("data"), BrowserClientTest.class,
        "alice", "bob", "carol", "dave", "erin", "frank");
    server = browser.server();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void twoBrowsersDeclineThenAcceptAnAudioCallReceiveAudioAndBothSeeTheHangUp() throws Exception {
    Chromium.Page alice = browser.signedIn("alice");
    Chromium.Page bob = browser.signedIn("bob");

    alice.type("#target", "bob@" + server.domain());
    alice.click("#start-call");
    bob.awaitText(".invitation .session-type", "Audio call");
    assertThat(bob.text(".invitation .inviter")).contains("alice@" + server.domain());
    assertThat(bob.text(".invitation .conversation-id")).matches("[0-9a-f-]{36}");
    alice.awaitText("#call-state", "ringing");
    bob.click(".invitation [data-action=decline]");
    assertThat(alice.awaitText("#call-state", "declined")).contains("603");
    assertThat(bob.findAll(".invitation")).isEmpty();

    alice.click("#start-call");
    bob.awaitText(".invitation .session-type", "Audio call");
    bob.click(".invitation [data-action=accept]");
    alice.awaitText("#call-state", "connected");
    bob.awaitText("#call-state", "connected");
    // WebRTC's inbound-rtp statistics, shown by each page: the fake microphone's audio arrives
    alice.await("audio packets at alice", p -> packets(p), n -> n > 50);
    bob.await("audio packets at bob", p -> packets(p), n -> n > 50);

    alice.click("#mute");
    assertThat(alice.find("#mute").getAttribute("aria-pressed")).isEqualTo("true");
    // the keypad's key goes to WebRTC's DTMF sender (RFC 4733 telephone-events in the media):
    // Chromium says a tone starts only once its audio channel has taken it, and then that it ends
    assertThat(alice.script(RECORD_DTMF_TONES)).isEqualTo(true);
    alice.click("#keypad button");
    alice.await("DTMF 1 sent by alice's browser",
        p -> String.valueOf(p.script("return window.dtmfTones.join(',')")), "1,"::equals);
    alice.click("#hang-up");
    alice.awaitText("#call-state", "ended");
    bob.awaitText("#call-state", "ended"); // alice's BYE reaches bob's page over its /ws connection
  }

  /**
   * Page script: records the tones of every RTCDTMFSender the page uses ({@code tonechange}
   * events, "" when the last one ends) in {@code window.dtmfTones}; returns true. Chromium fires
   * a tone's event only after the audio channel took it (telephone-event negotiated and sending).
   */
  private static final String RECORD_DTMF_TONES = """
      window.dtmfTones = [];
      const insert = RTCDTMFSender.prototype.insertDTMF;
      RTCDTMFSender.prototype.insertDTMF = function (...args) {
        if (!this.recordedByTest) {
          this.recordedByTest = true;
          this.addEventListener("tonechange", (e) => window.dtmfTones.push(e.tone));
        }
        return insert.apply(this, args);
      };
      return true;
      """;

  @Test
  void browserAndParleyEndpointExchangeMessagesAndAnswerEachOthersInvitations() throws Exception {
    BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();
    try (Endpoint dave = browser.endpoint("dave", invitations)) {
      Chromium.Page carol = browser.signedIn("carol");
      String daveAddress = "dave@" + server.domain();

      // the browser invites: an IM session with its conversation ID, then messages both ways
      carol.type("#target", daveAddress);
      carol.click("#start-chat");
      IncomingSessionEvent invitation = invitations.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(invitation).as("dave's invitation from the browser").isNotNull();
      assertThat(invitation.session().type()).isEqualTo(SessionType.INSTANT_MESSAGING);
      assertThat(invitation.inviter().uri().toString()).contains("carol@");
      String conversationId = carol.find(".conversation").getAttribute("data-conversation-id");
      assertThat(invitation.session().context().get(SessionContext.CONVERSATION_ID))
          .contains(conversationId);
      InstantMessagingSession atDave = (InstantMessagingSession) invitation.session();
      BlockingQueue<InstantMessage> daveGot = new LinkedBlockingQueue<>();
      BlockingQueue<String> daveSaw = new LinkedBlockingQueue<>();
      atDave.addListener(listener(daveGot, daveSaw));
      invitation.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      carol.awaitText(".conversation .state", "connected");

      carol.type(".conversation .compose .text", "hello dave, from a browser");
      assertThat(daveSaw.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("composing");
      carol.click(".conversation .compose button[type=submit]");
      assertThat(daveGot.poll(WAIT.toSeconds(), TimeUnit.SECONDS).text())
          .isEqualTo("hello dave, from a browser");
      carol.awaitText(".conversation .message.out .delivery", "delivered");
      // dave's composing and replies inside a dialog: parleyEndpointReachesTheBrowserInsideADialog

      // the endpoint invites: the browser's prompt shows who, the type and the conversation ID
      InstantMessagingSession fromDave = (InstantMessagingSession) dave.sessionManager().createSession(
          SessionType.INSTANT_MESSAGING,
          SessionContext.builder().set(SessionContext.CONVERSATION_ID, "from-dave-1").build());
      CompletableFuture<Participant> joined = fromDave.addParticipant(SipUri.parse(server.aor("carol")));
      carol.awaitText(".invitation .conversation-id", "from-dave-1");
      assertThat(carol.text(".invitation .session-type")).isEqualTo("Instant messaging");
      assertThat(carol.text(".invitation .inviter")).contains(daveAddress);
      carol.screenshot(Path.of("target", "web-client.png")); // for the README: a conversation and a prompt
      carol.click(".invitation [data-action=accept]");
      joined.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      carol.awaitText(".conversation[data-conversation-id='from-dave-1'] .state", "connected");

      // Busy: the endpoint learns the reason
      InstantMessagingSession again = (InstantMessagingSession) dave.sessionManager().createSession(
          SessionType.INSTANT_MESSAGING, SessionContext.EMPTY);
      CompletableFuture<Participant> refused = again.addParticipant(SipUri.parse(server.aor("carol")));
      carol.awaitText(".invitation .session-type", "Instant messaging");
      carol.click(".invitation [data-action=busy]");
      assertThat(rejection(refused).reason()).contains(RejectReason.BUSY);

      // pager mode: a MESSAGE outside any dialog lands in the conversation of its ID; the
      // browser's answer goes back as a MESSAGE too
      InstantMessagingSession pager = (InstantMessagingSession) dave.sessionManager().createSession(
          SessionType.INSTANT_MESSAGING, SessionContext.builder()
              .set(SessionContext.PAGER_MODE, true).set(SessionContext.CONVERSATION_ID, "pager-1").build());
      BlockingQueue<InstantMessage> pagerGot = new LinkedBlockingQueue<>();
      pager.addListener(listener(pagerGot, new LinkedBlockingQueue<>()));
      pager.addParticipant(SipUri.parse(server.aor("carol"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(delivered(pager.send("a pager message"))).isTrue();
      String pagerConversation = ".conversation[data-conversation-id='pager-1']";
      carol.awaitText(pagerConversation + " .message.in", "a pager message");
      carol.type(pagerConversation + " .compose .text", "pager reply");
      carol.click(pagerConversation + " .compose button[type=submit]");
      assertThat(pagerGot.poll(WAIT.toSeconds(), TimeUnit.SECONDS).text()).isEqualTo("pager reply");
      carol.awaitText(pagerConversation + " .message.out .delivery", "delivered");

      // an audio call to an endpoint without browser media: the page says it cannot carry audio
      carol.type("#target", daveAddress);
      carol.click("#start-call");
      carol.awaitText("#call-note", "cannot carry audio");
      assertThat(invitations).as("refused before dave's application sees it").isEmpty();

      dave.disable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /**
   * A Parley endpoint's requests inside a dialog with a browser reach it: its composing and
   * messages in a conversation the browser started. The browser's Contact is {@code *.invalid}
   * (RFC 7118): the proxy reaches it over the WebSocket connection named by the flow token in
   * its Record-Route (docs/server.md, "Proxy" step 7). Before the flow tokens these failed (503
   * upstream, 500 to the endpoint), and so did the ACKs to a browser that answered.
   */
  @Test
  void parleyEndpointReachesTheBrowserInsideADialog() throws Exception {
    BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();
    try (Endpoint frank = browser.endpoint("frank", invitations)) {
      Chromium.Page erin = browser.signedIn("erin");
      erin.type("#target", "frank@" + server.domain());
      erin.click("#start-chat");
      IncomingSessionEvent invitation = invitations.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(invitation).as("frank's invitation from the browser").isNotNull();
      InstantMessagingSession atFrank = (InstantMessagingSession) invitation.session();
      invitation.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      erin.awaitText(".conversation .state", "connected");

      atFrank.setComposing(true);
      erin.awaitText(".conversation .composing", "frank is typing");
      assertThat(delivered(atFrank.send("hello erin, from parley"))).isTrue();
      erin.awaitText(".conversation .message.in", "hello erin, from parley");
      assertThat(erin.text(".conversation .composing")).isEmpty();
      frank.disable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static int packets(Chromium.Page page) {
    return Integer.parseInt(page.text("#call-stats"));
  }

  private static InstantMessagingSession.Listener listener(BlockingQueue<InstantMessage> messages,
      BlockingQueue<String> composing) {
    return new InstantMessagingSession.Listener() {
      @Override
      public void onMessageReceived(InstantMessagingSession s, InstantMessage m) {
        messages.add(m);
      }

      @Override
      public void onComposing(InstantMessagingSession s, Participant p) {
        composing.add("composing");
      }
    };
  }

  private static boolean delivered(CompletableFuture<List<DeliveryResult>> sent) throws Exception {
    List<DeliveryResult> results = sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(results).singleElement()
        .satisfies(r -> assertThat(r.isDelivered()).as("%s", r).isTrue());
    return true;
  }

  private static InvitationRejectedException rejection(CompletableFuture<Participant> future)
      throws Exception {
    try {
      future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(InvitationRejectedException.class);
      return (InvitationRejectedException) e.getCause();
    }
    throw new AssertionError("the invitation was accepted");
  }
}
