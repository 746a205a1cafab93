package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.OutgoingInvite;
import dev.parley.dialog.SipFailure;
import dev.parley.server.registrar.Aor;
import dev.parley.server.status.TransactionCounts;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.transport.Transport;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Calls and messages between phones registered to the server, through its proxy. */
class ProxyCallTest extends ProxyFixture {

  @Test
  void callBetweenTwoRegisteredPhonesIsAnsweredAndHungUpThroughTheProxy() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    assertThat(alice.register().statusCode()).isEqualTo(200);
    assertThat(bob.register().statusCode()).isEqualTo(200);
    bob.answering(true);

    OutgoingInvite call = alice.call("bob");
    Dialog aliceSide = call.dialog().get(10, TimeUnit.SECONDS);
    IncomingInvite offered = bob.nextInvite();
    SipRequest atBob = offered.request();
    // Record-Route with our URI and lr; our Via on top of Alice's; no Proxy-Authorization left
    List<Address> rr = atBob.recordRoutes();
    assertThat(rr).hasSize(1);
    SipUri ours = (SipUri) rr.get(0).uri();
    assertThat(ours.isLooseRouting()).isTrue();
    assertThat(ours.port()).isEqualTo(udp().getPort());
    assertThat(atBob.vias()).hasSize(2);
    assertThat(atBob.headers().contains(HeaderName.PROXY_AUTHORIZATION)).isFalse();
    assertThat(atBob.maxForwards()).isEqualTo(69);
    assertThat(atBob.requestUri().toString()).startsWith("sip:bob@127.0.0.1:");
    // the same URI; each side's copy signed for its own remote target (RouteSigner)
    assertThat(aliceSide.routeSet()).extracting(a -> a.uri().toString()
        .replaceAll(";psig=[0-9a-f]+", "")).containsExactly(ours.toString()
        .replaceAll(";psig=[0-9a-f]+", ""));
    // the ACK reached Bob (his accept completes on it) through the proxy
    Dialog bobSide = bob.accepted.take().get(10, TimeUnit.SECONDS);
    assertThat(bobSide.state()).isEqualTo(Dialog.State.CONFIRMED);

    SipResponse byeAnswer = alice.ua.bye(aliceSide).get(10, TimeUnit.SECONDS);
    assertThat(byeAnswer.statusCode()).isEqualTo(200);
    SipRequest bye = bob.byes.poll(10, TimeUnit.SECONDS);
    assertThat(bye).isNotNull();
    assertThat(bye.vias()).hasSize(2); // loose-routed through the proxy
    assertThat(bye.routes()).isEmpty(); // the proxy popped its own Route
    assertThat(server.proxyStats().responses(2)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void messageIsRoutedToARegisteredUser() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    bob.register();
    SipResponse r = alice.message("bob", "hello bob");
    assertThat(r.statusCode()).isEqualTo(200);
    SipRequest got = bob.requests.poll(10, TimeUnit.SECONDS);
    assertThat(got.method().name()).isEqualTo("MESSAGE");
    assertThat(got.bodyAsString()).isEqualTo("hello bob");
    assertThat(got.recordRoutes()).isEmpty(); // MESSAGE creates no dialog
    assertThat(got.headers().contains(HeaderName.PROXY_AUTHORIZATION)).isFalse();
  }

  @Test
  void unknownUserGets404AndKnownUserRegisteredNowhereGets480() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    assertThat(alice.message("nobody", "hi").statusCode()).isEqualTo(404);
    // a MESSAGE is stored for later (offline messages); other requests get 480
    assertThat(alice.message("carol", "hi").statusCode()).isEqualTo(202);
    assertThatThrownBy(() -> alice.call("carol").dialog().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .satisfies(e -> assertThat(((SipFailure) e.getCause()).statusCode()).isEqualTo(480));
  }

  @Test
  void unregisteredTargetHandlerTakesOverTheRequestInsteadOf480() throws Exception {
    start();
    server.unregisteredTargetHandler((tx, request, aor, origin) -> {
      tx.respond(request.response(202, "stored").build());
      return aor.user().equals("carol");
    });
    Phone alice = phone("alice", "secret");
    assertThat(alice.message("carol", "later").statusCode()).isEqualTo(202);
  }

  @Test
  void tcpCallerReachesUdpCalleeWithDoubleRecordRoute() throws Exception {
    start();
    Phone alice = keep(Phone.of(server, "alice", "secret", Transport.TCP));
    Phone bob = phone("bob", "hunter2");
    bob.register();
    bob.answering(false);

    Dialog aliceSide = alice.call("bob").dialog().get(10, TimeUnit.SECONDS);
    IncomingInvite offered = bob.nextInvite();
    List<Address> rr = offered.request().recordRoutes();
    assertThat(rr).hasSize(2);
    assertThat(((SipUri) rr.get(0).uri()).transport()).isNull(); // UDP side, toward Bob
    assertThat(((SipUri) rr.get(1).uri()).transport()).isEqualTo("tcp"); // toward Alice
    assertThat(aliceSide.routeSet()).extracting(a -> ((SipUri) a.uri()).transport())
        .containsExactly("tcp", null);
    Dialog bobSide = bob.accepted.take().get(10, TimeUnit.SECONDS);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
        .until(() -> server.status().proxy().get("dialogs") == 1L);

    // Bob hangs up over UDP; the proxy takes the BYE to Alice over TCP
    SipResponse ok = bob.ua.bye(bobSide).get(10, TimeUnit.SECONDS);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(server.status().proxy()).as("the callee's BYE ends the dialog too")
        .containsEntry("dialogs", 0L);
    SipRequest bye = alice.byes.poll(10, TimeUnit.SECONDS);
    assertThat(bye).isNotNull();
    assertThat(bye.topVia().transport()).isEqualTo("TCP");
  }

  @Test
  void bindingRegisteredOverTcpIsReachedOverItsOwnConnection() throws Exception {
    start();
    // Bob's Contact names a host nobody can resolve: only his connection reaches him
    Phone bob = keep(Phone.advertising(server, "bob", "hunter2", Transport.TCP, "bob.invalid"));
    assertThat(bob.register().statusCode()).isEqualTo(200);
    assertThat(server.location().lookup(new Aor("bob", DOMAIN)).get(0).contact().uri().toString())
        .contains("bob.invalid");
    bob.onInvite = invite -> invite.reject(486);
    Phone alice = phone("alice", "secret");

    assertThatThrownBy(() -> alice.call("bob").dialog().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .satisfies(e -> assertThat(((SipFailure) e.getCause()).statusCode()).isEqualTo(486));
    SipRequest atBob = bob.nextInvite().request();
    assertThat(atBob.topVia().transport()).isEqualTo("TCP");
    assertThat(bob.message("alice", "x").statusCode()).isEqualTo(202); // stored: Alice is offline
  }

  @Test
  void aCalleeReachedOnlyOverItsConnectionGetsTheAckMessagesAndByeOfItsDialogThere()
      throws Exception {
    start();
    // Bob's Contact cannot be resolved (as a browser's, RFC 7118): only his connection reaches him
    Phone bob = keep(Phone.advertising(server, "bob", "hunter2", Transport.TCP, "bob.invalid"));
    assertThat(bob.register().statusCode()).isEqualTo(200);
    bob.answering(false);
    Phone alice = phone("alice", "secret");
    assertThat(alice.register().statusCode()).isEqualTo(200);

    Dialog aliceSide = alice.call("bob").dialog().get(10, TimeUnit.SECONDS);
    // the caller's copy of our Record-Route names Bob's flow; the ACK reaches Bob over it
    assertThat(aliceSide.routeSet().get(0).uri().toString()).contains(";pflow=tcp:127.0.0.1:");
    Dialog bobSide = bob.accepted.take().get(10, TimeUnit.SECONDS);
    assertThat(bobSide.state()).isEqualTo(Dialog.State.CONFIRMED);

    SipResponse inDialog = alice.ua.request(aliceSide, SipMethod.MESSAGE, MediaType.TEXT_PLAIN,
        "over your flow".getBytes(java.nio.charset.StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    assertThat(inDialog.statusCode()).isEqualTo(200);
    SipRequest atBob = bob.dialogRequests.poll(10, TimeUnit.SECONDS);
    assertThat(atBob).isNotNull();
    assertThat(atBob.topVia().transport()).isEqualTo("TCP");
    assertThat(alice.ua.bye(aliceSide).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(bob.byes.poll(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void aForgedFlowInOurRouteIsNotOurDialog() throws Exception {
    start();
    Phone bob = keep(Phone.advertising(server, "bob", "hunter2", Transport.TCP, "bob.invalid"));
    assertThat(bob.register().statusCode()).isEqualTo(200);
    bob.answering(false);
    Phone alice = phone("alice", "secret");
    assertThat(alice.register().statusCode()).isEqualTo(200);
    Dialog aliceSide = alice.call("bob").dialog().get(10, TimeUnit.SECONDS);
    bob.accepted.take().get(10, TimeUnit.SECONDS);
    String route = aliceSide.routeSet().get(0).toString();

    // the same signature with another flow: the proxy treats the request as a new one
    SipRequest forged = aliceSide.newRequest(SipMethod.MESSAGE, 0)
        .setHeader(HeaderName.ROUTE, route.replaceAll(";pflow=tcp:127\\.0\\.0\\.1:\\d+",
            ";pflow=udp:127.0.0.9:5060"))
        .body(MediaType.TEXT_PLAIN, "elsewhere").build();
    assertThat(forged.headers().get(HeaderName.ROUTE)).isNotEqualTo(route).contains("127.0.0.9");
    SipResponse answer = alice.ua.request(forged, alice.proxy).get(10, TimeUnit.SECONDS);
    // a new request: challenged, then (Alice answers the challenge) refused as a relay to a
    // foreign host
    assertThat(answer.statusCode()).as("%s", answer).isEqualTo(403);
    assertThat(bob.dialogRequests.poll(1, TimeUnit.SECONDS)).isNull();
  }

  /**
   * RFC 5626 §5.3: the callee reached only over its connection (a browser's WebSocket, a client
   * behind a NAT) closes it mid-dialog; the caller's BYE, whose Route names that flow, gets 430
   * Flow Failed, and the proxy does not connect to the address the flow came from (a listener
   * put there by the test hears nothing). Over UDP there is no connection to lose: such tokens
   * are still sent to.
   */
  @Test
  void aByeOverTheFlowOfACalleeWhoseConnectionClosedGets430AndNothingIsDialled()
      throws Exception {
    start();
    Phone bob = Phone.advertising(server, "bob", "hunter2", Transport.TCP, "bob.invalid");
    assertThat(bob.register().statusCode()).isEqualTo(200);
    bob.answering(false);
    Phone alice = phone("alice", "secret");
    assertThat(alice.register().statusCode()).isEqualTo(200);
    Dialog aliceSide = alice.call("bob").dialog().get(10, TimeUnit.SECONDS);
    bob.accepted.take().get(10, TimeUnit.SECONDS);
    String route = aliceSide.routeSet().get(0).uri().toString();
    java.util.regex.Matcher token =
        java.util.regex.Pattern.compile(";pflow=tcp:127\\.0\\.0\\.1:(\\d+)").matcher(route);
    assertThat(token.find()).as(route).isTrue();
    int bobPort = Integer.parseInt(token.group(1));
    long open = server.status().connections().get("open");

    bob.close(); // his connection closes (a tab closed, a NAT binding lost)
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
        .until(() -> server.status().connections().get("open") < open);
    try (java.net.ServerSocket there = listenOn(bobPort)) {
      SipResponse bye = alice.ua.bye(aliceSide).get(10, TimeUnit.SECONDS);
      assertThat(bye.statusCode()).as("%s", bye).isEqualTo(430);
      assertThat(bye.reasonPhrase()).isEqualTo("Flow Failed");
      if (there != null) {
        there.setSoTimeout(500);
        assertThatThrownBy(there::accept).as("the proxy connected to Bob's old address")
            .isInstanceOf(java.net.SocketTimeoutException.class);
      }
    }
  }

  /** A listener on 127.0.0.1:{@code port}, or null when the port is taken by someone else. */
  private static java.net.ServerSocket listenOn(int port) throws java.io.IOException {
    java.net.ServerSocket s = new java.net.ServerSocket();
    s.setReuseAddress(true); // the closed connection's TIME_WAIT holds the port
    try {
      s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      return s;
    } catch (java.net.BindException e) {
      s.close();
      return null;
    }
  }

  @Test
  void transactionCountsAreExposed() throws Exception {
    start();
    TransactionCounts counts = server.transactionCounts();
    assertThat(counts.client()).isGreaterThanOrEqualTo(0);
    assertThat(counts.server()).isGreaterThanOrEqualTo(0);
  }
}
