package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.SipFailure;
import dev.parley.focus.ConferenceView;
import dev.parley.focus.FocusConfig;
import dev.parley.focus.ParticipantStatus;
import dev.parley.sdp.Origin;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The conference focus inside the server ({@code docs/conferences.md}): creating a conference
 * at the factory URI, dialling in, IM relayed to the others with per-recipient results, leaving,
 * and the limits; real sockets on loopback, phones of the dialog layer.
 */
class FocusTest extends FocusFixture {
  @Test
  void anInviteToTheFactoryCreatesAConferenceWhoseUriOthersDialAndIsAnsweredByAFocusContact()
      throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");

    Dialog aliceLeg = alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, "conv-42"),
        alice.proxy).get(10, TimeUnit.SECONDS);

    Address focus = Address.parse(aliceLeg.remoteTarget().toString());
    assertThat(aliceLeg.remoteTarget().toString()).contains("conf-");
    assertThat(server.focus().conferences()).singleElement().satisfies(c -> {
      assertThat(c.conversationId()).isEqualTo("conv-42");
      assertThat(c.organizer()).isEqualTo("sip:alice@" + DOMAIN);
      assertThat(c.uri()).startsWith("sip:conf-").endsWith("@" + DOMAIN);
    });
    String conferenceUri = server.focus().conferences().get(0).uri();
    assertThat(((SipUri) focus.uri()).user()).isEqualTo(SipUri.parse(conferenceUri).user());

    Dialog bobLeg = join(bob, conferenceUri);
    assertThat(bobLeg.remoteTarget()).isEqualTo(aliceLeg.remoteTarget());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(server.focus().conferences().get(0).participants())
            .extracting(ConferenceView.Participant::uri, ConferenceView.Participant::status)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("sip:alice@" + DOMAIN, ParticipantStatus.CONNECTED),
                org.assertj.core.groups.Tuple.tuple("sip:bob@" + DOMAIN, ParticipantStatus.CONNECTED)));
  }

  @Test
  void aMessageInTheConferenceReachesEveryOtherParticipantAsCpimAndTheSenderGetsOneResultEach()
      throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Phone carol = phone("carol", "pass");
    Dialog aliceLeg = alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, null),
        alice.proxy).get(10, TimeUnit.SECONDS);
    String uri = conferenceUri();
    join(bob, uri);
    join(carol, uri);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        server.focus().conferences().get(0).participants().stream()
            .allMatch(p -> p.status() == ParticipantStatus.CONNECTED)
        && server.focus().conferences().get(0).participants().size() == 3);

    SipResponse result = alice.ua.request(aliceLeg, SipMethod.MESSAGE, MediaType.TEXT_PLAIN,
        "hello all".getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);

    assertThat(result.statusCode()).isEqualTo(200);
    assertThat(result.contentType().toString()).startsWith("application/vnd.parley.im-results+json");
    String results = new String(result.body(), StandardCharsets.UTF_8);
    assertThat(results).contains("\"uri\":\"sip:bob@" + DOMAIN + "\",\"status\":200")
        .contains("\"uri\":\"sip:carol@" + DOMAIN + "\",\"status\":200")
        .doesNotContain("alice");
    for (Phone p : new Phone[] {bob, carol}) {
      SipRequest relayed = p.dialogRequests.poll(10, TimeUnit.SECONDS);
      assertThat(relayed).isNotNull();
      assertThat(relayed.method()).isEqualTo(SipMethod.MESSAGE);
      assertThat(relayed.contentType().toString()).isEqualTo("message/cpim");
      String body = new String(relayed.body(), StandardCharsets.UTF_8);
      assertThat(body).startsWith("From: <sip:alice@" + DOMAIN + ">\r\n")
          .contains("To: <" + uri + ">\r\n").endsWith("Content-Type: text/plain\r\n\r\nhello all");
    }
    assertThat(alice.dialogRequests).isEmpty();
  }

  @Test
  void aMessageWhenNobodyElseIsInIsAnswered480() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Dialog leg = alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, null), alice.proxy)
        .get(10, TimeUnit.SECONDS);
    SipResponse r = alice.ua.request(leg, SipMethod.MESSAGE, MediaType.TEXT_PLAIN,
        "anyone?".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(480);
  }

  @Test
  void theConferenceEndsWhenItsLastParticipantLeavesAndItsUriIsThenUnknown() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Dialog aliceLeg = alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, null),
        alice.proxy).get(10, TimeUnit.SECONDS);
    String uri = conferenceUri();
    Dialog bobLeg = join(bob, uri);

    assertThat(alice.ua.bye(aliceLeg).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    // the focus hears of the end right after its 200 is sent
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(server.focus().conferences()).singleElement()
            .satisfies(c -> assertThat(c.participants()).hasSize(1)));
    assertThat(bob.ua.bye(bobLeg).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.focus().conferences().isEmpty());
    assertThat(server.focus().dialogCount()).isZero();

    Throwable refused = bob.ua.invite(inviteTo(bob, uri, null), bob.proxy)
        .handle((d, e) -> e).get(10, TimeUnit.SECONDS);
    assertThat(statusOf(refused)).isEqualTo(404);
  }

  @Test
  void onlyAuthenticatedUsersCreateConferencesAndGuestsMayNotDialInByDefault() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, null), alice.proxy)
        .get(10, TimeUnit.SECONDS);
    String uri = conferenceUri();
    Phone mallory = keep(Phone.of(server, "mallory", null, Transport.UDP));
    // a From of another domain is not challenged: it is a guest, refused
    Address elsewhere = Address.parse("<sip:mallory@elsewhere.test>");
    SipRequest guest = imInvite(mallory, elsewhere, uri).build();
    Throwable refused = mallory.ua.invite(guest, mallory.proxy).handle((d, e) -> e)
        .get(10, TimeUnit.SECONDS);
    assertThat(statusOf(refused)).isEqualTo(403);

    SipRequest create = imInvite(mallory, elsewhere, "sip:conference@" + DOMAIN).build();
    Throwable notCreated = mallory.ua.invite(create, mallory.proxy).handle((d, e) -> e)
        .get(10, TimeUnit.SECONDS);
    assertThat(statusOf(notCreated)).isEqualTo(403);
    assertThat(server.focus().conferences()).hasSize(1);
  }

  @Test
  void aFullConferenceAnswers503WithRetryAfterAndAnUnknownOne404() throws Exception {
    start(b -> b.focus(FocusConfig.builder().maxParticipants(1).build()));
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, null), alice.proxy)
        .get(10, TimeUnit.SECONDS);
    String uri = conferenceUri();

    Throwable full = bob.ua.invite(inviteTo(bob, uri, null), bob.proxy).handle((d, e) -> e)
        .get(10, TimeUnit.SECONDS);
    assertThat(statusOf(full)).isEqualTo(503);
    SipResponse r = ((SipFailure) (full instanceof CompletionException ? full.getCause() : full))
        .response();
    assertThat(r.headers().get(HeaderName.RETRY_AFTER)).isNotNull();

    Throwable unknown = bob.ua.invite(inviteTo(bob, "sip:conf-nothere@" + DOMAIN, null),
        bob.proxy).handle((d, e) -> e).get(10, TimeUnit.SECONDS);
    assertThat(statusOf(unknown)).isEqualTo(404);
  }

  @Test
  void oneUserCreatesAtMostMaxConferencesPerUserAndIsRefused403WhileOthersStillCreate()
      throws Exception {
    start(b -> b.focus(FocusConfig.builder().maxConferencesPerUser(2).build()));
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Dialog first = alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, null),
        alice.proxy).get(10, TimeUnit.SECONDS);
    alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, null), alice.proxy)
        .get(10, TimeUnit.SECONDS);

    Throwable third = alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, null),
        alice.proxy).handle((d, e) -> e).get(10, TimeUnit.SECONDS);
    assertThat(statusOf(third)).isEqualTo(403);
    assertThat(((SipFailure) (third instanceof CompletionException ? third.getCause() : third))
        .response().reasonPhrase()).contains("2 conferences");
    assertThat(server.focus().conferences()).hasSize(2);
    bob.ua.invite(inviteTo(bob, "sip:conference@" + DOMAIN, null), bob.proxy)
        .get(10, TimeUnit.SECONDS);
    assertThat(server.focus().conferences()).hasSize(3);

    // once one of hers has ended, she may create another
    assertThat(alice.ua.bye(first).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.focus().conferences().size() == 2);
    alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, null), alice.proxy)
        .get(10, TimeUnit.SECONDS);
    assertThat(server.focus().conferences()).filteredOn(c -> c.organizer().contains("alice"))
        .hasSize(2);
  }

  @Test
  void theFocusKeepsItsSdpOriginInADialogAndRaisesItsVersionByOneForEachNewSdp()
      throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    dev.parley.dialog.OutgoingInvite call = alice.ua.invite(
        inviteTo(alice, "sip:conference@" + DOMAIN, null), alice.proxy, null);
    Dialog leg = call.dialog().get(10, TimeUnit.SECONDS);
    Origin first = SessionDescription.parse(call.answer().body()).origin();

    Origin previous = first;
    for (int version = 2; version <= 3; version++) { // RFC 3264 §8, on each re-INVITE's answer
      byte[] offer = IM_OFFER.replace("o=- 1 1 ", "o=- 1 " + version + " ")
          .getBytes(StandardCharsets.US_ASCII);
      SipResponse ok = alice.ua.reinvite(leg, MediaType.APPLICATION_SDP, offer)
          .get(10, TimeUnit.SECONDS);
      assertThat(ok.statusCode()).isEqualTo(200);
      Origin next = SessionDescription.parse(ok.body()).origin();
      assertThat(next.username()).isEqualTo(first.username());
      assertThat(next.sessionId()).isEqualTo(first.sessionId());
      assertThat(next.address()).isEqualTo(first.address());
      assertThat(new java.math.BigInteger(next.sessionVersion()))
          .isEqualTo(new java.math.BigInteger(previous.sessionVersion()).add(java.math.BigInteger.ONE));
      previous = next;
    }
  }

  @Test
  void anInviteOfferingNothingTheFocusTakesIsAnswered488() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    SipUri factory = SipUri.parse("sip:conference@" + DOMAIN);
    SipRequest invite = alice.ua.newRequest(SipMethod.INVITE, factory, alice.aor(),
        Address.of(factory), Transport.UDP).body(MediaType.APPLICATION_SDP,
        ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=video 4000 RTP/AVP 96\r\n").getBytes(StandardCharsets.US_ASCII)).build();
    Throwable refused = alice.ua.invite(invite, alice.proxy).handle((d, e) -> e)
        .get(10, TimeUnit.SECONDS);
    assertThat(statusOf(refused)).isEqualTo(488);
    assertThat(server.focus().conferences()).isEmpty();
  }

  @Test
  void withTheFocusOffTheFactoryIsAnOrdinaryUnknownUser() throws Exception {
    start(b -> b.focusEnabled(false));
    Phone alice = phone("alice", "secret");
    Throwable refused = alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, null),
        alice.proxy).handle((d, e) -> e).get(10, TimeUnit.SECONDS);
    assertThat(statusOf(refused)).isEqualTo(404);
    assertThat(server.focus()).isNull();
  }

  @Test
  void aByeThatOvertakesTheAckEndsTheLegAndLeavesNoGhostParticipant() throws Exception {
    start(b -> b.focus(FocusConfig.builder().guests(true).build()));
    Phone alice = phone("alice", "secret");
    alice.ua.invite(inviteTo(alice, "sip:conference@" + DOMAIN, null), alice.proxy)
        .get(10, TimeUnit.SECONDS);
    String uri = conferenceUri();
    try (dev.parley.testkit.MockSipPeer guest = dev.parley.testkit.MockSipPeer.start()) {
      SipRequest invite = guest.request("INVITE", uri, "sip:guest@elsewhere.test", uri,
          "Content-Type: application/sdp\r\n");
      invite = invite.toBuilder().body(MediaType.APPLICATION_SDP,
          IM_OFFER.getBytes(StandardCharsets.US_ASCII)).build();
      guest.send(invite, udp());
      SipResponse ok = guest.takeFinalResponse();
      assertThat(ok.statusCode()).isEqualTo(200);
      // BYE at once, no ACK (the ACK was lost, or the guest is hostile)
      String bye = "BYE " + ok.contacts().get(0).uri() + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP " + guest.hostPort() + ";branch="
          + dev.parley.testkit.MockSipPeer.newBranch() + ";rport\r\n"
          + "Max-Forwards: 70\r\n"
          + "From: " + invite.headers().get(HeaderName.FROM) + "\r\n"
          + "To: " + ok.headers().get(HeaderName.TO) + "\r\n"
          + "Call-ID: " + invite.callId() + "\r\n"
          + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
      guest.send(bye, udp());
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(server.focus().conferences().get(0).participants())
              .extracting(ConferenceView.Participant::uri)
              .containsExactly("sip:alice@" + DOMAIN));
    }
  }
}
