package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.SipFailure;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.Replaces;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.testkit.MockSipPeer;
import dev.parley.transport.Hops;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An INVITE with a {@code Replaces} header (RFC 3891) that names no session of the endpoint never
 * reaches the application: 481 when it names no dialog, 400 when it cannot be read. One that names
 * a session is an invitation whose {@code replaces()} is that session: accepting it makes the
 * endpoint BYE the replaced dialog itself (RFC 3891), rejecting it keeps the session (an alice
 * built on the dialog layer plays both the 1:1 peer and the focus; the escalation end to end is
 * in {@code EscalationThroughServerTest}).
 */
class ReplacesInvitationTest {
  private Endpoint bob;
  private MockSipPeer peer;
  private final BlockingQueue<IncomingSessionEvent> invitations = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    bob = Endpoint.builder("sip:bob@127.0.0.1").listen("udp:127.0.0.1:0").build();
    bob.enable().join();
    bob.sessionManager().setListener((source, e) -> invitations.add(e));
    peer = MockSipPeer.start();
  }

  @AfterEach
  void stop() {
    bob.close();
    peer.close();
    if (alice != null) {
      alice.close();
    }
  }

  private static final long WAIT = 30;
  private UserAgent alice;
  private final BlockingQueue<SipRequest> byesToAlice = new LinkedBlockingQueue<>();

  private int alicePort() {
    return alice.transport().listenPoints().get(0).address().getPort();
  }

  /** An INVITE from alice's user agent to bob offering IM, with {@code extra} applied. */
  private CompletableFuture<Dialog> aliceInvites(String fromUser, String contact,
      java.util.function.Consumer<SipRequest.Builder> extra) {
    SipUri bobUri = bob.contactUri();
    String self = "sip:" + fromUser + "@127.0.0.1:" + alicePort();
    SipRequest.Builder b = alice.newRequest(SipMethod.INVITE, bobUri,
            Address.of(SipUri.parse(self)), Address.of(bobUri), Transport.UDP)
        .setHeader(HeaderName.CONTACT, contact)
        .body(MediaType.APPLICATION_SDP, ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
            + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=message " + alicePort() + " sip " + self
            + "\r\n").getBytes(StandardCharsets.US_ASCII));
    extra.accept(b);
    return alice.invite(b.build(), Hops.of(bobUri));
  }

  /** Alice and bob in a 1:1 IM session: alice's dialog, and bob's invitation (accepted). */
  private IncomingSessionEvent oneToOne(CompletableFuture<Dialog>[] dialog) throws Exception {
    NettyTransportLayer t = NettyTransportLayer.builder().listen("udp:127.0.0.1:0").build();
    alice = UserAgent.builder(t).contactUser("alice").handler(new UserAgent.Handler() {
      @Override
      public void onInvite(IncomingInvite invite) {
        invite.reject(480);
      }

      @Override
      public void onDialogEnded(Dialog d, SipRequest bye) {
        if (bye != null) {
          byesToAlice.add(bye);
        }
      }
    }).build();
    alice.start().join();
    dialog[0] = aliceInvites("alice", "<sip:alice@127.0.0.1:" + alicePort() + ">", b -> {});
    IncomingSessionEvent invitation = invitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    invitation.accept().get(WAIT, TimeUnit.SECONDS);
    dialog[0].get(WAIT, TimeUnit.SECONDS);
    return invitation;
  }

  /** The focus's INVITE naming {@code oneToOne} in its Replaces, as bob sees it. */
  private CompletableFuture<Dialog> focusReplaces(Dialog oneToOne) {
    Replaces replaces = Replaces.of(oneToOne.id().callId(), oneToOne.id().remoteTag(),
        oneToOne.id().localTag());
    return aliceInvites("conf-x", "<sip:conf-x@127.0.0.1:" + alicePort() + ">;isfocus",
        b -> b.header(HeaderName.REPLACES, replaces.toString())
            .header(HeaderName.REFERRED_BY, "<sip:alice@127.0.0.1>"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void acceptingAReplacingInvitationEndsTheReplacedSessionWithOurBye() throws Exception {
    CompletableFuture<Dialog>[] first = new CompletableFuture[1];
    IncomingSessionEvent oneToOne = oneToOne(first);
    Dialog d1 = first[0].get();

    CompletableFuture<Dialog> second = focusReplaces(d1);
    IncomingSessionEvent invitation = invitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    assertThat(invitation.session().type()).isEqualTo(SessionType.CONFERENCE);
    assertThat(invitation.replaces()).containsSame(oneToOne.session());
    assertThat(oneToOne.session().isTerminated()).isFalse(); // not before the answer
    invitation.accept().get(WAIT, TimeUnit.SECONDS);
    second.get(WAIT, TimeUnit.SECONDS);

    SipRequest bye = byesToAlice.poll(WAIT, TimeUnit.SECONDS);
    assertThat(bye).isNotNull();
    assertThat(bye.callId()).isEqualTo(d1.id().callId()); // the 1:1 dialog, ended by bob
    oneToOne.session().termination().get(WAIT, TimeUnit.SECONDS);
    assertThat(invitation.session().isTerminated()).isFalse();
  }

  @Test
  @SuppressWarnings("unchecked")
  void rejectingAReplacingInvitationKeepsTheSession() throws Exception {
    CompletableFuture<Dialog>[] first = new CompletableFuture[1];
    IncomingSessionEvent oneToOne = oneToOne(first);

    CompletableFuture<Dialog> second = focusReplaces(first[0].get());
    IncomingSessionEvent invitation = invitations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(invitation).isNotNull();
    assertThat(invitation.replaces()).containsSame(oneToOne.session());
    invitation.reject(RejectReason.DECLINE);

    assertThatThrownBy(() -> second.get(WAIT, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(SipFailure.class, f -> assertThat(f.statusCode()).isEqualTo(603));
    assertThat(oneToOne.session().isTerminated()).isFalse();
    assertThat(byesToAlice).isEmpty();
    assertThat(((InstantMessagingSession) oneToOne.session()).send("still here")
        .get(WAIT, TimeUnit.SECONDS)).extracting(DeliveryResult::statusCode).containsExactly(200);
  }

  private int inviteWith(String replacesLine) throws Exception {
    String target = bob.contactUri().toString();
    SipRequest invite = peer.request("INVITE", target, peer.uri("alice"), target, replacesLine);
    peer.send(invite, new InetSocketAddress("127.0.0.1", bob.contactUri().port()));
    SipResponse response = peer.takeFinalResponse();
    if (response.statusCode() >= 300) {
      return response.statusCode();
    }
    throw new AssertionError("unexpected " + response);
  }

  @Test
  void aReplacesNamingNoDialogIsAnswered481AndNeverOffered() throws Exception {
    assertThat(inviteWith("Replaces: nosuch@127.0.0.1;to-tag=a1;from-tag=b2\r\n"))
        .isEqualTo(481);
    assertThat(invitations).isEmpty();
  }

  @Test
  void anUnreadableOrRepeatedReplacesIsAnswered400() throws Exception {
    assertThat(inviteWith("Replaces: ;;;\r\n")).isEqualTo(400);
    assertThat(inviteWith("Replaces: x@h;to-tag=a;from-tag=b\r\n"
        + "Replaces: y@h;to-tag=a;from-tag=b\r\n")).isEqualTo(400);
    assertThat(inviteWith("Replaces: x@h;from-tag=b\r\n")).isEqualTo(400); // no to-tag
    assertThat(invitations).isEmpty();
  }
}
