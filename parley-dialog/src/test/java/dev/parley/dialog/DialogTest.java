package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.Address;
import dev.parley.sip.CSeq;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dialog state per RFC 3261 §12, checked against the RFC 3665 §3.2 call through two proxies. */
class DialogTest {
  private static SipRequest request(String file) {
    return (SipRequest) parse(file);
  }

  private static SipResponse response(String file) {
    return (SipResponse) parse(file);
  }

  private static Object parse(String file) {
    String dir = System.getProperty("parley.conformance.dir", "../../shared/conformance");
    try {
      return SipParser.create().parse(Files.readAllBytes(Path.of(dir, "rfc3665", file)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> routes(SipRequest r) {
    return r.routes().stream().map(a -> a.uri().toString()).toList();
  }

  @Test
  void uasDialogRoutesByeThroughRecordRouteInRequestOrder() {
    Dialog bob = Dialog.asUas(request("3.2/F07.dat"), response("3.2/F12.dat"));
    assertThat(bob.state()).isEqualTo(Dialog.State.CONFIRMED);
    assertThat(bob.id()).isEqualTo(
        new DialogId("3848276298220188511@atlanta.example.com", "314159", "9fxced76sl"));
    SipRequest bye = bob.newRequest(SipMethod.BYE, 0).build();
    SipRequest rfc = request("3.2/F18.dat");
    assertThat(routes(bye)).isEqualTo(routes(rfc));
    assertThat(bye.requestUri().toString()).isEqualTo("sip:alice@client.atlanta.example.com;transport=tcp");
    assertThat(bye.from()).isEqualTo(rfc.from());
    assertThat(bye.to()).isEqualTo(rfc.to());
    assertThat(bye.callId()).isEqualTo(rfc.callId());
    assertThat(bye.cseq()).isEqualTo(new CSeq(1, SipMethod.BYE));
  }

  @Test
  void aUasDialogMadeWithOurOwnResponseIsTheOneMadeFromThatResponse() {
    SipRequest invite = request("3.2/F07.dat");
    Address contact = Address.parse("<sip:bob@client.biloxi.example.com>");
    for (boolean confirmed : new boolean[] {false, true}) {
      SipResponse ours = invite.response(confirmed ? 200 : 180, "314159")
          .header(dev.parley.sip.HeaderName.CONTACT, contact).build();
      Dialog expected = Dialog.asUas(invite, (SipResponse) SipParser.create().parse(ours.encode()));
      Dialog made = Dialog.asUas(invite, "314159", contact, confirmed);
      assertThat(made.id()).isEqualTo(expected.id());
      assertThat(made.state()).isEqualTo(expected.state());
      assertThat(made.routeSet()).isEqualTo(expected.routeSet());
      assertThat(made.remoteTarget()).isEqualTo(expected.remoteTarget());
      assertThat(made.remoteAddress()).isEqualTo(expected.remoteAddress());
      assertThat(made.localContact()).isEqualTo(expected.localContact());
      // our To with our tag, read when first needed: in our BYE's From, then as the dialog's own
      SipRequest bye = made.newRequest(SipMethod.BYE, 0).build();
      assertThat(bye.from()).isEqualTo(expected.localAddress());
      assertThat(bye.from().tag()).isEqualTo("314159");
      assertThat(made.localAddress()).isEqualTo(expected.localAddress()).isSameAs(made.localAddress());
      assertThat(bye.encode()).isEqualTo(expected.newRequest(SipMethod.BYE, 0).build().encode());
    }
  }

  @Test
  void uacDialogReversesRecordRouteAndAcksWithInviteCseq() {
    Dialog alice = Dialog.asUac(request("3.2/F04.dat"), response("3.2/F14.dat"));
    assertThat(alice.isUac()).isTrue();
    SipRequest ack = alice.newRequest(SipMethod.ACK, 2).build();
    SipRequest rfc = request("3.2/F15.dat");
    assertThat(routes(ack)).isEqualTo(routes(rfc));
    assertThat(ack.requestUri().toString()).isEqualTo("sip:bob@client.biloxi.example.com;transport=tcp");
    assertThat(ack.cseq()).isEqualTo(rfc.cseq());
    assertThat(ack.to().tag()).isEqualTo("314159");
    assertThat(alice.localSeq()).isEqualTo(2);
    assertThat(alice.newRequest(SipMethod.BYE, 0).build().cseq().sequence()).isEqualTo(3);
  }

  @Test
  void earlyDialogFromRingingConfirmsOn2xx() {
    Dialog alice = Dialog.asUac(request("3.2/F04.dat"), response("3.2/F11.dat"));
    assertThat(alice.state()).isEqualTo(Dialog.State.EARLY);
    alice.confirm(response("3.2/F14.dat"));
    assertThat(alice.state()).isEqualTo(Dialog.State.CONFIRMED);
    assertThat(alice.routeSet()).hasSize(2);
  }

  @Test
  void requestWithLowerCseqIsRefused() {
    Dialog bob = Dialog.asUas(request("3.2/F07.dat"), response("3.2/F12.dat"));
    SipRequest stale = request("3.2/F07.dat");
    assertThat(bob.acceptRemoteRequest(stale)).isFalse();
    Dialog alice = Dialog.asUac(request("3.2/F04.dat"), response("3.2/F14.dat"));
    assertThat(alice.acceptRemoteRequest(request("3.2/F20.dat"))).isTrue();
    assertThat(alice.remoteSeq()).isEqualTo(1);
    assertThat(alice.acceptRemoteRequest(request("3.2/F20.dat"))).isFalse();
  }

  @Test
  void strictRouteBecomesRequestUriAndTargetGoesLast() {
    Dialog alice = Dialog.asUac(request("3.2/F04.dat"),
        response("3.2/F14.dat").toBuilder()
            .removeHeader(dev.parley.sip.HeaderName.RECORD_ROUTE)
            .header(dev.parley.sip.HeaderName.RECORD_ROUTE, "<sip:strict.example.com>")
            .build());
    SipRequest bye = alice.newRequest(SipMethod.BYE, 0).build();
    assertThat(bye.requestUri().toString()).isEqualTo("sip:strict.example.com");
    assertThat(routes(bye)).containsExactly("sip:bob@client.biloxi.example.com;transport=tcp");
  }

  @Test
  void reInviteRefreshesRemoteTarget() {
    Dialog bob = Dialog.asUas(request("3.2/F07.dat"), response("3.2/F12.dat"));
    SipRequest reinvite = request("3.2/F07.dat").toBuilder()
        .setHeader(dev.parley.sip.HeaderName.CSEQ, "3 INVITE")
        .setHeader(dev.parley.sip.HeaderName.CONTACT, "<sip:alice@new.atlanta.example.com>")
        .build();
    assertThat(bob.acceptRemoteRequest(reinvite)).isTrue();
    assertThat(bob.remoteTarget().toString()).isEqualTo("sip:alice@new.atlanta.example.com");
    assertThat(Address.of(bob.remoteTarget())).isNotNull();
  }

  @Test
  void aSequenceCheckAloneLeavesTheTargetUntilTheRequestIsTakenOn() {
    Dialog bob = Dialog.asUas(request("3.2/F07.dat"), response("3.2/F12.dat"));
    var before = bob.remoteTarget();
    SipRequest reinvite = request("3.2/F07.dat").toBuilder()
        .setHeader(dev.parley.sip.HeaderName.CSEQ, "3 INVITE")
        .setHeader(dev.parley.sip.HeaderName.CONTACT, "<sip:alice@new.atlanta.example.com>")
        .build();
    assertThat(bob.acceptRemoteSequence(reinvite)).isTrue();
    assertThat(bob.remoteTarget()).isEqualTo(before);
    assertThat(bob.acceptRemoteSequence(reinvite)).isFalse();
    bob.refreshTarget(reinvite);
    assertThat(bob.remoteTarget().toString()).isEqualTo("sip:alice@new.atlanta.example.com");
  }
}
