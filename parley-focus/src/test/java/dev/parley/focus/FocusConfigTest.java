package dev.parley.focus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The focus's settings: the documented defaults, and arguments the builder refuses by name. */
class FocusConfigTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    FocusConfig c = FocusConfig.defaults();
    assertThat(c.factoryUser()).isEqualTo("conference");
    assertThat(c.maxConferences()).isEqualTo(100);
    assertThat(c.maxConferencesPerUser()).isEqualTo(5);
    assertThat(c.maxParticipants()).isEqualTo(20);
    assertThat(c.guests()).isFalse();
    assertThat(c.dialIn()).isEqualTo(FocusConfig.DialIn.DOMAIN);
    assertThat(c.idleTimeout()).isEqualTo(Duration.ZERO);
    assertThat(c.maxSubscriptions()).isEqualTo(50);
    assertThat(c.maxDialOuts()).isEqualTo(10);
    assertThat(c.dialOutExternal()).isFalse();
    assertThat(c.relayTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.audio()).isTrue();
    assertThat(c.rtpMinPort()).isEqualTo(16384);
    assertThat(c.rtpMaxPort()).isEqualTo(32767);
    assertThat(c.mixThreads()).isEqualTo(2);
  }

  @Test
  void dialInIsDomainInvitationOrGuestsAndGuestsTrueIsDialInGuests() {
    assertThat(FocusConfig.builder().guests(true).build().dialIn())
        .isEqualTo(FocusConfig.DialIn.GUESTS);
    assertThat(FocusConfig.builder().guests(false).build().dialIn())
        .isEqualTo(FocusConfig.DialIn.DOMAIN);
    FocusConfig invitation = FocusConfig.builder().dialIn(FocusConfig.DialIn.INVITATION).build();
    assertThat(invitation.dialIn()).isEqualTo(FocusConfig.DialIn.INVITATION);
    assertThat(invitation.guests()).isFalse();
    assertThat(FocusConfig.builder().dialIn(FocusConfig.DialIn.GUESTS).build().guests()).isTrue();
    assertThat(FocusConfig.builder().guests(false).dialIn(FocusConfig.DialIn.INVITATION).build()
        .dialIn()).isEqualTo(FocusConfig.DialIn.INVITATION);
    assertThat(FocusConfig.DialIn.parse(" Invitation ")).isEqualTo(FocusConfig.DialIn.INVITATION);
    assertThatThrownBy(() -> FocusConfig.DialIn.parse("friends"))
        .hasMessage("dialIn must be domain, invitation or guests: 'friends'");
    assertThatThrownBy(() -> FocusConfig.builder().guests(true)
        .dialIn(FocusConfig.DialIn.INVITATION).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("guests = true and dialIn = invitation disagree");
  }

  @Test
  void everySettingIsKept() {
    FocusConfig c = FocusConfig.builder().factoryUser("meet").maxConferences(1).maxConferencesPerUser(9)
        .maxParticipants(1_000_000).guests(true).idleTimeout(Duration.ofDays(1))
        .maxSubscriptions(2).maxDialOuts(3).dialOutExternal(true)
        .relayTimeout(Duration.ofMinutes(5)).audio(false).rtpPorts(1024, 1025).mixThreads(64)
        .build();
    assertThat(c.factoryUser()).isEqualTo("meet");
    assertThat(c.maxConferences()).isEqualTo(1);
    assertThat(c.maxConferencesPerUser()).isEqualTo(9);
    assertThat(c.maxParticipants()).isEqualTo(1_000_000);
    assertThat(c.guests()).isTrue();
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofDays(1));
    assertThat(c.maxSubscriptions()).isEqualTo(2);
    assertThat(c.maxDialOuts()).isEqualTo(3);
    assertThat(c.dialOutExternal()).isTrue();
    assertThat(c.relayTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.audio()).isFalse();
    assertThat(c.rtpMinPort()).isEqualTo(1024);
    assertThat(c.rtpMaxPort()).isEqualTo(1025);
    assertThat(c.mixThreads()).isEqualTo(64);
  }

  @Test
  void rtpPortsOutsideTheRangeOrNotARangeAreRefused() {
    assertThatThrownBy(() -> FocusConfig.builder().rtpPorts(1023, 2000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rtpPorts must be MIN-MAX within 1024-65535 with at least two ports:"
            + " 1023-2000");
    assertThatThrownBy(() -> FocusConfig.builder().rtpPorts(60000, 65536))
        .hasMessageEndingWith(": 60000-65536");
    assertThatThrownBy(() -> FocusConfig.builder().rtpPorts(20000, 20000))
        .hasMessageEndingWith(": 20000-20000");
    for (String bad : new String[] {"20000", "-5", "a-b", "20000-", ""}) {
      assertThatThrownBy(() -> FocusConfig.builder().rtpPorts(bad)).as("'%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("rtpPorts is not MIN-MAX (e.g. 20000-29999): '" + bad + "'");
    }
    assertThatThrownBy(() -> FocusConfig.builder().rtpPorts(null))
        .isInstanceOf(NullPointerException.class).hasMessage("rtpPorts");
    FocusConfig c = FocusConfig.builder().rtpPorts(" 30000 - 30001 ").build();
    assertThat(c.rtpMinPort()).isEqualTo(30000);
    assertThat(c.rtpMaxPort()).isEqualTo(30001);
  }

  @Test
  void mixThreadsOutside1To64AreRefused() {
    assertThatThrownBy(() -> FocusConfig.builder().mixThreads(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("mixThreads must be 1..64: 0");
    assertThatThrownBy(() -> FocusConfig.builder().mixThreads(65))
        .hasMessage("mixThreads must be 1..64: 65");
  }

  @Test
  void aFactoryUserThatIsEmptyAConferenceNameOrNotAUserPartIsRefused() {
    for (String bad : new String[] {"", "conf-x", "conf-", "a b", "a@b", "a:b", "a;b", "a?b",
        "<a>", "\"a\"", "a\tb"}) {
      assertThatThrownBy(() -> FocusConfig.builder().factoryUser(bad))
          .as("'%s'", bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("factoryUser is not a user name for the factory URI (not empty, not"
              + " starting with 'conf-'): '" + bad + "'");
    }
    assertThatThrownBy(() -> FocusConfig.builder().factoryUser(null))
        .isInstanceOf(NullPointerException.class).hasMessage("factoryUser");
    assertThat(FocusConfig.builder().factoryUser("conference-room").build().factoryUser())
        .isEqualTo("conference-room");
  }

  @Test
  void countsOutside1To1000000AreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> FocusConfig.builder().maxConferences(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConferences must be 1..1000000: 0");
    assertThatThrownBy(() -> FocusConfig.builder().maxParticipants(1_000_001))
        .hasMessage("maxParticipants must be 1..1000000: 1000001");
    assertThatThrownBy(() -> FocusConfig.builder().maxSubscriptions(-5))
        .hasMessage("maxSubscriptions must be 1..1000000: -5");
    assertThatThrownBy(() -> FocusConfig.builder().maxDialOuts(0))
        .hasMessage("maxDialOuts must be 1..1000000: 0");
    assertThatThrownBy(() -> FocusConfig.builder().maxConferencesPerUser(0))
        .hasMessage("maxConferencesPerUser must be 1..1000000: 0");
  }

  @Test
  void timeoutsOutOfRangeAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> FocusConfig.builder().idleTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idleTimeout must be 0..24h: PT-1S");
    assertThatThrownBy(() -> FocusConfig.builder().idleTimeout(Duration.ofHours(25)))
        .hasMessage("idleTimeout must be 0..24h: PT25H");
    assertThatThrownBy(() -> FocusConfig.builder().idleTimeout(null))
        .isInstanceOf(NullPointerException.class).hasMessage("idleTimeout");
    assertThatThrownBy(() -> FocusConfig.builder().relayTimeout(Duration.ofMillis(999)))
        .hasMessage("relayTimeout must be 1s..5min: PT0.999S");
    assertThatThrownBy(() -> FocusConfig.builder().relayTimeout(Duration.ofSeconds(301)))
        .hasMessage("relayTimeout must be 1s..5min: PT5M1S");
    assertThatThrownBy(() -> FocusConfig.builder().relayTimeout(null))
        .isInstanceOf(NullPointerException.class).hasMessage("relayTimeout");
  }

  @Test
  void aRefusedArgumentLeavesTheBuilderAsItWas() {
    FocusConfig.Builder b = FocusConfig.builder().maxConferences(5);
    assertThatThrownBy(() -> b.maxConferences(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(b.build().maxConferences()).isEqualTo(5);
  }
}
