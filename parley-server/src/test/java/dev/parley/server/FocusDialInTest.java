package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.ReferStatus;
import dev.parley.dialog.SipFailure;
import dev.parley.focus.ConferenceView;
import dev.parley.focus.FocusConfig;
import dev.parley.sip.Address;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Who may dial in to a conference ({@code focus.dial_in}, {@code docs/conferences.md}): by
 * invitation only, the organizer and the users the focus was asked to invite; anyone else 403.
 */
class FocusDialInTest extends ProxyFixture {
  private static final String IM_OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=message 5060 sip sip:someone@example.com\r\n";

  private static CompletableFuture<Dialog> invite(Phone phone, Address from, String uri) {
    SipUri target = SipUri.parse(uri);
    SipRequest invite = phone.ua.newRequest(SipMethod.INVITE, target, from, Address.of(target),
        Transport.UDP)
        .body(MediaType.APPLICATION_SDP, IM_OFFER.getBytes(StandardCharsets.US_ASCII)).build();
    return phone.ua.invite(invite, phone.proxy).orTimeout(10, TimeUnit.SECONDS);
  }

  /** The final response that refused {@code f}; fails the test when it succeeded. */
  private static SipResponse refusal(CompletableFuture<?> f) throws Exception {
    Throwable t = f.handle((r, e) -> e).get(10, TimeUnit.SECONDS);
    Throwable e = t instanceof CompletionException c ? c.getCause() : t;
    assertThat(e).as("a refusal").isInstanceOf(SipFailure.class);
    return ((SipFailure) e).response();
  }

  @Test
  void byInvitationOnlyTheOrganizerAndWhoeverTheFocusWasAskedToInviteDialIn() throws Exception {
    start(b -> b.focus(FocusConfig.builder().dialIn(FocusConfig.DialIn.INVITATION).build()));
    Phone alice = phone("alice", "secret");
    Phone aliceMobile = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Phone carol = phone("carol", "pass");
    carol.register();
    carol.onInvite = invite -> invite.reject(486); // busy now: she will call back
    Dialog aliceLeg = invite(alice, alice.aor(), "sip:conference@" + DOMAIN).join();
    String uri = server.focus().conferences().get(0).uri();

    // bob is a user of the domain, but nobody invited him
    SipResponse notInvited = refusal(invite(bob, bob.aor(), uri));
    assertThat(notInvited.statusCode()).isEqualTo(403);
    assertThat(notInvited.reasonPhrase())
        .isEqualTo("Forbidden (this conference is by invitation only)");

    // the organizer comes in from a second device
    invite(aliceMobile, aliceMobile.aor(), uri).join();

    // alice asks the focus to invite carol, who is busy; carol dials in afterwards
    BlockingQueue<ReferStatus> progress = new LinkedBlockingQueue<>();
    alice.ua.refer(aliceLeg, Address.parse("<sip:carol@" + DOMAIN + ">"), alice.aor(),
        (s, notify, state) -> progress.add(ReferStatus.of(notify)));
    ReferStatus last;
    do {
      last = progress.poll(10, TimeUnit.SECONDS);
      assertThat(last).as("a sipfrag NOTIFY").isNotNull();
    } while (!last.isFinal());
    assertThat(last.statusCode()).isEqualTo(486);
    invite(carol, carol.aor(), uri).join();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(server.focus().conferences().get(0).participants())
            .extracting(ConferenceView.Participant::uri).containsExactlyInAnyOrder(
                "sip:alice@" + DOMAIN, "sip:alice@" + DOMAIN, "sip:carol@" + DOMAIN));

    // still not bob; and a guest (not a user of the domain) is refused whatever it claims
    assertThat(refusal(invite(bob, bob.aor(), uri)).statusCode()).isEqualTo(403);
    Phone guest = keep(Phone.of(server, "mallory", null, Transport.UDP));
    SipResponse spoofed = refusal(invite(guest, Address.parse("<sip:carol@elsewhere.test>"), uri));
    assertThat(spoofed.statusCode()).isEqualTo(403);
  }

  @Test
  void byDefaultAnyUserOfTheDomainDialsIn() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    invite(alice, alice.aor(), "sip:conference@" + DOMAIN).join();
    String uri = server.focus().conferences().get(0).uri();
    assertThat(invite(bob, bob.aor(), uri).join()).isNotNull();
  }
}
