package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.OutgoingSubscription;
import dev.parley.dialog.ReferStatus;
import dev.parley.focus.ConferenceView;
import dev.parley.focus.ParticipantStatus;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.sip.body.ConferenceInfo;
import dev.parley.sip.body.EndpointStatus;
import dev.parley.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The focus's roster (RFC 4575 over SUBSCRIBE/NOTIFY) and dial-out by REFER (RFC 4579 §5.5),
 * through the server on loopback with phones of the dialog layer.
 */
class FocusRosterTest extends FocusFixture {
  private static Dialog enter(Phone phone, String uri) {
    return invite(phone, inviteTo(phone, uri, "conv-7")).join();
  }

  /** Subscribes {@code phone} to the roster; the documents land in the queue returned. */
  private static BlockingQueue<ConferenceInfo> watch(Phone phone, String uri,
      BlockingQueue<Integer> refused) {
    BlockingQueue<ConferenceInfo> docs = new LinkedBlockingQueue<>();
    OutgoingSubscription sub = subscribe(phone, uri, (s, notify, state) -> {
      if (notify.bodyLength() > 0) {
        docs.add(ConferenceInfo.parse(notify.body()));
      }
    });
    sub.accepted().whenComplete((r, e) -> {
      if (e != null && refused != null) {
        refused.add(statusOf(e));
      }
    });
    return docs;
  }

  private static ConferenceInfo next(BlockingQueue<ConferenceInfo> docs) throws Exception {
    ConferenceInfo doc = docs.poll(10, TimeUnit.SECONDS);
    assertThat(doc).as("a NOTIFY with conference-info").isNotNull();
    return doc;
  }

  @Test
  void aParticipantsRosterSubscriptionGetsTheFullStateThenAPartialDocumentPerChange()
      throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Phone carol = phone("carol", "pass");
    enter(alice, "sip:conference@" + DOMAIN);
    String uri = conferenceUri();
    Dialog bobLeg = enter(bob, uri);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.focus().conferences().get(0)
        .participants().stream().allMatch(p -> p.status() == ParticipantStatus.CONNECTED));

    BlockingQueue<ConferenceInfo> docs = watch(alice, uri, null);
    ConferenceInfo full = next(docs);
    assertThat(full.entity()).isEqualTo(uri);
    assertThat(full.state()).isEqualTo(ConferenceInfo.State.FULL);
    assertThat(full.users()).extracting(ConferenceInfo.User::entity)
        .containsExactly("sip:alice@" + DOMAIN, "sip:bob@" + DOMAIN);
    assertThat(full.users().get(1).endpoints().get(0).status()).isEqualTo(EndpointStatus.CONNECTED);

    enter(carol, uri);
    ConferenceInfo joined = next(docs);
    assertThat(joined.state()).isEqualTo(ConferenceInfo.State.PARTIAL);
    assertThat(joined.version()).isEqualTo(full.version() + 1);
    assertThat(joined.users()).singleElement().satisfies(u -> {
      assertThat(u.entity()).isEqualTo("sip:carol@" + DOMAIN);
      assertThat(u.endpoints().get(0).status()).isEqualTo(EndpointStatus.CONNECTED);
    });

    bob.ua.bye(bobLeg).get(10, TimeUnit.SECONDS);
    ConferenceInfo left = next(docs);
    assertThat(left.users()).singleElement().satisfies(u -> {
      assertThat(u.entity()).isEqualTo("sip:bob@" + DOMAIN);
      assertThat(u.state()).isEqualTo(ConferenceInfo.State.DELETED);
    });
    ConferenceInfo merged = full.apply(joined).apply(left);
    assertThat(merged.users()).extracting(ConferenceInfo.User::entity)
        .containsExactlyInAnyOrder("sip:alice@" + DOMAIN, "sip:carol@" + DOMAIN);
    assertThat(server.focus().conferences().get(0).subscriptions()).isEqualTo(1);
  }

  @Test
  void aParticipantInWithTwoDevicesIsOneUserOfTwoEndpointsAndStaysWhenOneLeaves()
      throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone aliceMobile = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Dialog desk = enter(alice, "sip:conference@" + DOMAIN);
    String uri = conferenceUri();
    enter(aliceMobile, uri);
    enter(bob, uri);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.focus().conferences().get(0)
        .participants().stream().filter(p -> p.status() == ParticipantStatus.CONNECTED)
        .count() == 3);

    BlockingQueue<ConferenceInfo> docs = watch(bob, uri, null);
    ConferenceInfo full = next(docs);
    assertThat(full.users()).extracting(ConferenceInfo.User::entity)
        .containsExactly("sip:alice@" + DOMAIN, "sip:bob@" + DOMAIN);
    assertThat(full.user("sip:alice@" + DOMAIN).endpoints()).hasSize(2);
    assertThat(full.userCount()).isEqualTo(2);

    alice.ua.bye(desk).get(10, TimeUnit.SECONDS);
    ConferenceInfo left = next(docs);
    assertThat(left.users()).singleElement().satisfies(u -> {
      assertThat(u.entity()).isEqualTo("sip:alice@" + DOMAIN);
      assertThat(u.state()).isNotEqualTo(ConferenceInfo.State.DELETED);
      assertThat(u.endpoints()).singleElement().satisfies(e ->
          assertThat(e.status()).isEqualTo(EndpointStatus.CONNECTED));
    });
    ConferenceInfo merged = full.apply(left);
    assertThat(merged.users()).extracting(ConferenceInfo.User::entity)
        .containsExactly("sip:alice@" + DOMAIN, "sip:bob@" + DOMAIN);
    assertThat(merged.user("sip:alice@" + DOMAIN).endpoints()).hasSize(1);
  }

  /** An offer of session IM and PCMU audio, its audio line {@code direction}, version {@code v}. */
  private static byte[] audioOffer(String direction, int v) {
    return ("v=0\r\no=- 7 " + v + " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=message 5060 sip sip:someone@example.com\r\n"
        + "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=" + direction + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static EndpointStatus statusOf(ConferenceInfo partial, String user) {
    assertThat(partial.state()).isEqualTo(ConferenceInfo.State.PARTIAL);
    assertThat(partial.users()).singleElement()
        .satisfies(u -> assertThat(u.entity()).isEqualTo(user));
    return partial.users().get(0).endpoints().get(0).status();
  }

  /** The status of the audio of the one user of {@code partial} (RFC 4575 media status). */
  private static dev.parley.sip.body.MediaStatus audioOf(ConferenceInfo partial) {
    return partial.users().get(0).endpoints().get(0).media().get(0).status();
  }

  @Test
  void aParticipantWhoHoldsTheFocusIsOnHoldInAPartialNotifyAndConnectedAgainWhenItResumes()
      throws Exception {
    // no media timeout: the held phone sends no RTP, and this is not about vanishing
    start(b -> b.focus(dev.parley.focus.FocusConfig.builder().mediaTimeout(Duration.ZERO)
        .build()));
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    enter(alice, "sip:conference@" + DOMAIN);
    String uri = conferenceUri();
    SipUri target = SipUri.parse(uri);
    SipRequest invite = bob.ua.newRequest(SipMethod.INVITE, target, bob.aor(),
        Address.of(target), Transport.UDP)
        .body(MediaType.APPLICATION_SDP, audioOffer("sendrecv", 1)).build();
    Dialog bobLeg = bob.ua.invite(invite, bob.proxy).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.focus().conferences().get(0)
        .participants().stream().allMatch(p -> p.status() == ParticipantStatus.CONNECTED)
        && server.focus().conferences().get(0).participants().size() == 2);
    BlockingQueue<ConferenceInfo> docs = watch(alice, uri, null);
    ConferenceInfo full = next(docs);
    assertThat(full.user("sip:bob@" + DOMAIN).endpoints()).singleElement().satisfies(e -> {
      assertThat(e.status()).isEqualTo(EndpointStatus.CONNECTED);
      assertThat(e.media()).extracting(ConferenceInfo.Media::type).containsExactly("audio");
    });

    int version = 2;
    for (String hold : List.of("sendonly", "inactive")) {
      assertThat(bob.ua.reinvite(bobLeg, MediaType.APPLICATION_SDP, audioOffer(hold, version++))
          .get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      ConferenceInfo held = next(docs);
      assertThat(statusOf(held, "sip:bob@" + DOMAIN)).as(hold).isEqualTo(EndpointStatus.ON_HOLD);
      assertThat(audioOf(held).name()).isEqualToIgnoringCase(hold);
      assertThat(server.focus().conferences().get(0).participants())
          .filteredOn(p -> p.uri().equals("sip:bob@" + DOMAIN))
          .extracting(ConferenceView.Participant::status)
          .containsExactly(ParticipantStatus.ON_HOLD);

      assertThat(bob.ua.reinvite(bobLeg, MediaType.APPLICATION_SDP,
          audioOffer("sendrecv", version++)).get(10, TimeUnit.SECONDS).statusCode())
          .isEqualTo(200);
      ConferenceInfo resumed = next(docs);
      assertThat(statusOf(resumed, "sip:bob@" + DOMAIN)).as("resumed from " + hold)
          .isEqualTo(EndpointStatus.CONNECTED);
      assertThat(audioOf(resumed)).isEqualTo(dev.parley.sip.body.MediaStatus.SENDRECV);
    }
    // muting itself (recvonly: it only listens) is no hold: connected, its audio recvonly
    assertThat(bob.ua.reinvite(bobLeg, MediaType.APPLICATION_SDP, audioOffer("recvonly",
        version++)).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    ConferenceInfo muted = next(docs);
    assertThat(statusOf(muted, "sip:bob@" + DOMAIN)).isEqualTo(EndpointStatus.CONNECTED);
    assertThat(audioOf(muted)).isEqualTo(dev.parley.sip.body.MediaStatus.RECVONLY);
    assertThat(docs).isEmpty(); // one partial per change, nothing for alice herself
  }

  @Test
  void someoneWhoIsNotInTheConferenceMayNotWatchItsRoster() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    enter(alice, "sip:conference@" + DOMAIN);
    BlockingQueue<Integer> refused = new LinkedBlockingQueue<>();
    watch(bob, conferenceUri(), refused);
    assertThat(refused.poll(10, TimeUnit.SECONDS)).isEqualTo(403);
  }

  @Test
  void aReferToTheFocusDialsOutWithIsfocusTheConversationIdAndReferredByAndReportsProgress()
      throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone carol = phone("carol", "pass");
    assertThat(carol.register().statusCode()).isEqualTo(200);
    carol.answering(true);
    Dialog aliceLeg = enter(alice, "sip:conference@" + DOMAIN);
    String uri = conferenceUri();

    BlockingQueue<ReferStatus> progress = new LinkedBlockingQueue<>();
    OutgoingSubscription refer = alice.ua.refer(aliceLeg,
        Address.parse("<sip:carol@" + DOMAIN + ">"), alice.aor(),
        (s, notify, state) -> progress.add(ReferStatus.of(notify)));
    assertThat(refer.accepted().get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);

    IncomingInvite invite = carol.nextInvite();
    SipRequest r = invite.request();
    assertThat(r.contacts().get(0).parameters().contains("isfocus")).isTrue();
    assertThat(((SipUri) r.contacts().get(0).uri()).user())
        .isEqualTo(SipUri.parse(uri).user());
    assertThat(r.from().uri().toString()).isEqualTo(uri);
    assertThat(r.headers().get(HeaderName.MS_CONVERSATION_ID)).isEqualTo("conv-7");
    assertThat(r.headers().get(HeaderName.REFERRED_BY)).contains("sip:alice@" + DOMAIN);

    List<Integer> codes = new java.util.ArrayList<>();
    while (codes.isEmpty() || codes.get(codes.size() - 1) < 200) {
      ReferStatus s = progress.poll(10, TimeUnit.SECONDS);
      assertThat(s).as("a sipfrag NOTIFY").isNotNull();
      codes.add(s.statusCode());
    }
    assertThat(codes).startsWith(100).endsWith(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(server.focus().conferences().get(0).participants())
            .extracting(ConferenceView.Participant::uri, ConferenceView.Participant::status)
            .contains(org.assertj.core.groups.Tuple.tuple("sip:carol@" + DOMAIN,
                ParticipantStatus.CONNECTED)));

    // and the dialled-out leg is a leg like any: an IM from alice reaches carol through it
    var result = alice.ua.request(aliceLeg, SipMethod.MESSAGE, MediaType.TEXT_PLAIN,
        "welcome".getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
    assertThat(new String(result.body(), StandardCharsets.UTF_8))
        .contains("\"uri\":\"sip:carol@" + DOMAIN + "\",\"status\":200");
  }

  @Test
  void theFocusDialsOutToUsersOfItsDomainOnly() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Dialog aliceLeg = enter(alice, "sip:conference@" + DOMAIN);
    OutgoingSubscription refer = alice.ua.refer(aliceLeg,
        Address.parse("<sip:someone@elsewhere.test>"), alice.aor(), (s, n, st) -> { });
    assertThat(refused(refer.accepted()).statusCode()).isEqualTo(403);
  }

  @Test
  void aDialOutToSomeoneWhoDeclinesReportsTheirAnswerAndLeavesNoLeg() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone carol = phone("carol", "pass");
    carol.register();
    carol.onInvite = invite -> invite.reject(603);
    Dialog aliceLeg = enter(alice, "sip:conference@" + DOMAIN);
    BlockingQueue<ReferStatus> progress = new LinkedBlockingQueue<>();
    alice.ua.refer(aliceLeg, Address.parse("<sip:carol@" + DOMAIN + ">"), alice.aor(),
        (s, notify, state) -> progress.add(ReferStatus.of(notify)));
    ReferStatus last;
    do {
      last = progress.poll(10, TimeUnit.SECONDS);
      assertThat(last).isNotNull();
    } while (!last.isFinal());
    assertThat(last.statusCode()).isEqualTo(603);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        server.focus().conferences().get(0).participants().size() == 1);
  }

  @Test
  void aReferFromSomeoneNotInTheConferenceOrFromAGuestIsRefused() throws Exception {
    start(b -> b.focus(dev.parley.focus.FocusConfig.builder().guests(true).build()));
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    enter(alice, "sip:conference@" + DOMAIN);
    String uri = conferenceUri();

    // bob, not in it, REFERs out of dialog to the conference URI
    SipUri target = SipUri.parse(uri);
    SipRequest refer = bob.ua.newRequest(SipMethod.REFER, target, bob.aor(), Address.of(target),
        Transport.UDP).header(HeaderName.REFER_TO, "<sip:carol@" + DOMAIN + ">").build();
    assertThat(refused(bob.ua.subscribe(refer, bob.proxy, (s, n, st) -> { }).accepted())
        .statusCode()).isEqualTo(403);

    // a guest (another domain: not challenged, let in as conferences are open) may not dial out
    Phone guest = keep(Phone.of(server, "mallory", null, Transport.UDP));
    Address elsewhere = Address.parse("<sip:mallory@elsewhere.test>");
    Dialog guestLeg = invite(guest, imInvite(guest, elsewhere, uri).build()).join();
    assertThat(refused(guest.ua.refer(guestLeg, Address.parse("<sip:carol@" + DOMAIN + ">"),
        elsewhere, (s, n, st) -> { }).accepted()).statusCode()).isEqualTo(403);
    assertThat(server.focus().conferences().get(0).participants()).hasSize(2);
  }
}
