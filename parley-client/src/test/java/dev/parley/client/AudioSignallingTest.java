package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.media.DtmfEvent;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import dev.parley.media.RtpPacket;
import dev.parley.sdp.Direction;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.testkit.MockSipPeer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The signalling of audio sessions against a scripted phone (wire text): early media from a 183
 * with an answer, a codec change and a hold by the phone's re-INVITEs, each seen in the stream;
 * DTMF in an Opus call with a phone that has only {@code telephone-event/8000}, read off the
 * phone's RTP socket.
 */
class AudioSignallingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final MediaNetwork network = new MediaNetwork(MediaNetworkConfig.builder()
      .bindAddress(InetAddress.getLoopbackAddress()).portRange(31000, 31999).build());
  private final MediaScheduler scheduler = new MediaScheduler(1);
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Endpoint bob;
  private MockSipPeer phone;
  private DatagramSocket phoneRtp;
  private final BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    bob = Endpoint.builder("sip:bob@127.0.0.1").listen("udp:127.0.0.1:0")
        .mediaNetwork(network, scheduler).build();
    bob.enable().join();
    bob.sessionManager().setListener((source, e) -> invitations.add(e));
    phone = MockSipPeer.start();
    phoneRtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    phoneRtp.setSoTimeout((int) WAIT.toMillis());
    closeables.add(phone);
    closeables.add(phoneRtp);
  }

  @AfterEach
  void stop() throws Exception {
    bob.close();
    for (AutoCloseable c : closeables) {
      c.close();
    }
    network.close();
    scheduler.close();
  }

  private String sdp(int version, String formats, String direction) {
    StringBuilder b = new StringBuilder("v=0\r\no=- 7 " + version + " IN IP4 127.0.0.1\r\ns=-\r\n"
        + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + phoneRtp.getLocalPort() + " RTP/AVP "
        + formats + " 101\r\n");
    for (String pt : formats.split(" ")) {
      b.append("a=rtpmap:").append(pt).append(pt.equals("0") ? " PCMU/8000\r\n" : " PCMA/8000\r\n");
    }
    return b.append("a=rtpmap:101 telephone-event/8000\r\na=").append(direction).append("\r\n")
        .toString();
  }

  /** The next RTP packet the phone's media socket receives. */
  private RtpPacket nextRtp() throws Exception {
    DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
    phoneRtp.receive(d);
    return RtpPacket.parse(Arrays.copyOf(d.getData(), d.getLength()));
  }

  @Test
  void anAnswerInA183StartsTheAudioBeforeTheCallIsAnswered() throws Exception {
    AudioVideoSession call = (AudioVideoSession) bob.sessionManager()
        .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    var added = call.addParticipant(SipUri.parse(phone.uri("phone")));
    SipRequest invite = phone.takeRequest(SipMethod.INVITE);
    String contact = "<" + phone.uri("phone") + ">";
    SipResponse progress = invite.response(183, "ph1").header(HeaderName.CONTACT, contact)
        .body(MediaType.APPLICATION_SDP, sdp(1, "0", "sendrecv").getBytes(StandardCharsets.UTF_8))
        .build();
    phone.reply(invite, progress);

    RtpPacket early = nextRtp();
    assertThat(early.payloadType()).isZero(); // the 183's codec
    assertThat(added).isNotDone();
    assertThat(call.audioStats()).isPresent();

    SipResponse ok = invite.response(200, "ph1").header(HeaderName.CONTACT, contact)
        .body(MediaType.APPLICATION_SDP, sdp(1, "0", "sendrecv").getBytes(StandardCharsets.UTF_8))
        .build();
    phone.reply(invite, ok);
    phone.takeRequest(SipMethod.ACK);
    assertThat(added.get(WAIT.toSeconds(), TimeUnit.SECONDS).state())
        .isEqualTo(ParticipantState.CONNECTED);
    assertThat(nextRtp().ssrc()).isEqualTo(early.ssrc()); // the same stream goes on
    call.terminate();
    phone.respond(phone.takeRequest(SipMethod.BYE), 200);
    call.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void aReInviteFromThePeerChangesTheCodecAndPutsUsOnHold() throws Exception {
    PhoneCall c = phoneCalls("0 8");
    AudioVideoSession call = c.call();
    SipResponse ok = c.ok();
    AtomicInteger changes = new AtomicInteger();
    call.addListener(new AudioVideoSession.Listener() {
      @Override
      public void onMediaChanged(AudioVideoSession session) {
        changes.incrementAndGet();
      }
    });
    assertThat(nextRtp().payloadType()).isZero();
    assertThat(call.audioStats().orElseThrow().codec()).isEqualTo("PCMU");

    c.send("INVITE", 2, sdp(2, "8", "sendrecv"));
    SipResponse reOk = phone.takeFinalResponse();
    assertThat(reOk.statusCode()).isEqualTo(200);
    SessionDescription answer = SessionDescription.parse(reOk.body());
    assertThat(answer.media().get(0).payloadTypes()).containsExactly(8, 101);
    assertThat(new java.math.BigInteger(answer.origin().sessionVersion())).isEqualTo(
        new java.math.BigInteger(SessionDescription.parse(ok.body()).origin().sessionVersion())
            .add(java.math.BigInteger.ONE));
    c.send("ACK", 2, null);
    await().atMost(WAIT).until(() -> call.audioStats().orElseThrow().codec().equals("PCMA"));
    await().atMost(WAIT).until(() -> nextRtp().payloadType() == 8);
    await().atMost(WAIT).until(() -> changes.get() == 1);

    c.send("INVITE", 3, sdp(3, "8", "sendonly"));
    SipResponse held = phone.takeFinalResponse();
    SessionDescription heldAnswer = SessionDescription.parse(held.body());
    assertThat(heldAnswer.direction(heldAnswer.media().get(0))).isEqualTo(Direction.RECVONLY);
    c.send("ACK", 3, null);
    await().atMost(WAIT).until(call::isHeldByPeer);
    await().atMost(WAIT).until(() -> changes.get() == 2);
    assertThat(call.isOnHold()).isFalse(); // held by the peer, not by us
    call.terminate();
    phone.respond(phone.takeRequest(SipMethod.BYE), 200);
    call.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void anOfferlessReInviteIsAnsweredWithAFullOfferAndTheAcksAnswerIsApplied() throws Exception {
    PhoneCall c = phoneCalls("0");
    AudioVideoSession call = c.call();
    assertThat(nextRtp().payloadType()).isZero();

    // a re-INVITE without SDP (a B2BUA moving the call, RFC 3725): bob offers in the 200...
    c.send("INVITE", 2, null);
    SipResponse offerIn200 = phone.takeFinalResponse();
    assertThat(offerIn200.statusCode()).isEqualTo(200);
    SessionDescription offer = SessionDescription.parse(offerIn200.body());
    assertThat(offer.media().get(0).payloadTypes()).contains(0, 8); // every codec again
    // ...and the phone answers in the ACK with PCMA only
    c.send("ACK", 2, sdp(2, "8", "sendrecv"));
    await().atMost(WAIT).until(() -> call.audioStats().orElseThrow().codec().equals("PCMA"));
    await().atMost(WAIT).until(() -> nextRtp().payloadType() == 8);
    call.terminate();
    phone.respond(phone.takeRequest(SipMethod.BYE), 200);
    call.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** An Opus description of the phone's: {@code formats} on its m-line, {@code more} lines. */
  private String opus(int version, String formats, String more) {
    return "v=0\r\no=- 7 " + version + " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
        + "t=0 0\r\nm=audio " + phoneRtp.getLocalPort() + " RTP/AVP " + formats + "\r\n"
        + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n" + more
        + "a=sendrecv\r\n";
  }

  /** Bob calls the phone, which answers {@code answer}. */
  private AudioVideoSession bobCallsThePhoneAnswering(String answer) throws Exception {
    AudioVideoSession call = (AudioVideoSession) bob.sessionManager()
        .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    var added = call.addParticipant(SipUri.parse(phone.uri("phone")));
    SipRequest invite = phone.takeRequest(SipMethod.INVITE);
    SipResponse ok = invite.response(200, "ph1")
        .header(HeaderName.CONTACT, "<" + phone.uri("phone") + ">")
        .body(MediaType.APPLICATION_SDP, answer.getBytes(StandardCharsets.UTF_8)).build();
    phone.reply(invite, ok);
    phone.takeRequest(SipMethod.ACK);
    added.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return call;
  }

  /** The RTP timestamp of the next Opus (payload type 111) packet the phone gets. */
  private long nextOpusTimestamp() throws Exception {
    for (int i = 0; i < 1000; i++) {
      RtpPacket p = nextRtp();
      if (p.payloadType() == 111) {
        return p.timestamp();
      }
    }
    throw new AssertionError("no Opus packet in 1000 RTP packets");
  }

  /**
   * Reads the phone's RTP until the end packet of a telephone-event on {@code eventPt}; checks
   * that the event's timestamp is on the audio's 48 kHz clock, a 20 ms step (960) from
   * {@code firstAudio}, the timestamp of an Opus packet before it.
   */
  private DtmfEvent nextDtmfEnd(int eventPt, long firstAudio) throws Exception {
    for (int i = 0; i < 1000; i++) {
      RtpPacket p = nextRtp();
      if (p.payloadType() == 111) {
        continue;
      }
      assertThat(p.payloadType()).as("telephone-event payload type").isEqualTo(eventPt);
      byte[] payload = p.payloadBytes();
      DtmfEvent e = DtmfEvent.decode(payload, 0, payload.length);
      if (e.end()) {
        assertThat((p.timestamp() - firstAudio) % 960)
            .as("event timestamp on the 48 kHz audio clock").isZero();
        return e;
      }
    }
    throw new AssertionError("no telephone-event end packet in 1000 RTP packets");
  }

  @Test
  void anOpusCallToAPhoneWithOnlyTelephoneEvent8000SendsDtmfAt8000Hz() throws Exception {
    // bob offers telephone-event/48000 and /8000; the phone answers Opus and /8000 only
    AudioVideoSession call = bobCallsThePhoneAnswering(
        opus(1, "111 101", "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"));
    long audio = nextOpusTimestamp();

    call.sendDtmf("7");

    DtmfEvent end = nextDtmfEnd(101, audio);
    assertThat(end.digit()).isEqualTo('7');
    assertThat(end.duration()).as("100 ms counted at 8000 Hz, the event's clock").isEqualTo(800);
    call.terminate();
    phone.respond(phone.takeRequest(SipMethod.BYE), 200);
    call.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void anOpusOfferWithOnlyTelephoneEvent8000IsAnsweredWithItAndDtmfFlows() throws Exception {
    String callId = MockSipPeer.token();
    String fromTag = MockSipPeer.token();
    SipUri bobUri = bob.contactUri();
    InetSocketAddress bobAt = new InetSocketAddress("127.0.0.1", bobUri.port());
    phone.send(request("INVITE", bobUri.toString(), callId, fromTag, null, 1,
        opus(1, "111 101", "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n")),
        bobAt);
    IncomingSessionEvent invitation = invitations.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    var accepted = invitation.accept();
    SipResponse ok = phone.takeFinalResponse();
    SessionDescription answer = SessionDescription.parse(ok.body());
    assertThat(answer.media().get(0).formats()).containsExactly("111", "101");
    assertThat(new String(ok.body(), StandardCharsets.UTF_8))
        .contains("a=rtpmap:101 telephone-event/8000");
    phone.send(request("ACK", ok.contacts().get(0).uri().toString(), callId, fromTag,
        ok.to().tag(), 1, null), bobAt);
    AudioVideoSession call = (AudioVideoSession) accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    long audio = nextOpusTimestamp();

    call.sendDtmf("#");

    DtmfEvent end = nextDtmfEnd(101, audio);
    assertThat(end.digit()).isEqualTo('#');
    assertThat(end.duration()).isEqualTo(800);
    call.terminate();
    phone.takeRequest(SipMethod.BYE);
  }

  @Test
  void dtmfToAPhoneThatAnsweredNoTelephoneEventIsRefusedSayingWhy() throws Exception {
    AudioVideoSession call = bobCallsThePhoneAnswering(opus(1, "111", ""));
    nextRtp(); // the audio runs

    assertThatThrownBy(() -> call.sendDtmf("1"))
        .isInstanceOf(DtmfUnavailableException.class)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lists no telephone-event")
        .hasMessageContaining("opus/48000")
        .extracting(e -> ((DtmfUnavailableException) e).reason())
        .isEqualTo(DtmfUnavailableException.Reason.NO_TELEPHONE_EVENT);
    call.terminate();
    phone.respond(phone.takeRequest(SipMethod.BYE), 200);
    call.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** A call the phone placed to bob and bob accepted (INVITE, 200, ACK), in its dialog. */
  private record PhoneCall(MockSipPeer phone, String callId, String fromTag, String toTag,
      String target, InetSocketAddress bob, SipResponse ok, AudioVideoSession call,
      AudioSignallingTest test) {
    /** Sends a request in the dialog, with CSeq {@code cseq} and an SDP body or none. */
    void send(String method, int cseq, String body) throws java.io.IOException {
      phone.send(test.request(method, target, callId, fromTag, toTag, cseq, body), bob);
    }
  }

  private PhoneCall phoneCalls(String formats) throws Exception {
    String callId = MockSipPeer.token();
    String fromTag = MockSipPeer.token();
    SipUri bobUri = bob.contactUri();
    InetSocketAddress bobAt = new InetSocketAddress("127.0.0.1", bobUri.port());
    phone.send(request("INVITE", bobUri.toString(), callId, fromTag, null, 1,
        sdp(1, formats, "sendrecv")), bobAt);
    IncomingSessionEvent invitation = invitations.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    var accepted = invitation.accept();
    SipResponse ok = phone.takeFinalResponse();
    String toTag = ok.to().tag();
    String target = ok.contacts().get(0).uri().toString();
    phone.send(request("ACK", target, callId, fromTag, toTag, 1, null), bobAt);
    AudioVideoSession call = (AudioVideoSession) accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return new PhoneCall(phone, callId, fromTag, toTag, target, bobAt, ok, call, this);
  }

  private String request(String method, String uri, String callId, String fromTag, String toTag,
      int cseq, String body) {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    return method + " " + uri + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + phone.hostPort() + ";branch=" + MockSipPeer.newBranch() + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: <sip:bob@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
        + "From: <" + phone.uri("phone") + ">;tag=" + fromTag + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + cseq + " " + method + "\r\n"
        + "Contact: <" + phone.uri("phone") + ">\r\n"
        + (body == null ? "" : "Content-Type: application/sdp\r\n")
        + "Content-Length: " + content.length + "\r\n\r\n" + (body == null ? "" : body);
  }
}
