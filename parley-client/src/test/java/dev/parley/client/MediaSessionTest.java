package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sdp.Direction;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.testkit.MockSipPeer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Audio/video, conference and application invitations over real UDP sockets: SDP negotiated
 * (codecs intersected, directions answered), streams listed, isfocus recognised, application data
 * both ways.
 */
class MediaSessionTest {
  private static final MediaType GAME = MediaType.parse("application/x-game");
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Endpoint alice;
  private Endpoint bob;
  private final BlockingQueue<IncomingSessionEvent> bobInvitations = new LinkedBlockingQueue<>();

  private Endpoint endpoint(String user) {
    Endpoint e = Endpoint.builder("sip:" + user + "@127.0.0.1").listen("udp:127.0.0.1:0").build();
    endpoints.add(e);
    e.enable().join();
    return e;
  }

  @BeforeEach
  void start() {
    alice = endpoint("alice");
    bob = endpoint("bob");
    bob.sessionManager().setListener((source, e) -> bobInvitations.add(e));
  }

  @AfterEach
  void stop() throws Exception {
    endpoints.forEach(Endpoint::close);
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private IncomingSessionEvent nextInvitation() throws InterruptedException {
    IncomingSessionEvent e = bobInvitations.poll(5, TimeUnit.SECONDS);
    assertThat(e).as("invitation").isNotNull();
    return e;
  }

  private MockSipPeer peer() throws Exception {
    MockSipPeer p = MockSipPeer.start();
    closeables.add(p);
    return p;
  }

  private static InetSocketAddress at(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /**
   * An INVITE from {@code user} at {@code peer} to bob with {@code contact} and a body, as wire
   * text.
   */
  private static String invite(MockSipPeer peer, String user, SipUri to, String contact,
      String type, String body) {
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    return "INVITE " + to + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + peer.hostPort() + ";branch=" + MockSipPeer.newBranch() + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: <" + to + ">\r\n"
        + "From: <" + peer.uri(user) + ">;tag=" + MockSipPeer.token() + "\r\n"
        + "Call-ID: " + MockSipPeer.token() + "@" + user + "\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Contact: " + contact + "\r\n"
        + "Content-Type: " + type + "\r\n"
        + "Content-Length: " + length + "\r\n\r\n" + body;
  }

  @Test
  void anAcceptedAudioSessionIsConnectedWithItsNegotiatedStreams() throws Exception {
    Session call = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO,
        SessionContext.EMPTY);
    var added = call.addParticipant(bob.contactUri());
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.session().type()).isEqualTo(SessionType.AUDIO_VIDEO);
    Session bobCall = invitation.accept().get(5, TimeUnit.SECONDS);
    assertThat(added.get(5, TimeUnit.SECONDS).state()).isEqualTo(ParticipantState.CONNECTED);

    for (Session s : List.of(call, bobCall)) {
      assertThat(s.streams()).singleElement().satisfies(stream -> {
        assertThat(stream.media()).isEqualTo("audio");
        assertThat(stream.direction()).isEqualTo(Direction.SENDRECV);
        assertThat(stream.codecs()).extracting(Codec::toString)
            .containsExactly("111 opus/48000/2", "0 PCMU/8000", "8 PCMA/8000",
                "110 telephone-event/48000", "101 telephone-event/8000");
        assertThat(stream.remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(stream.localPort()).isBetween(16384, 32767); // a real RTP port now
        assertThat(stream.isRejected()).isFalse();
      });
    }
    call.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
    bobCall.termination().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aSendonlyOfferIsAnsweredRecvonlyWithTheCommonCodecsAndVideoRejected() throws Exception {
    MockSipPeer phone = peer();
    SipUri bobUri = bob.contactUri();
    String offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 40000 RTP/AVP 9 0 18 101\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendonly\r\n"
        + "m=video 40002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n";
    phone.send(invite(phone, "phone", bobUri, "<" + phone.uri("phone") + ">",
        "application/sdp", offer), at(bobUri.port()));
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.session().type()).isEqualTo(SessionType.AUDIO_VIDEO);
    var accepted = invitation.accept();

    SipResponse ok = phone.takeFinalResponse();
    assertThat(ok.statusCode()).isEqualTo(200);
    SessionDescription answer = SessionDescription.parse(ok.body());
    MediaDescription audio = answer.media().get(0);
    assertThat(audio.payloadTypes()).containsExactly(0, 101); // G722 and G729 are not ours
    assertThat(answer.direction(audio)).isEqualTo(Direction.RECVONLY);
    assertThat(answer.media().get(1).port()).isZero();        // video rejected
    String ack = "ACK " + ok.contacts().get(0).uri() + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + phone.hostPort() + ";branch=" + MockSipPeer.newBranch() + "\r\n"
        + "Max-Forwards: 70\r\nTo: " + ok.headers().get(dev.parley.sip.HeaderName.TO) + "\r\n"
        + "From: " + ok.headers().get(dev.parley.sip.HeaderName.FROM) + "\r\n"
        + "Call-ID: " + ok.callId() + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
    phone.send(ack, at(bobUri.port()));
    Session call = accepted.get(5, TimeUnit.SECONDS);

    assertThat(call.streams()).hasSize(2);
    MediaStream a = call.streams().get(0);
    assertThat(a.direction()).isEqualTo(Direction.RECVONLY);
    assertThat(a.codecs()).extracting(Codec::toString)
        .containsExactly("0 PCMU/8000", "101 telephone-event/8000");
    assertThat(a.remoteAddress()).isEqualTo("127.0.0.1");
    assertThat(a.remotePort()).isEqualTo(40000);
    MediaStream v = call.streams().get(1);
    assertThat(v.media()).isEqualTo("video");
    assertThat(v.isRejected()).isTrue();
    assertThat(v.direction()).isEqualTo(Direction.INACTIVE);
    call.terminate(RejectReason.DECLINE);
    phone.respond(phone.takeRequest(SipMethod.BYE), 200);
    call.termination().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aRejectedAudioInvitationsSessionAnswersItsAudioQueriesAsAnEndedCall() throws Exception {
    MockSipPeer phone = peer();
    SipUri bobUri = bob.contactUri();
    String offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 40000 RTP/AVP 0\r\n";
    phone.send(invite(phone, "phone", bobUri, "<" + phone.uri("phone") + ">",
        "application/sdp", offer), at(bobUri.port()));
    IncomingSessionEvent invitation = nextInvitation();
    AudioVideoSession call = (AudioVideoSession) invitation.session();
    assertThat(invitation.reject(RejectReason.BUSY)).isTrue();
    assertThat(phone.takeFinalResponse().statusCode()).isEqualTo(486);
    call.termination().get(5, TimeUnit.SECONDS);

    assertThat(call.isOnHold()).isFalse();
    assertThat(call.isHeldByPeer()).isFalse();
    assertThat(call.isMuted()).isFalse();
    assertThat(call.audioStats()).isEmpty();
    assertThat(call.streams()).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(call::hold)
        .isInstanceOf(IllegalStateException.class).hasMessage("the session is not connected");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> call.sendDtmf("1"))
        .isInstanceOf(DtmfUnavailableException.class);
    call.setMuted(true);
    assertThat(call.isMuted()).isTrue();
  }

  @Test
  void anOfferWithNoCommonCodecIsRejectedNotAcceptable() throws Exception {
    MockSipPeer phone = peer();
    SipUri bobUri = bob.contactUri();
    String offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 40000 RTP/AVP 9\r\n";
    phone.send(invite(phone, "wideband", bobUri, "<" + phone.uri("wideband") + ">",
        "application/sdp", offer), at(bobUri.port()));
    assertThat(phone.takeFinalResponse().statusCode()).isEqualTo(488);
    assertThat(bobInvitations).isEmpty();
  }

  @Test
  void anInviteFromAFocusIsAConferenceInvitation() throws Exception {
    MockSipPeer focus = peer();
    SipUri bobUri = bob.contactUri();
    String offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 41000 RTP/AVP 8 0\r\n";
    focus.send(invite(focus, "conf42", bobUri, "<" + focus.uri("conf42") + ">;isfocus",
        "application/sdp", offer), at(bobUri.port()));
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.session().type()).isEqualTo(SessionType.CONFERENCE);
    assertThat(invitation.inviter().uri().toString()).isEqualTo(focus.uri("conf42"));
    invitation.reject(RejectReason.BUSY);
    assertThat(focus.takeFinalResponse().statusCode()).isEqualTo(486);
  }

  @Test
  void anApplicationSessionExchangesDataBothWays() throws Exception {
    bob.sessionManager().registerApplicationContentType(GAME);
    ApplicationSession game = (ApplicationSession) alice.sessionManager()
        .createSession(SessionType.APPLICATION, SessionContext.EMPTY);
    ImRecorder aliceSide = ImRecorder.on(game);
    var added = game.addParticipant(bob.contactUri());
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.session().type()).isEqualTo(SessionType.APPLICATION);
    ApplicationSession bobGame = (ApplicationSession) invitation.session();
    assertThat(bobGame.invitationData()).isEmpty(); // an m=application offer, not a body
    ImRecorder bobSide = ImRecorder.on(bobGame);
    invitation.accept().get(5, TimeUnit.SECONDS);
    added.get(5, TimeUnit.SECONDS);
    assertThat(game.streams()).singleElement()
        .satisfies(s -> assertThat(s.media()).isEqualTo("application"));

    assertThat(game.sendData("e2-e4".getBytes(StandardCharsets.UTF_8), GAME)
        .get(5, TimeUnit.SECONDS)).allMatch(DeliveryResult::isDelivered);
    ApplicationData move = bobSide.nextData();
    assertThat(new String(move.data(), StandardCharsets.UTF_8)).isEqualTo("e2-e4");
    assertThat(move.contentType().is(GAME)).isTrue();
    assertThat(move.sender()).isSameAs(invitation.inviter());

    assertThat(bobGame.sendData("e7-e5".getBytes(StandardCharsets.UTF_8), GAME)
        .get(5, TimeUnit.SECONDS)).allMatch(DeliveryResult::isDelivered);
    assertThat(new String(aliceSide.nextData().data(), StandardCharsets.UTF_8)).isEqualTo("e7-e5");
    assertThat(game.trace().messages()).extracting(SessionTrace.Message::label)
        .containsSubsequence("INFO", "200 OK (INFO)", "INFO", "200 OK (INFO)");
    game.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS);
    bobGame.termination().get(5, TimeUnit.SECONDS);
  }

  @Test
  void anInviteWithARegisteredContentTypeIsAnApplicationInvitationCarryingIt() throws Exception {
    bob.sessionManager().registerApplicationContentType(GAME);
    MockSipPeer player = peer();
    SipUri bobUri = bob.contactUri();
    player.send(invite(player, "player", bobUri, "<" + player.uri("player") + ">",
        "application/x-game",
        "new-game white"), at(bobUri.port()));
    IncomingSessionEvent invitation = nextInvitation();
    assertThat(invitation.session().type()).isEqualTo(SessionType.APPLICATION);
    ApplicationSession s = (ApplicationSession) invitation.session();
    assertThat(s.invitationData()).get().satisfies(d -> {
      assertThat(new String(d.data(), StandardCharsets.UTF_8)).isEqualTo("new-game white");
      assertThat(d.contentType().is(GAME)).isTrue();
    });
    invitation.reject(RejectReason.DECLINE);
    assertThat(player.takeFinalResponse().statusCode()).isEqualTo(603);
  }
}
