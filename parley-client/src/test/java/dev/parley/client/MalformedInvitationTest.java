package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.internal.DefaultEndpoint;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.testkit.MockSipPeer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An INVITE whose fields the callee's dialog or the application would read but cannot (a
 * malformed Record-Route or Contact, no usable Contact, a malformed Content-Type) is answered
 * 400 naming the field before any application event, and so is a re-INVITE or UPDATE with a
 * malformed Contact, and any request (in a dialog or not) whose Content-Type cannot be read,
 * over real UDP sockets on loopback: before, the endpoint threw reading the
 * field and the caller got no answer at all.
 */
class MalformedInvitationTest {
  private static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";
  private Endpoint bob;
  private MockSipPeer phone;
  private final BlockingQueue<IncomingSessionEvent> bobInvitations = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    bob = Endpoint.builder("sip:bob@127.0.0.1").listen("udp:127.0.0.1:0").build();
    bob.enable().join();
    bob.sessionManager().setListener((source, e) -> bobInvitations.add(e));
    phone = MockSipPeer.start();
  }

  @AfterEach
  void stop() {
    bob.close();
    phone.close();
  }

  /** An INVITE from the phone to bob with {@code headerLines} (each ending in CRLF), an offer. */
  private String invite(String callId, String headerLines) {
    SipUri to = bob.contactUri();
    return "INVITE " + to + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + phone.hostPort() + ";branch=" + MockSipPeer.newBranch() + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: <" + to + ">\r\n"
        + "From: <" + phone.uri("phone") + ">;tag=" + MockSipPeer.token() + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 1 INVITE\r\n"
        + headerLines
        + "Content-Length: " + OFFER.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + OFFER;
  }

  private void send(String wire) throws Exception {
    phone.send(wire, new InetSocketAddress("127.0.0.1", bob.contactUri().port()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Record-Route: <sip:p1.example.com;lr|Bad Request (Record-Route: ",
      "Record-Route: <sip:p1.example.com;lr>, sip:p2.example.com;lr|Bad Request (Record-Route: ",
      "Contact: <sip:phone@127.0.0.1|Bad Request (Contact: ",
      "Contact: *|Bad Request (Contact: ",
      "no Contact|Bad Request (Contact: ",
      "Content-Type: application/|Bad Request (Content-Type: "})
  void anInviteWithAFieldThatCannotBeReadIsAnswered400NamingItBeforeAnyEvent(String field,
      String reasonStart) throws Exception {
    String lines = field.equals("no Contact") ? "" : field + "\r\n";
    if (!field.startsWith("Contact") && !field.equals("no Contact")) {
      lines += "Contact: <" + phone.uri("phone") + ">\r\n";
    }
    if (!field.startsWith("Content-Type")) {
      lines += "Content-Type: application/sdp\r\n";
    }
    send(invite("bad-" + MockSipPeer.token(), lines));

    SipResponse answer = phone.takeFinalResponse();
    assertThat(answer.callId()).startsWith("bad-");
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.reasonPhrase()).startsWith(reasonStart).endsWith(")");
    assertThat(answer.to().tag()).as("a final answer's To tag").isNotNull();
    assertThat(phone.received()).as("no 180 before the 400")
        .noneMatch(m -> m instanceof SipResponse r && r.statusCode() > 100 && r.statusCode() < 200);
    DefaultEndpoint endpoint = (DefaultEndpoint) bob;
    assertThat(endpoint.userAgent().pendingInviteCount()).isZero();
    assertThat(endpoint.userAgent().dialogCount()).isZero();

    // the same INVITE well-formed is delivered (so the listener would have seen the bad one)
    send(invite("good-" + MockSipPeer.token(), "Contact: <" + phone.uri("phone") + ">\r\n"
        + "Record-Route: <sip:p1.example.com;lr>\r\nContent-Type: application/sdp\r\n"));
    IncomingSessionEvent only = bobInvitations.poll(5, TimeUnit.SECONDS);
    assertThat(only).as("an invitation").isNotNull();
    assertThat(endpoint.sessionManager().sessions()).containsExactly(only.session());
    only.reject(RejectReason.BUSY);
    SipResponse busy = phone.takeFinalResponse();
    assertThat(busy.callId()).startsWith("good-");
    assertThat(busy.statusCode()).isEqualTo(486);
    assertThat(bobInvitations).isEmpty();
  }

  private static SipRequest parsed(String wire) {
    return (SipRequest) SipParser.create().parse(wire);
  }

  /** A request of the phone inside the dialog {@code ok} (bob's 2xx) set up, as wire text. */
  private String inDialog(SipResponse ok, String method, int cseq, String headerLines) {
    return method + " " + ok.contacts().get(0).uri() + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + phone.hostPort() + ";branch=" + MockSipPeer.newBranch() + "\r\n"
        + "Max-Forwards: 70\r\nTo: " + ok.headers().get(HeaderName.TO) + "\r\n"
        + "From: " + ok.headers().get(HeaderName.FROM) + "\r\n"
        + "Call-ID: " + ok.callId() + "\r\nCSeq: " + cseq + " " + method + "\r\n"
        + headerLines + "Content-Length: 0\r\n\r\n";
  }

  @Test
  void aMessageOutsideADialogWithAContentTypeThatCannotBeReadIsAnswered400() throws Exception {
    SipUri to = bob.contactUri();
    String message = "MESSAGE " + to + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + phone.hostPort() + ";branch=" + MockSipPeer.newBranch() + "\r\n"
        + "Max-Forwards: 70\r\nTo: <" + to + ">\r\n"
        + "From: <" + phone.uri("phone") + ">;tag=" + MockSipPeer.token() + "\r\n"
        + "Call-ID: page-" + MockSipPeer.token() + "\r\nCSeq: 1 MESSAGE\r\n"
        + "Content-Type: text/\r\nContent-Length: 2\r\n\r\nhi";
    send(message);
    SipResponse answer = phone.takeFinalResponse(parsed(message));
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.reasonPhrase()).startsWith("Bad Request (Content-Type: ").endsWith(")");
  }

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource(delimiter = '|', value = {
      "UPDATE|Contact: <sip:phone@127.0.0.1|Bad Request (Contact: ",
      "INVITE|Contact: <sip:phone@127.0.0.1|Bad Request (Contact: ",
      "MESSAGE|Content-Type: text/|Bad Request (Content-Type: ",
      "INFO|Content-Type: text/|Bad Request (Content-Type: "})
  void aRequestInADialogWithAFieldThatCannotBeReadIsAnswered400AndTheDialogGoesOn(String method,
      String field, String reasonStart) throws Exception {
    send(invite("call-" + MockSipPeer.token(), "Contact: <" + phone.uri("phone") + ">\r\n"
        + "Content-Type: application/sdp\r\n"));
    IncomingSessionEvent invitation = bobInvitations.poll(5, TimeUnit.SECONDS);
    assertThat(invitation).as("an invitation").isNotNull();
    var accepted = invitation.accept();
    SipResponse ok = phone.takeFinalResponse();
    assertThat(ok.statusCode()).isEqualTo(200);
    send(inDialog(ok, "ACK", 1, ""));
    Session call = accepted.get(5, TimeUnit.SECONDS);

    String request = inDialog(ok, method, 2, field + "\r\n");
    if (field.startsWith("Content-Type")) {
      request = request.replace("Content-Length: 0\r\n\r\n", "Content-Length: 2\r\n\r\nhi");
    }
    send(request);
    SipResponse answer = phone.takeFinalResponse(parsed(request));
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.reasonPhrase()).startsWith(reasonStart).endsWith(")");
    assertThat(answer.to()).isEqualTo(ok.to());

    String bye = inDialog(ok, "BYE", 3, "");
    send(bye);
    assertThat(phone.takeFinalResponse(parsed(bye)).statusCode()).as("the BYE's answer")
        .isEqualTo(200);
    call.termination().get(5, TimeUnit.SECONDS);
  }
}
