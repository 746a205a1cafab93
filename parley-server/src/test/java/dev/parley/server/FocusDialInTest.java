package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.ReferStatus;
import dev.parley.focus.ConferenceView;
import dev.parley.focus.FocusConfig;
import dev.parley.sip.Address;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Transport;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Who may dial in to a conference ({@code focus.dial_in}, {@code docs/conferences.md}): by
 * invitation only, the organizer and the users the focus was asked to invite; anyone else 403.
 */
class FocusDialInTest extends FocusFixture {
  @Test
  void byInvitationOnlyTheOrganizerAndWhoeverTheFocusWasAskedToInviteDialIn() throws Exception {
    start(b -> b.focus(FocusConfig.builder().dialIn(FocusConfig.DialIn.INVITATION).build()));
    Phone alice = phone("alice", "secret");
    Phone aliceMobile = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    Phone carol = phone("carol", "pass");
    carol.register();
    carol.onInvite = invite -> invite.reject(486); // busy now: she will call back
    Dialog aliceLeg = join(alice, "sip:conference@" + DOMAIN);
    String uri = conferenceUri();

    // bob is a user of the domain, but nobody invited him
    SipResponse notInvited = refused(invite(bob, uri));
    assertThat(notInvited.statusCode()).isEqualTo(403);
    assertThat(notInvited.reasonPhrase())
        .isEqualTo("Forbidden (this conference is by invitation only)");

    // the organizer comes in from a second device
    join(aliceMobile, uri);

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
    join(carol, uri);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(server.focus().conferences().get(0).participants())
            .extracting(ConferenceView.Participant::uri).containsExactlyInAnyOrder(
                "sip:alice@" + DOMAIN, "sip:alice@" + DOMAIN, "sip:carol@" + DOMAIN));

    // still not bob; and a guest (not a user of the domain) is refused whatever it claims
    assertThat(refused(invite(bob, uri)).statusCode()).isEqualTo(403);
    Phone guest = keep(Phone.of(server, "mallory", null, Transport.UDP));
    Address carolElsewhere = Address.parse("<sip:carol@elsewhere.test>");
    SipResponse spoofed = refused(invite(guest, imInvite(guest, carolElsewhere, uri).build()));
    assertThat(spoofed.statusCode()).isEqualTo(403);
  }

  @Test
  void byDefaultAnyUserOfTheDomainDialsIn() throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    join(alice, "sip:conference@" + DOMAIN);
    String uri = conferenceUri();
    assertThat(join(bob, uri)).isNotNull();
  }
}
