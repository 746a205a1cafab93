package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.OutgoingSubscription;
import dev.parley.dialog.ReferStatus;
import dev.parley.focus.ConferenceView;
import dev.parley.focus.FocusConfig;
import dev.parley.focus.ParticipantStatus;
import dev.parley.server.proxy.ProxyConfig;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.FakeScheduler;
import dev.parley.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The focus's limits as behaviour, not as configuration ({@code docs/conferences.md}): a
 * SUBSCRIBE flood, the number of conferences, pending dial-outs, the idle time of an empty
 * conference, who may remove a participant, and dialling out of the domain when allowed.
 */
class FocusLimitsTest extends FocusFixture {
  private static OutgoingSubscription subscribe(Phone phone, String uri) {
    return subscribe(phone, uri, (s, notify, state) -> { });
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
    Dialog leg = join(alice, "sip:conference@" + DOMAIN);
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

  @Test
  void anInviteToTheFactoryBeyondMaxConferencesGets503WithRetryAfterUntilOneEnds()
      throws Exception {
    start(b -> b.focus(FocusConfig.builder().maxConferences(2).build()));
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Dialog first = join(alice, "sip:conference@" + DOMAIN);
    join(bob, "sip:conference@" + DOMAIN);

    SipResponse full = refusal(invite(bob, "sip:conference@" + DOMAIN));
    assertThat(full).isNotNull();
    assertThat(full.statusCode()).isEqualTo(503);
    assertThat(full.reasonPhrase()).contains("too many conferences");
    assertThat(full.headers().get(HeaderName.RETRY_AFTER)).isEqualTo("60");
    assertThat(server.focus().conferences()).hasSize(2);

    alice.ua.bye(first).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.focus().conferences().size() == 1);
    join(bob, "sip:conference@" + DOMAIN);
    assertThat(server.focus().conferences()).hasSize(2);
  }

  @Test
  void aReferBeyondMaxDialOutsPendingGets503AndTheBoundFreesWhenTheDialOutIsAnswered()
      throws Exception {
    start(b -> b.focus(FocusConfig.builder().maxDialOuts(1).build()));
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Phone carol = phone("carol", "pass");
    carol.register();
    bob.register();
    carol.onInvite = IncomingInvite::ringing; // rings, unanswered for now
    bob.onInvite = invite -> invite.reject(603);
    Dialog aliceLeg = join(alice, "sip:conference@" + DOMAIN);

    BlockingQueue<ReferStatus> carolProgress = new LinkedBlockingQueue<>();
    OutgoingSubscription toCarol = alice.ua.refer(aliceLeg,
        Address.parse("<sip:carol@" + DOMAIN + ">"), alice.aor(),
        (s, notify, state) -> carolProgress.add(ReferStatus.of(notify)));
    assertThat(toCarol.accepted().get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
    IncomingInvite ringing = carol.nextInvite();

    OutgoingSubscription toBob = alice.ua.refer(aliceLeg,
        Address.parse("<sip:bob@" + DOMAIN + ">"), alice.aor(), (s, n, st) -> { });
    SipResponse busy = refusal(toBob.accepted());
    assertThat(busy).isNotNull();
    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(busy.reasonPhrase()).contains("too many dial-outs pending");
    assertThat(busy.headers().get(HeaderName.RETRY_AFTER)).isNotNull();
    assertThat(bob.invites).isEmpty();

    ringing.reject(486); // carol's dial-out ends: its place is free again
    ReferStatus last;
    do {
      last = carolProgress.poll(10, TimeUnit.SECONDS);
      assertThat(last).as("a sipfrag NOTIFY").isNotNull();
    } while (!last.isFinal());
    assertThat(last.statusCode()).isEqualTo(486);
    OutgoingSubscription retry = alice.ua.refer(aliceLeg,
        Address.parse("<sip:bob@" + DOMAIN + ">"), alice.aor(), (s, n, st) -> { });
    assertThat(retry.accepted().get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
    assertThat(bob.nextInvite()).isNotNull();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        server.focus().conferences().get(0).participants().size() == 1);
  }

  @Test
  void anEmptyConferenceStaysJoinableForTheIdleTimeoutThenEnds() throws Exception {
    timers = new FakeScheduler();
    start(b -> b.focus(FocusConfig.builder().idleTimeout(Duration.ofMinutes(5)).build()));
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Dialog aliceLeg = join(alice, "sip:conference@" + DOMAIN);
    String uri = conferenceUri();
    alice.ua.bye(aliceLeg).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        server.focus().conferences().get(0).participants().isEmpty());

    timers.advance(Duration.ofMinutes(4));
    assertThat(server.focus().conferences()).hasSize(1); // empty, and joinable
    Dialog bobLeg = join(bob, uri);
    bob.ua.bye(bobLeg).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        server.focus().conferences().get(0).participants().isEmpty());

    // the idle time counts from the last leave, not the first
    timers.advance(Duration.ofMinutes(4));
    assertThat(server.focus().conferences()).hasSize(1);
    timers.advance(Duration.ofMinutes(1).plusSeconds(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.focus().conferences().isEmpty());
    SipResponse gone = refusal(invite(bob, uri));
    assertThat(gone).isNotNull();
    assertThat(gone.statusCode()).isEqualTo(404);
  }

  @Test
  void onlyTheOrganizerRemovesAParticipantAnyoneElseGets403() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Phone carol = phone("carol", "pass");
    join(alice, "sip:conference@" + DOMAIN);
    String uri = conferenceUri();
    Dialog bobLeg = join(bob, uri);
    join(carol, uri);
    awaitAllConnected(3);

    OutgoingSubscription byBob = bob.ua.refer(bobLeg,
        Address.parse("<sip:carol@" + DOMAIN + ";method=BYE>"), bob.aor(), (s, n, st) -> { });
    SipResponse refused = refusal(byBob.accepted());
    assertThat(refused).isNotNull();
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.reasonPhrase()).contains("only the organizer removes participants");
    assertThat(carol.byes).isEmpty();
    assertThat(server.focus().conferences().get(0).participants())
        .extracting(ConferenceView.Participant::uri).contains("sip:carol@" + DOMAIN);
  }

  @Test
  void withDialOutExternalTheFocusCallsAnotherDomainThroughTheProxysStaticRoute()
      throws Exception {
    start();
    Phone gateway = keep(Phone.of(server, "gw", null, Transport.UDP)).answering(false);
    int gwPort = gateway.ua.transport().listenPoints().get(0).address().getPort();
    server.close();
    start(b -> b.focus(FocusConfig.builder().dialOutExternal(true).build())
        .proxy(ProxyConfig.builder().staticRoute("pstn.example", "sip:127.0.0.1:" + gwPort)
            .build()));
    Phone alice = phone("alice", "secret");
    Dialog aliceLeg = join(alice, "sip:conference@" + DOMAIN);
    String uri = conferenceUri();

    BlockingQueue<ReferStatus> progress = new LinkedBlockingQueue<>();
    OutgoingSubscription refer = alice.ua.refer(aliceLeg,
        Address.parse("<sip:+15551234@pstn.example>"), alice.aor(),
        (s, notify, state) -> progress.add(ReferStatus.of(notify)));
    assertThat(refer.accepted().get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);

    IncomingInvite atGateway = gateway.nextInvite();
    SipRequest r = atGateway.request();
    assertThat(r.requestUri().toString()).isEqualTo("sip:+15551234@pstn.example");
    assertThat(r.from().uri().toString()).isEqualTo(uri);
    assertThat(r.contacts().get(0).parameters().contains("isfocus")).isTrue();
    assertThat(r.headers().get(HeaderName.REFERRED_BY)).contains("sip:alice@" + DOMAIN);
    ReferStatus last;
    do {
      last = progress.poll(10, TimeUnit.SECONDS);
      assertThat(last).as("a sipfrag NOTIFY").isNotNull();
    } while (!last.isFinal());
    assertThat(last.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(server.focus().conferences().get(0).participants())
            .extracting(ConferenceView.Participant::uri, ConferenceView.Participant::status)
            .contains(org.assertj.core.groups.Tuple.tuple("sip:+15551234@pstn.example",
                ParticipantStatus.CONNECTED)));

    // the one called outside the domain is a guest: it may not have the focus dial for it
    Dialog outside = gateway.accepted.take().get(10, TimeUnit.SECONDS);
    SipResponse noDialOut = refusal(gateway.ua.refer(outside,
        Address.parse("<sip:bob@" + DOMAIN + ">"), Address.parse("<sip:+15551234@pstn.example>"),
        (s, n, st) -> { }).accepted());
    assertThat(noDialOut).isNotNull();
    assertThat(noDialOut.statusCode()).isEqualTo(403);
  }
}
