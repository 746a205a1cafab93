package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.DeliveryResult;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InstantMessage;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.ParticipantStateChangedEvent;
import dev.parley.client.Session;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.server.registrar.Aor;
import dev.parley.sip.SipUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's "Parley client endpoints register and call through it too": {@link Endpoint}s sign in
 * to {@code parley server} (digest, SHA-256 offered first, as by default) and reach a real baresip
 * and each other through its proxy: a Parley endpoint calls baresip, baresip calls a Parley
 * endpoint, and two Parley endpoints hold an IM session (INVITE with {@code m=message}, then
 * MESSAGEs inside the dialog, both record-routed through the server).
 *
 * <p>The server runs with its defaults: it offers SHA-256 and MD5 to the Parley endpoints, and MD5
 * alone to baresip ({@code auth.md5_only_user_agents}; baresip 1.0 fails on any other challenge:
 * {@link BaresipThroughParleyServerTest}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EndpointsThroughParleyServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path work;

  private final List<AutoCloseable> open = new ArrayList<>();
  private ParleyServer server;

  @BeforeEach
  void needsBaresip() {
    Baresip.requireInstalled();
  }

  @AfterEach
  void stop() {
    for (int i = open.size() - 1; i >= 0; i--) {
      AutoCloseable c = open.get(i);
      try {
        if (c instanceof Endpoint e && e.state() == EndpointState.ENABLED) {
          e.disable().get(5, TimeUnit.SECONDS);
        }
        c.close();
      } catch (Exception ignored) {
        // stopping: the next one is closed anyway
      }
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void parleyEndpointCallsBaresipAndHangsUp() throws Exception {
    server = started(ParleyServer.builder(work.resolve("data"))
        .user("paul", "paul-pw").user("dave", "dave-pw"));
    Endpoint paul = endpoint("paul", "paul-pw", new LinkedBlockingQueue<>());
    Baresip dave = baresip("dave", "dave-pw");

    Session call = paul.sessionManager().createSession(SessionType.AUDIO_VIDEO,
        SessionContext.EMPTY);
    var joined = call.addParticipant(SipUri.parse(server.aor("dave")));
    Baresip.Event incoming = dave.awaitEvent("CALL_INCOMING", WAIT);
    assertThat(incoming.fields().get("peeruri")).contains("paul@");
    dave.accept();

    Participant callee = joined.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(callee.state()).isEqualTo(ParticipantState.CONNECTED);
    assertThat(dave.awaitEvent("CALL_ESTABLISHED", WAIT).fields().get("peeruri"))
        .contains("paul@");
    assertThat(call.streams()).as("negotiated streams").isNotEmpty();

    call.terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    // a normal hang-up: baresip's words for any BYE from the other side, and no decline on it
    assertThat(dave.awaitEvent("CALL_CLOSED", WAIT).param()).as("%s", trace(call))
        .isEqualTo("Connection reset by peer");
    assertThat(call.trace().messages()).filteredOn(m -> m.label().equals("BYE")).singleElement()
        .satisfies(bye -> assertThat(bye.text()).doesNotContain("\r\nReason:"));
    assertThat(callee.state()).isEqualTo(ParticipantState.DISCONNECTED);
  }

  @Test
  void baresipCallsParleyEndpointAndHangsUp() throws Exception {
    server = started(ParleyServer.builder(work.resolve("data"))
        .user("paul", "paul-pw").user("dave", "dave-pw"));
    BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();
    Endpoint paul = endpoint("paul", "paul-pw", invitations);
    Baresip dave = baresip("dave", "dave-pw");

    dave.dial(server.aor("paul"));
    IncomingSessionEvent invitation = next(invitations, dave);
    assertThat(invitation.session().type()).isEqualTo(SessionType.AUDIO_VIDEO);
    assertThat(invitation.inviter().uri().toString()).contains("dave@");
    dave.awaitEvent("CALL_RINGING", WAIT);
    Participant inviter = invitation.inviter();
    List<ParticipantStateChangedEvent> changes = new CopyOnWriteArrayList<>();
    inviter.addListener((p, e) -> changes.add(e));

    Session call = invitation.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(dave.awaitEvent("CALL_ESTABLISHED", WAIT).fields().get("peeruri"))
        .contains("paul@");

    // baresip's BYE goes to paul's Contact along the Record-Route, through the proxy
    dave.hangup();
    dave.awaitEvent("CALL_CLOSED", WAIT);
    try {
      call.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the Parley session did not end after baresip's BYE\n"
          + trace(call) + "\n" + dave.log(), e);
    }
    assertThat(changes).anySatisfy(e -> {
      assertThat(e.newState()).isEqualTo(ParticipantState.DISCONNECTED);
      assertThat(e.reason()).isEqualTo(ParticipantStateChangeReason.REMOTE_HANGUP);
    });
    assertThat(paul.sessionManager().sessions()).isEmpty();
  }

  @Test
  void twoParleyEndpointsExchangeInstantMessagesThroughTheServer() throws Exception {
    server = started(ParleyServer.builder(work.resolve("data"))
        .user("paul", "paul-pw").user("quinn", "quinn-pw"));
    Endpoint paul = endpoint("paul", "paul-pw", new LinkedBlockingQueue<>());
    BlockingQueue<IncomingSessionEvent> quinnInvitations = new LinkedBlockingQueue<>();
    endpoint("quinn", "quinn-pw", quinnInvitations);

    InstantMessagingSession outgoing = (InstantMessagingSession) paul.sessionManager()
        .createSession(SessionType.INSTANT_MESSAGING, SessionContext.EMPTY);
    BlockingQueue<InstantMessage> atPaul = new LinkedBlockingQueue<>();
    outgoing.addListener(new InstantMessagingSession.Listener() {
      @Override
      public void onMessageReceived(InstantMessagingSession s, InstantMessage m) {
        atPaul.add(m);
      }
    });
    var joined = outgoing.addParticipant(SipUri.parse(server.aor("quinn")));

    IncomingSessionEvent invitation = next(quinnInvitations, null);
    assertThat(invitation.session().type()).isEqualTo(SessionType.INSTANT_MESSAGING);
    assertThat(invitation.inviter().uri().toString()).contains("paul@");
    InstantMessagingSession incoming = (InstantMessagingSession) invitation.session();
    assertThat(incoming.isPagerMode()).as("an IM session, not pager mode").isFalse();
    BlockingQueue<InstantMessage> atQuinn = new LinkedBlockingQueue<>();
    incoming.addListener(new InstantMessagingSession.Listener() {
      @Override
      public void onMessageReceived(InstantMessagingSession s, InstantMessage m) {
        atQuinn.add(m);
      }
    });
    invitation.accept().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    joined.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(delivered(outgoing.send("hello quinn, via parley server"))).isTrue();
    assertThat(next(atQuinn, outgoing).text()).isEqualTo("hello quinn, via parley server");
    assertThat(delivered(incoming.send("hello paul, same way back"))).isTrue();
    assertThat(next(atPaul, incoming).text()).isEqualTo("hello paul, same way back");
    assertThat(outgoing.context().get(SessionContext.CONVERSATION_ID))
        .isEqualTo(incoming.context().get(SessionContext.CONVERSATION_ID));

    List<ParticipantStateChangedEvent> quinnSaw = new CopyOnWriteArrayList<>();
    invitation.inviter().addListener((p, e) -> quinnSaw.add(e));
    // paul hangs up: the BYE goes to quinn's Contact along the Record-Route
    outgoing.terminate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    try {
      incoming.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("quinn's session did not end after paul's BYE\n"
          + trace(outgoing) + "\n" + trace(incoming), e);
    }
    assertThat(incoming.participants()).filteredOn(p -> !p.isLocal())
        .allSatisfy(p -> assertThat(p.state()).isEqualTo(ParticipantState.DISCONNECTED));
    // a normal hang-up for quinn: no decline, no Reason (events come apart from the future)
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !quinnSaw.isEmpty()
        && quinnSaw.get(quinnSaw.size() - 1).newState() == ParticipantState.DISCONNECTED);
    assertThat(quinnSaw.get(quinnSaw.size() - 1)).as("%s", trace(incoming)).satisfies(e -> {
      assertThat(e.reason()).isEqualTo(ParticipantStateChangeReason.REMOTE_HANGUP);
      assertThat(e.statusCode()).isZero();
      assertThat(e.rejectReason()).isEmpty();
      assertThat(e.remoteReason()).isEmpty();
    });
  }

  private ParleyServer started(ParleyServer.Builder b) throws Exception {
    return b.start();
  }

  /** A Parley endpoint signed in to the server as {@code user}, its invitations queued. */
  private Endpoint endpoint(String user, String password,
      BlockingQueue<IncomingSessionEvent> invitations) throws Exception {
    Endpoint e = Endpoint.builder("sip:" + user + "@" + server.aorHost())
        .credentials(user, password)
        .server("sip:" + server.hostPort())
        .listen("udp:127.0.0.1:0")
        .registrationExpiry(Duration.ofSeconds(600))
        .build();
    open.add(e);
    e.sessionManager().setListener((source, invitation) -> invitations.add(invitation));
    e.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(e.state()).isEqualTo(EndpointState.ENABLED);
    assertThat(server.server().location().lookup(new Aor(user, server.domain()))).hasSize(1);
    return e;
  }

  private Baresip baresip(String user, String password) throws Exception {
    Baresip b = Baresip.builder(work.resolve(user)).account(user, password, server.aorHost())
        .outboundProxy(server.hostPort()).start();
    open.add(b);
    b.awaitRegistered(WAIT);
    return b;
  }

  private static boolean delivered(java.util.concurrent.CompletableFuture<List<DeliveryResult>> f)
      throws Exception {
    List<DeliveryResult> results = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(results).singleElement()
        .satisfies(r -> assertThat(r.isDelivered()).as("%s", r).isTrue());
    return true;
  }

  private static <T> T next(BlockingQueue<T> queue, Object context) throws InterruptedException {
    T t = queue.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(t).as("nothing within %s; %s", WAIT, context instanceof Session s ? trace(s)
        : context instanceof Baresip b ? b.log() : "").isNotNull();
    return t;
  }

  private static String trace(Session s) {
    return "--- trace of " + s.type() + " session\n" + s.trace().ladder();
  }
}
