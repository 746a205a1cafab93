package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.OutgoingSubscription;
import dev.parley.dialog.SipFailure;
import dev.parley.focus.ConferenceView;
import dev.parley.focus.FocusConfig;
import dev.parley.focus.ParticipantStatus;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.body.ConferenceInfo;
import dev.parley.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The focus's limits as behaviour, not as configuration ({@code docs/conferences.md}): a
 * SUBSCRIBE flood.
 */
class FocusLimitsTest extends ProxyFixture {
  private static final String IM_OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=message 5060 sip sip:someone@example.com\r\n";

  private static CompletableFuture<Dialog> invite(Phone phone, String uri) {
    SipUri target = SipUri.parse(uri);
    SipRequest invite = phone.ua.newRequest(SipMethod.INVITE, target, phone.aor(),
        Address.of(target), Transport.UDP)
        .body(MediaType.APPLICATION_SDP, IM_OFFER.getBytes(StandardCharsets.US_ASCII)).build();
    return phone.ua.invite(invite, phone.proxy).orTimeout(10, TimeUnit.SECONDS);
  }

  private static Dialog enter(Phone phone, String uri) {
    return invite(phone, uri).join();
  }

  /** The final response that failed {@code f}, or null when it succeeded. */
  private static SipResponse refusal(CompletableFuture<?> f) throws Exception {
    Throwable t = f.handle((r, e) -> e).get(10, TimeUnit.SECONDS);
    Throwable e = t instanceof CompletionException c ? c.getCause() : t;
    return e instanceof SipFailure s ? s.response() : null;
  }

  private String conferenceUri() {
    return server.focus().conferences().get(0).uri();
  }

  private OutgoingSubscription subscribe(Phone phone, String uri) {
    SipUri target = SipUri.parse(uri);
    SipRequest subscribe = phone.ua.newRequest(SipMethod.SUBSCRIBE, target, phone.aor(),
            Address.of(target), Transport.UDP)
        .header(HeaderName.EVENT, "conference")
        .header(HeaderName.ACCEPT, ConferenceInfo.CONTENT_TYPE)
        .header(HeaderName.EXPIRES, "600").build();
    return phone.ua.subscribe(subscribe, phone.proxy, (s, notify, state) -> { });
  }

  private void awaitAllConnected(int legs) {
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      List<ConferenceView.Participant> ps = server.focus().conferences().get(0).participants();
      return ps.size() == legs && ps.stream()
          .allMatch(p -> p.status() == ParticipantStatus.CONNECTED);
    });
  }

  @Test
  void aSubscribeFloodGets503BeyondMaxSubscriptionsAndLeavesNoSubscriptionBehind()
      throws Exception {
    start(b -> b.focus(FocusConfig.builder().maxSubscriptions(3).build()));
    Phone alice = phone("alice", "secret");
    Dialog leg = enter(alice, "sip:conference@" + DOMAIN);
    String uri = conferenceUri();

    // ten at once: the bound holds whichever event loops they are handled on
    List<OutgoingSubscription> flood = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      flood.add(subscribe(alice, uri));
    }
    List<OutgoingSubscription> accepted = new ArrayList<>();
    List<SipResponse> refused = new ArrayList<>();
    for (OutgoingSubscription s : flood) {
      SipResponse r = refusal(s.accepted());
      if (r == null) {
        accepted.add(s);
      } else {
        refused.add(r);
      }
    }
    assertThat(accepted).hasSize(3);
    assertThat(refused).hasSize(7).allSatisfy(r -> {
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.reasonPhrase()).contains("too many roster subscriptions");
      assertThat(r.headers().get(HeaderName.RETRY_AFTER)).isEqualTo("60");
    });
    assertThat(server.focus().conferences().get(0).subscriptions()).isEqualTo(3);
    assertThat(server.focus().subscriptionCount()).isEqualTo(3);

    // the ones that ended give their place back: the count returns to zero
    for (OutgoingSubscription s : accepted) {
      s.unsubscribe().get(10, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(10)).until(() ->
        server.focus().conferences().get(0).subscriptions() == 0
            && server.focus().subscriptionCount() == 0);
    // and the bound counts the live ones only: three fit again
    List<OutgoingSubscription> again = List.of(subscribe(alice, uri), subscribe(alice, uri),
        subscribe(alice, uri));
    for (OutgoingSubscription s : again) {
      assertThat(s.accepted().get(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    // the watcher's leaving ends its subscriptions, and the conference with it
    alice.ua.bye(leg).get(10, TimeUnit.SECONDS);
    for (OutgoingSubscription s : again) {
      s.terminated().get(10, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> server.focus().conferences().isEmpty()
        && server.focus().subscriptionCount() == 0);
  }
}
