package dev.parley.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Transport;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two peers on loopback talk to each other: one plays the code under test. */
class MockSipPeerTest {
  private final List<MockSipPeer> peers = new ArrayList<>();

  private MockSipPeer peer(String address) throws Exception {
    MockSipPeer p = MockSipPeer.start(address);
    peers.add(p);
    return p;
  }

  @AfterEach
  void closeAll() {
    peers.forEach(MockSipPeer::close);
  }

  @Test
  void aPeerListensOnTheLoopbackAddressItIsGivenWithOnePortForUdpAndTcp() throws Exception {
    MockSipPeer p = peer("127.0.0.5");
    assertThat(p.host()).isEqualTo("127.0.0.5");
    assertThat(p.hostPort()).isEqualTo("127.0.0.5:" + p.port());
    assertThat(p.uri("bob")).isEqualTo("sip:bob@127.0.0.5:" + p.port());
    try (Socket s = new Socket(p.host(), p.port())) {
      assertThat(s.isConnected()).isTrue();
    }
    assertThatThrownBy(() -> MockSipPeer.start("192.0.2.1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("192.0.2.1");
  }

  @Test
  void scriptedResponsesAnswerTheNextRequestOfTheirMethodInOrderWithOneToTag() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    MockSipPeer alice = peer("127.0.0.2");
    bob.enqueue(SipMethod.INVITE, 180, 200);

    SipRequest invite = alice.request("INVITE", bob.uri("bob"), alice.uri("alice"), bob.uri("bob"),
        "Subject: lunch\r\n");
    alice.send(invite, bob.address());

    SipResponse ringing = alice.takeResponse();
    SipResponse ok = alice.takeResponse();
    assertThat(ringing.statusCode()).isEqualTo(180);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.to().tag()).isNotNull().isEqualTo(ringing.to().tag());
    assertThat(ok.contacts()).as("a 2xx to INVITE forms a dialog").hasSize(1);
    assertThat(ok.callId()).isEqualTo(invite.callId());
    SipRequest atBob = bob.takeRequest(SipMethod.INVITE);
    assertThat(atBob.headers().get("Subject")).isEqualTo("lunch");
    assertThat(bob.requestCount()).isEqualTo(1);
  }

  @Test
  void aResponderBuildsTheScriptedResponse() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    MockSipPeer alice = peer("127.0.0.2");
    bob.enqueue(SipMethod.OPTIONS,
        r -> r.response(200, "opt").header(HeaderName.of("Allow"), "INVITE, ACK").build());
    alice.send(alice.request("OPTIONS", bob.uri("bob")), bob.address());
    SipResponse ok = alice.takeFinalResponse();
    assertThat(ok.headers().get("Allow")).isEqualTo("INVITE, ACK");
    assertThat(ok.to().tag()).isEqualTo("opt");
  }

  @Test
  void aRetransmissionIsRecordedButNotTakenAgainAndGetsTheScriptedAnswerAgain() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    MockSipPeer alice = peer("127.0.0.2");
    bob.enqueue(SipMethod.MESSAGE, 202);
    SipRequest m = alice.request("MESSAGE", bob.uri("bob"));
    alice.send(m, bob.address());
    assertThat(alice.takeFinalResponse().statusCode()).isEqualTo(202);
    alice.send(m, bob.address()); // the 202 was lost, say
    assertThat(alice.takeFinalResponse().statusCode()).isEqualTo(202);

    assertThat(bob.takeRequest(SipMethod.MESSAGE).callId()).isEqualTo(m.callId());
    assertThat(bob.poll(Duration.ofMillis(200))).as("the copy is not new").isNull();
    assertThat(bob.received()).hasSize(2);
    assertThat(bob.requestCount()).isEqualTo(2);
  }

  @Test
  void theFinalResponseToARequestSkipsAStrayFinalResponseToAnotherRequest() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    MockSipPeer alice = peer("127.0.0.2");
    bob.enqueue(SipMethod.MESSAGE, 480);
    bob.enqueue(SipMethod.MESSAGE, 202);
    SipRequest earlier = alice.request("MESSAGE", bob.uri("bob"));
    alice.send(earlier, bob.address());
    bob.takeRequest(SipMethod.MESSAGE);
    SipRequest mine = alice.request("MESSAGE", bob.uri("bob"));
    alice.send(mine, bob.address());
    bob.takeRequest(SipMethod.MESSAGE);

    SipResponse r = alice.takeFinalResponse(mine);

    assertThat(r.statusCode()).as("the 480 to the earlier MESSAGE is skipped").isEqualTo(202);
    assertThat(r.callId()).isEqualTo(mine.callId());
    alice.timeout(Duration.ofMillis(300));
    assertThatThrownBy(() -> alice.takeFinalResponse(earlier))
        .as("the stray was consumed").isInstanceOf(AssertionError.class)
        .hasMessageContaining("final response to MESSAGE " + earlier.callId());
  }

  @Test
  void aRetransmissionOfARequestAnsweredByHandGetsTheLastAnswerAgain() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    MockSipPeer alice = peer("127.0.0.2");
    SipRequest invite = alice.request("INVITE", bob.uri("bob"));
    alice.send(invite, bob.address());
    SipRequest atBob = bob.takeRequest(SipMethod.INVITE);
    bob.respond(atBob, 180);
    bob.respond(atBob, 486);
    assertThat(alice.takeFinalResponse().statusCode()).isEqualTo(486);
    alice.send(invite, bob.address());
    assertThat(alice.takeResponse().statusCode()).isEqualTo(486);
    assertThat(bob.poll(Duration.ofMillis(200))).isNull();
  }

  @Test
  void pollHandsOverWhatArrivedAndAFailingResponderFailsTheNextTake() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    MockSipPeer alice = peer("127.0.0.2");
    alice.send(alice.request("OPTIONS", bob.uri("bob")), bob.address());
    SipMessage got = bob.poll(Duration.ofSeconds(10));
    assertThat(got).isInstanceOf(SipRequest.class);
    assertThat(((SipRequest) got).method()).isEqualTo(SipMethod.OPTIONS);

    bob.enqueue(SipMethod.MESSAGE, r -> {
      throw new IllegalStateException("no answer today");
    });
    alice.send(alice.request("MESSAGE", bob.uri("bob")), bob.address());
    assertThatThrownBy(bob::takeRequest).isInstanceOf(AssertionError.class)
        .hasMessageContaining("the script failed to answer MESSAGE")
        .hasMessageContaining("no answer today");
  }

  @Test
  void takeRequestWithAMethodAssertsTheOrderOfRequests() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    MockSipPeer alice = peer("127.0.0.2");
    alice.send(alice.request("MESSAGE", bob.uri("bob")), bob.address());
    assertThatThrownBy(() -> bob.takeRequest(SipMethod.INVITE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected INVITE")
        .hasMessageContaining("MESSAGE " + bob.uri("bob"));
  }

  @Test
  void aRequestAnsweredByHandGetsItsResponseAtItsSource() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    MockSipPeer alice = peer("127.0.0.2");
    alice.send(alice.request("MESSAGE", bob.uri("bob")), bob.address());
    SipRequest m = bob.takeRequest();
    SipResponse sent = bob.respondWithTag(m, 486, "b1", "Retry-After", "60");
    SipResponse busy = alice.takeFinalResponse();
    assertThat(busy).isEqualTo(sent);
    assertThat(busy.to().tag()).isEqualTo("b1");
    assertThat(busy.headers().get("Retry-After")).isEqualTo("60");
  }

  @Test
  void takeSkipsWhatDoesNotFitAndPollSeesNothingWhenNothingCame() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    MockSipPeer alice = peer("127.0.0.2");
    bob.enqueue(SipMethod.INVITE, 100, 180, 603);
    alice.send(alice.request("INVITE", bob.uri("bob")), bob.address());
    assertThat(alice.takeFinalResponse().statusCode()).isEqualTo(603); // 100 and 180 skipped
    assertThat(alice.poll(Duration.ofMillis(200))).isNull();
    assertThat(alice.received()).extracting(mm -> ((SipResponse) mm).statusCode())
        .containsExactly(100, 180, 603);
  }

  @Test
  void nothingArrivingWithinTheTimeoutFailsTheTakeNamingThePeer() throws Exception {
    MockSipPeer bob = peer("127.0.0.1").timeout(Duration.ofMillis(100));
    assertThatThrownBy(bob::takeRequest).isInstanceOf(AssertionError.class)
        .hasMessageContaining("no request arrived at " + bob.hostPort());
  }

  @Test
  void rawBytesAreSentAsTheyAreAndWhatCannotBeParsedFailsTheTake() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    MockSipPeer alice = peer("127.0.0.2");
    alice.send("NOT SIP AT ALL\r\n\r\n", bob.address());
    assertThatThrownBy(bob::takeMessage).isInstanceOf(AssertionError.class)
        .hasMessageContaining("unparseable").hasMessageContaining("NOT SIP AT ALL");
  }

  @Test
  void overTcpRequestsAndResponsesShareOneConnectionInBothDirections() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    MockSipPeer alice = peer("127.0.0.2");
    bob.enqueue(SipMethod.INVITE, 180);
    String body = "v=0\r\n";
    SipRequest invite = alice.request("INVITE", bob.uri("bob")).toBuilder()
        .setHeader(HeaderName.VIA, "SIP/2.0/TCP " + alice.hostPort() + ";branch="
            + MockSipPeer.newBranch())
        .body(dev.parley.sip.MediaType.parse("application/sdp"), body).build();
    alice.send(invite, bob.address(), Transport.TCP);
    alice.send(alice.request("OPTIONS", bob.uri("bob")), bob.address(), Transport.TCP);

    assertThat(alice.takeResponse().statusCode()).isEqualTo(180);
    SipRequest atBob = bob.takeRequest(SipMethod.INVITE);
    assertThat(atBob.bodyAsString()).isEqualTo(body);
    SipRequest options = bob.takeRequest(SipMethod.OPTIONS);
    bob.respond(options, 200);
    assertThat(alice.takeFinalResponse().cseq().method()).isEqualTo(SipMethod.OPTIONS);
  }

  @Test
  void aStreamIsFramedByContentLengthWhateverPiecesItArrivesInAndKeepAlivesAreSkipped()
      throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    String one = "MESSAGE sip:bob@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK1\r\n"
        + "From: <sip:a@x>;tag=1\r\nTo: <sip:bob@x>\r\nCall-ID: s1\r\nCSeq: 1 MESSAGE\r\n"
        + "Max-Forwards: 70\r\nl: 5\r\n\r\nhello";
    String two = one.replace("s1", "s2").replace("z9hG4bK1", "z9hG4bK2");
    byte[] all = ("\r\n\r\n" + one + "\r\n\r\n" + two).getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket(bob.host(), bob.port())) {
      OutputStream out = s.getOutputStream();
      for (byte b : all) {
        out.write(b);
        out.flush();
      }
      assertThat(bob.takeRequest().callId()).isEqualTo("s1");
      SipRequest second = bob.takeRequest();
      assertThat(second.callId()).isEqualTo("s2");
      assertThat(second.bodyAsString()).isEqualTo("hello");
      bob.respond(second, 200);
      InputStream in = s.getInputStream();
      byte[] head = new byte[17];
      assertThat(in.readNBytes(head, 0, head.length)).isEqualTo(head.length);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("SIP/2.0 200 OK\r\nV");
    }
  }

  @Test
  void badArgumentsAreRefusedNamingThem() throws Exception {
    MockSipPeer bob = peer("127.0.0.1");
    assertThatThrownBy(() -> bob.enqueue(SipMethod.INVITE, 99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("status out of range: 99");
    assertThatThrownBy(() -> bob.enqueue(SipMethod.INVITE, new int[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statuses");
    assertThatThrownBy(() -> bob.timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    SipMessage none = bob.poll(Duration.ofMillis(1));
    assertThat(none).isNull();
    SipRequest unknown = bob.request("OPTIONS", bob.uri("x"));
    assertThatThrownBy(() -> bob.respond(unknown, 200))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no request");
  }
}
