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
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A notifier that sends its first NOTIFY right behind the 2xx to the SUBSCRIBE (as a focus does),
 * at a subscriber whose subscriptions run on other event loops than the one reading the socket:
 * the 2xx makes the dialog on the subscription's loop while the NOTIFY is looked up on the
 * socket's. Whichever wins, the NOTIFY is delivered and never answered 481 (which would end the
 * subscription at the notifier while the subscriber believes it active, and the subscriber would
 * hear nothing until its 64*T1 guard).
 */
class NotifyRacingTheOkTest {
  private static final MediaType TYPE = MediaType.parse("application/conference-info+xml");
  private static final int SUBSCRIPTIONS = 400;
  private static final int AT_ONCE = 40;

  @Test
  void aFirstNotifyRightBehindTheOkIsDeliveredWhicheverLoopWins() throws Exception {
    Queue<String> endedAtTheNotifier = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> anEnd = new CompletableFuture<>();
    UserAgent[] notifier = new UserAgent[1];
    notifier[0] = UserAgent.builder(NettyTransportLayer.builder().listen("udp:127.0.0.1:0")
        .threads(2).build()).contactUser("focus").handler(new UserAgent.Handler() {
          @Override
          public void onInvite(IncomingInvite invite) {
            invite.reject(480);
          }

          @Override
          public void onRequest(ServerTransaction tx, SipRequest request) {
            Subscription s = notifier[0].acceptSubscription(tx, request,
                new Subscription.Expiry(600, 60, 600), null, new Subscription.Listener() {
                  @Override
                  public void onEnded(Subscription ended, String reason) {
                    if (!"unsubscribed".equals(reason)) {
                      endedAtTheNotifier.add(reason);
                      anEnd.complete(null);
                    }
                  }
                });
            s.notify(TYPE, "full".getBytes(StandardCharsets.UTF_8));
          }
        }).build();
    UserAgent subscriber = UserAgent.builder(NettyTransportLayer.builder()
        .listen("udp:127.0.0.1:0").threads(4).build()).contactUser("alice").build();
    UserAgent focus = notifier[0];
    try (focus; subscriber) {
      focus.start().get(10, TimeUnit.SECONDS);
      subscriber.start().get(10, TimeUnit.SECONDS);
      int port = focus.transport().listenPoint(Transport.UDP).address().getPort();
      SipUri target = SipUri.parse("sip:conf@127.0.0.1:" + port);
      Hop hop = new Hop(Transport.UDP, new InetSocketAddress("127.0.0.1", port));
      for (int done = 0; done < SUBSCRIPTIONS; done += AT_ONCE) {
        List<OutgoingSubscription> subs = new ArrayList<>();
        List<CompletableFuture<String>> first = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
          SipRequest subscribe = subscriber.newRequest(SipMethod.SUBSCRIBE, target,
              Address.of(SipUri.parse("sip:alice@127.0.0.1")), Address.of(target), Transport.UDP)
              .header(HeaderName.EVENT, "conference").header(HeaderName.EXPIRES, "600").build();
          CompletableFuture<String> notified = new CompletableFuture<>();
          first.add(notified);
          subs.add(subscriber.subscribe(subscribe, hop,
              (s, notify, state) -> notified.complete(notify.bodyAsString())));
        }
        // a NOTIFY answered 481 ends its subscription at the notifier and is never delivered
        // again: wait for every first NOTIFY or for such an end (retransmissions of a lost
        // datagram arrive within these seconds)
        CompletableFuture<Void> all = CompletableFuture.allOf(first.toArray(CompletableFuture[]::new));
        CompletableFuture.anyOf(all, anEnd).get(60, TimeUnit.SECONDS);
        assertThat(endedAtTheNotifier).as("subscriptions the notifier saw end").isEmpty();
        assertThat(all).isDone();
        for (OutgoingSubscription s : subs) {
          assertThat(s.unsubscribe().get(60, TimeUnit.SECONDS)).isEqualTo("terminated");
        }
      }
      assertThat(endedAtTheNotifier).isEmpty();
      assertThat(subscriber.subscriptionCount()).isZero();
    }
  }
}
