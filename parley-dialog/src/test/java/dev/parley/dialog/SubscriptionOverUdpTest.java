package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Hop;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Parley subscriber and a Parley notifier on real UDP sockets on loopback, each with several
 * event loops: NOTIFYs sent from a non-loop thread arrive one at a time and in order, and after
 * the unsubscribe neither side holds a subscription or a dialog.
 */
class SubscriptionOverUdpTest {
  private static final MediaType TYPE = MediaType.parse("application/conference-info+xml");
  private static final int PARTIALS = 30;

  @Test
  void notifiesFromAnotherThreadArriveInOrderAndTheUnsubscribeLeavesNothing() throws Exception {
    CompletableFuture<Subscription> accepted = new CompletableFuture<>();
    UserAgent[] notifier = new UserAgent[1];
    notifier[0] = UserAgent.builder(NettyTransportLayer.builder().listen("udp:127.0.0.1:0").threads(3)
        .build()).contactUser("focus").handler(new UserAgent.Handler() {
          @Override
          public void onInvite(IncomingInvite invite) {
            invite.reject(480);
          }

          @Override
          public void onRequest(ServerTransaction tx, SipRequest request) {
            Subscription s = notifier[0].acceptSubscription(tx, request,
                new Subscription.Expiry(600, 60, 600), null, new Subscription.Listener() {});
            s.notify(TYPE, bytes(0));
            accepted.complete(s);
          }
        }).build();
    UserAgent subscriber = UserAgent.builder(NettyTransportLayer.builder().listen("udp:127.0.0.1:0")
        .threads(3).build()).contactUser("alice").build();
    UserAgent focus = notifier[0];
    try (focus; subscriber) {
      notifier[0].start().get(10, TimeUnit.SECONDS);
      subscriber.start().get(10, TimeUnit.SECONDS);
      int port = notifier[0].transport().listenPoint(Transport.UDP).address().getPort();
      SipUri target = SipUri.parse("sip:conf@127.0.0.1:" + port);
      SipRequest subscribe = subscriber.newRequest(SipMethod.SUBSCRIBE, target,
          Address.of(SipUri.parse("sip:alice@127.0.0.1")), Address.of(target), Transport.UDP)
          .header(HeaderName.EVENT, "conference").header(HeaderName.EXPIRES, "600").build();
      List<String> bodies = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> all = new CompletableFuture<>();
      OutgoingSubscription sub = subscriber.subscribe(subscribe,
          new Hop(Transport.UDP, new InetSocketAddress("127.0.0.1", port)),
          (s, notify, state) -> {
            bodies.add(notify.bodyAsString());
            if (bodies.size() == PARTIALS + 1) {
              all.complete(null);
            }
          });
      sub.accepted().get(10, TimeUnit.SECONDS);
      Subscription s = accepted.get(10, TimeUnit.SECONDS);

      for (int i = 1; i <= PARTIALS; i++) {
        s.notify(TYPE, bytes(i)); // from the test thread; the queue keeps them in order
      }
      all.get(30, TimeUnit.SECONDS);
      assertThat(bodies).containsExactlyElementsOf(
          java.util.stream.IntStream.rangeClosed(0, PARTIALS).mapToObj(i -> "v" + i).toList());

      assertThat(sub.unsubscribe().get(30, TimeUnit.SECONDS)).isEqualTo("terminated");
      assertThat(s.ended().get(30, TimeUnit.SECONDS)).isEqualTo("unsubscribed");
      assertThat(subscriber.subscriptionCount() + notifier[0].subscriptionCount()).isZero();
      assertThat(subscriber.dialogCount() + notifier[0].dialogCount()).isZero();
    }
  }

  @Test
  void unsubscribingAfterTheUserAgentClosedEndsTheSubscriptionWithoutThrowing() throws Exception {
    UserAgent notifier = UserAgent.builder(NettyTransportLayer.builder()
        .listen("udp:127.0.0.1:0").build()).contactUser("focus").handler(new UserAgent.Handler() {
          @Override
          public void onInvite(IncomingInvite invite) {
            invite.reject(480);
          }

          @Override
          public void onRequest(ServerTransaction tx, SipRequest request) {
            tx.respond(request.response(202).build()); // accepted, never notified
          }
        }).build();
    UserAgent subscriber = UserAgent.builder(NettyTransportLayer.builder()
        .listen("udp:127.0.0.1:0").build()).contactUser("alice").build();
    try (notifier) {
      notifier.start().get(10, TimeUnit.SECONDS);
      subscriber.start().get(10, TimeUnit.SECONDS);
      int port = notifier.transport().listenPoint(Transport.UDP).address().getPort();
      SipUri target = SipUri.parse("sip:conf@127.0.0.1:" + port);
      SipRequest subscribe = subscriber.newRequest(SipMethod.SUBSCRIBE, target,
          Address.of(SipUri.parse("sip:alice@127.0.0.1")), Address.of(target), Transport.UDP)
          .header(HeaderName.EVENT, "conference").header(HeaderName.EXPIRES, "600").build();
      OutgoingSubscription sub = subscriber.subscribe(subscribe,
          new Hop(Transport.UDP, new InetSocketAddress("127.0.0.1", port)), (s, n, st) -> { });
      subscriber.close();

      assertThat(sub.unsubscribe().get(10, TimeUnit.SECONDS)).isEqualTo("unsubscribed");
    }
  }

  private static byte[] bytes(int version) {
    return ("v" + version).getBytes(StandardCharsets.UTF_8);
  }
}
