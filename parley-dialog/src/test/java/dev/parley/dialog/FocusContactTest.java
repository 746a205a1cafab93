package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.Address;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transaction.TransactionUser;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A user agent that answers with a Contact of its choosing (a focus's conference URI with
 * isfocus) and one that runs on a transaction layer another transaction user owns.
 */
class FocusContactTest {
  private static final byte[] SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\n"
      + "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n").getBytes(StandardCharsets.US_ASCII);
  private static final Address FOCUS =
      Address.parse("<sip:conf-abc@127.0.0.2:5070>;isfocus");

  private final FakeScheduler clock = new FakeScheduler();
  private final FakeTransportLayer aliceNet =
      new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.1:5060"));
  private final FakeTransportLayer focusNet =
      new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.2:5070"));

  private SipRequest invite(UserAgent alice) {
    SipUri conf = SipUri.parse("sip:conf-abc@127.0.0.2:5070");
    return alice.newRequest(SipMethod.INVITE, conf, Address.of(SipUri.parse("sip:alice@127.0.0.1")),
        Address.of(conf), Transport.UDP).body(MediaType.APPLICATION_SDP, SDP).build();
  }

  private static Hop focusHop() {
    return new Hop(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070));
  }

  @Test
  void theContactGivenToAnInviteIsInItsRingingAnd200AndInTheDialogsLaterReinvites() {
    aliceNet.connect(focusNet);
    UserAgent alice = UserAgent.builder(aliceNet).contactUser("alice").handler(new UserAgent.Handler() {
      @Override
      public void onInvite(IncomingInvite invite) {
        invite.reject(480);
      }

      @Override
      public void onReInvite(Dialog d, IncomingInvite invite) {
        invite.accept(MediaType.APPLICATION_SDP, SDP);
      }
    }).build();
    List<Dialog> focusDialogs = new ArrayList<>();
    UserAgent focus = UserAgent.builder(focusNet).handler(invite -> {
      invite.contact(FOCUS).ringing();
      invite.accept(MediaType.APPLICATION_SDP, SDP).thenAccept(focusDialogs::add);
    }).build();

    Dialog dialog = alice.invite(invite(alice), focusHop()).join();

    assertThat(focusNet.sentResponses()).extracting(r -> r.statusCode()).contains(180, 200);
    assertThat(focusNet.sentResponses()).filteredOn(r -> r.statusCode() != 100 && r.cseq().method().isInvite())
        .allSatisfy(r -> assertThat(r.contacts()).containsExactly(FOCUS));
    assertThat(dialog.remoteTarget()).isEqualTo(FOCUS.uri());
    assertThat(focusDialogs).hasSize(1);
    assertThat(focusDialogs.get(0).localContact()).isEqualTo(FOCUS);

    SipResponse ok = focus.reinvite(focusDialogs.get(0), MediaType.APPLICATION_SDP, SDP).join();
    assertThat(ok.statusCode()).isEqualTo(200);
    SipRequest reinvite = focusNet.sentRequests().stream()
        .filter(r -> r.method().isInvite()).findFirst().orElseThrow();
    assertThat(reinvite.contacts()).containsExactly(FOCUS);
  }

  @Test
  void aUserAgentOnASharedTransactionLayerGetsOnlyWhatItsOwnerForwardsAndLeavesTheTransportOpen() {
    aliceNet.connect(focusNet);
    UserAgent alice = UserAgent.builder(aliceNet).contactUser("alice").build();
    List<String> ownerSaw = new ArrayList<>();
    UserAgent[] focus = new UserAgent[1];
    TransactionUser owner = new TransactionUser() {
      @Override
      public void onRequest(ServerTransaction tx, SipRequest request) {
        ownerSaw.add(request.method().name());
        focus[0].onRequest(tx, request);
      }

      @Override
      public void onAck(SipRequest ack, Inbound inbound) {
        ownerSaw.add("ACK");
        focus[0].onAck(ack, inbound);
      }

      @Override
      public void onCancel(ServerTransaction invite, SipRequest cancel) {
        focus[0].onCancel(invite, cancel);
      }

      @Override
      public void onStrayResponse(SipResponse response, Inbound inbound) {
        focus[0].onStrayResponse(response, inbound);
      }
    };
    TransactionLayer layer = TransactionLayer.builder(focusNet, owner).build();
    focusNet.setListener(layer);
    focus[0] = UserAgent.builder(focusNet).sharedTransactions(layer)
        .handler(invite -> invite.contact(FOCUS).accept(MediaType.APPLICATION_SDP, SDP)).build();
    assertThat(focus[0].start()).isCompleted();

    Dialog dialog = alice.invite(invite(alice), focusHop()).join();
    assertThat(alice.bye(dialog).join().statusCode()).isEqualTo(200);

    assertThat(ownerSaw).containsExactly("INVITE", "ACK", "BYE");
    focus[0].close();
    assertThat(focusNet.isClosed()).isFalse();
  }

  @Test
  void aUserAgentThatMadeItsTransactionLayerClosesItsTransport() {
    UserAgent ua = UserAgent.builder(focusNet).build();
    ua.close();
    assertThat(focusNet.isClosed()).isTrue();
  }
}
