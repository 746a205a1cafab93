package dev.parley.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.focus.FocusConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The focus.* keys of the config file: the FocusConfig they build, and bad entries named. */
class FocusConfigFileTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    return Files.writeString(dir.resolve("parley.conf"), text);
  }

  @Test
  void withoutFocusKeysTheFocusRunsWithTheDefaults() {
    ServerConfig c = ServerConfig.builder().domain("example.com").build();
    assertThat(c.focusEnabled()).isTrue();
    FocusConfig f = c.focus();
    assertThat(f.factoryUser()).isEqualTo("conference");
    assertThat(f.maxConferences()).isEqualTo(100);
    assertThat(f.maxConferencesPerUser()).isEqualTo(5);
    assertThat(f.maxParticipants()).isEqualTo(20);
    assertThat(f.guests()).isFalse();
    assertThat(f.dialIn()).isEqualTo(FocusConfig.DialIn.DOMAIN);
    assertThat(f.idleTimeout()).isEqualTo(Duration.ZERO);
    assertThat(f.maxSubscriptions()).isEqualTo(50);
    assertThat(f.maxDialOuts()).isEqualTo(10);
    assertThat(f.dialOutExternal()).isFalse();
    assertThat(f.relayTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(f.audio()).isTrue();
    assertThat(f.rtpMinPort()).isEqualTo(16384);
    assertThat(f.rtpMaxPort()).isEqualTo(32767);
    assertThat(f.mixThreads()).isEqualTo(2);
  }

  @Test
  void everyFocusKeyBuildsTheFocusConfig() throws Exception {
    Path f = file("""
        focus.enabled = true
        focus.factory = meet
        focus.max_conferences = 7
        focus.max_conferences_per_user = 2
        focus.max_participants = 5
        focus.guests = true
        focus.idle_timeout = 2m
        focus.max_subscriptions = 3
        focus.max_dial_outs = 2
        focus.dial_out_external = true
        focus.relay_timeout = 1500ms
        focus.audio = false
        focus.rtp_ports = 20000 - 20099
        focus.mix_threads = 4
        """);
    ServerConfig c = ServerConfig.builder().load(f).build();
    assertThat(c.focusEnabled()).isTrue();
    FocusConfig fc = c.focus();
    assertThat(fc.factoryUser()).isEqualTo("meet");
    assertThat(fc.maxConferences()).isEqualTo(7);
    assertThat(fc.maxConferencesPerUser()).isEqualTo(2);
    assertThat(fc.maxParticipants()).isEqualTo(5);
    assertThat(fc.guests()).isTrue();
    assertThat(fc.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(fc.maxSubscriptions()).isEqualTo(3);
    assertThat(fc.maxDialOuts()).isEqualTo(2);
    assertThat(fc.dialOutExternal()).isTrue();
    assertThat(fc.relayTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(fc.audio()).isFalse();
    assertThat(fc.rtpMinPort()).isEqualTo(20000);
    assertThat(fc.rtpMaxPort()).isEqualTo(20099);
    assertThat(fc.mixThreads()).isEqualTo(4);
  }

  @Test
  void focusDialInIsInvitationOrGuestsAndAgreesWithFocusGuests() throws Exception {
    Path f = file("focus.dial_in = invitation\n");
    assertThat(ServerConfig.builder().load(f).build().focus().dialIn())
        .isEqualTo(FocusConfig.DialIn.INVITATION);
    file("focus.dial_in = guests\nfocus.guests = true\n");
    assertThat(ServerConfig.builder().load(f).build().focus().guests()).isTrue();
    file("focus.dial_in = everyone\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.dial_in': dialIn must be domain, invitation or guests:"
            + " 'everyone'");
    file("focus.guests = true\nfocus.dial_in = invitation\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ":2: key 'focus.dial_in': guests = true and dialIn ="
            + " invitation disagree");
  }

  @Test
  void focusEnabledFalseTurnsItOffAndKeepsTheFocusSettingsSetInCode() throws Exception {
    FocusConfig inCode = FocusConfig.builder().maxConferences(3).build();
    ServerConfig c = ServerConfig.builder().focus(inCode).load(file("focus.enabled = false\n"))
        .build();
    assertThat(c.focusEnabled()).isFalse();
    assertThat(c.focus().maxConferences()).isEqualTo(3);
  }

  @Test
  void aFocusKeyInTheFileGivesTheOtherFocusKeysTheirDefaults() throws Exception {
    FocusConfig inCode = FocusConfig.builder().maxConferences(3).guests(true).build();
    ServerConfig c = ServerConfig.builder().focus(inCode)
        .load(file("focus.max_participants = 4\n")).build();
    assertThat(c.focus().maxParticipants()).isEqualTo(4);
    assertThat(c.focus().maxConferences()).isEqualTo(100);
    assertThat(c.focus().guests()).isFalse();
  }

  @Test
  void badFocusEntriesNameTheirFileLineAndKey() throws Exception {
    Path f = file("domain = example.com\nfocus.factory = conf-x\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f)).isInstanceOf(ConfigException.class)
        .hasMessage(f + ":2: key 'focus.factory': factoryUser is not a user name for the factory"
            + " URI (not empty, not starting with 'conf-'): 'conf-x'");
    file("focus.factory = a@b\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":1: key 'focus.factory': ").hasMessageEndingWith("'a@b'");
    file("focus.enabled = on\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.enabled': not true or false: 'on'");
    file("# limits\nfocus.max_conferences = 0\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":2: key 'focus.max_conferences': maxConferences must be 1..1000000: 0");
    file("focus.max_conferences_per_user = 0\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.max_conferences_per_user': maxConferencesPerUser must be"
            + " 1..1000000: 0");
    file("focus.max_participants = many\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":1: key 'focus.max_participants': ")
        .hasMessageContaining("'many'");
    file("focus.guests = yes\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.guests': not true or false: 'yes'");
    file("focus.idle_timeout = 2d\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":1: key 'focus.idle_timeout': ");
    file("focus.idle_timeout = 25h\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.idle_timeout': idleTimeout must be 0..24h: PT25H");
    file("focus.max_subscriptions = -1\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.max_subscriptions': maxSubscriptions must be 1..1000000:"
            + " -1");
    file("focus.max_dial_outs = 0\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.max_dial_outs': maxDialOuts must be 1..1000000: 0");
    file("focus.dial_out_external = 1\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.dial_out_external': not true or false: '1'");
    file("focus.relay_timeout = 500ms\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.relay_timeout': relayTimeout must be 1s..5min: PT0.5S");
    file("focus.relay_timeout = 10s\nfocus.relay_timeout = 20s\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":2: key 'focus.relay_timeout' given twice");
    file("focus.audio = maybe\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.audio': not true or false: 'maybe'");
    file("focus.rtp_ports = 20000\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.rtp_ports': rtpPorts is not MIN-MAX (e.g. 20000-29999):"
            + " '20000'");
    file("focus.rtp_ports = 80-90\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.rtp_ports': rtpPorts must be MIN-MAX within 1024-65535"
            + " with at least two ports: 80-90");
    file("focus.mix_threads = 65\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'focus.mix_threads': mixThreads must be 1..64: 65");
    file("focus.rooms = 3\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: unknown key 'focus.rooms'");
  }
}
