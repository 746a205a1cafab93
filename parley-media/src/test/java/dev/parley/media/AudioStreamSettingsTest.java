package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sdp.Direction;
import dev.parley.sdp.SessionDescription;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AudioStreamSettingsTest {
  private static final String US = "192.0.2.10";
  private final AudioOffers offers = AudioOffers.defaults();

  private StreamParameters answering(String offerText, Direction ours) {
    SessionDescription offer = SessionDescription.parse(offerText);
    SessionDescription answer = offers.answer(offer, null, US, 40000, 40001, ours);
    return StreamParameters.of(answer, offer, false, 0);
  }

  @Test
  void theExchangesCodecsEventsDirectionAndAddressesBecomeTheSettings() {
    StreamParameters p = answering(PeerOffers.SIPP_UAC_PCAP, Direction.SENDONLY);
    AudioStreamSettings s = AudioStreamSettings.builder(p, false, a -> null).build();

    assertThat(s.sendCodec()).isSameAs(Codecs.PCMA);
    assertThat(s.sendPayloadType()).isEqualTo(8);
    assertThat(s.receiveCodecs()).isEqualTo(Map.of(8, Codecs.PCMA));
    assertThat(s.telephoneEventPayloadType()).isEqualTo(101);
    assertThat(s.direction()).isEqualTo(StreamDirection.SENDONLY);
    assertThat(s.remoteRtp()).isEqualTo(new InetSocketAddress("203.0.113.5", 6000));
    assertThat(s.remoteRtcp()).isEqualTo(new InetSocketAddress("203.0.113.5", 6001));
    assertThat(s.muted()).isFalse();
  }

  @Test
  void withRtcpMuxNoRtcpAddressIsSetAndTheCallerAddsMute() {
    StreamParameters p = answering(PeerOffers.BARESIP, Direction.SENDRECV);
    AudioStreamSettings s = AudioStreamSettings.builder(p, false, a -> null).muted(true).build();

    assertThat(p.rtcpMux()).isTrue();
    assertThat(s.remoteRtp()).isEqualTo(new InetSocketAddress("192.0.2.7", 10054));
    assertThat(s.remoteRtcp()).isNull();
    assertThat(s.muted()).isTrue();
  }

  @Test
  void baresipsTelephoneEvent8000ServesAnOpusStreamAtItsOwnClockRate() {
    // baresip offers telephone-event/8000 only: none at Opus's 48 kHz; its own serves, at 8 kHz
    StreamParameters p = answering(PeerOffers.BARESIP, Direction.SENDRECV);
    assertThat(p.sendTelephoneEventPayloadType()).isEqualTo(101);
    assertThat(p.sendTelephoneEventClockRate()).isEqualTo(8000);

    for (boolean serve : new boolean[] {true, false}) {
      AudioStreamSettings s = AudioStreamSettings.builder(p, serve, a -> null).build();
      assertThat(s.telephoneEventPayloadType()).isEqualTo(101);
      assertThat(s.telephoneEventClockRate()).isEqualTo(8000);
      assertThat(s.sendCodec().clockRate()).isEqualTo(48000);
    }
  }

  @Test
  void withoutATelephoneEventRateTheEventsRunAtTheSendCodecsAndABadRateIsRefused() {
    AudioStreamSettings opus = AudioStreamSettings.builder().send(111, Codecs.OPUS)
        .telephoneEvent(110).build();
    assertThat(opus.telephoneEventClockRate()).isEqualTo(48000);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AudioStreamSettings.builder()
            .telephoneEvent(101, 44100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clockRate");
  }

  @Test
  void aHostNameGoesThroughTheResolverAndNullSendsNowhere() {
    StreamParameters p = answering(PeerOffers.SIPP_UAC_PCAP.replace("c=IN IP4 203.0.113.5",
        "c=IN IP4 media.example.invalid"), Direction.SENDRECV);
    InetSocketAddress resolved = new InetSocketAddress("198.51.100.9", 6000);

    AudioStreamSettings viaResolver = AudioStreamSettings.builder(p, false,
        a -> new InetSocketAddress("198.51.100.9", a.getPort())).build();
    assertThat(viaResolver.remoteRtp()).isEqualTo(resolved);
    assertThat(viaResolver.remoteRtcp()).isEqualTo(new InetSocketAddress("198.51.100.9", 6001));

    AudioStreamSettings unresolved = AudioStreamSettings.builder(p, false, a -> null).build();
    assertThat(unresolved.remoteRtp()).isNull();
    assertThat(unresolved.remoteRtcp()).isNull();
  }

  @Test
  void anAddressGivenAsAnIpIsNeverHandedToTheResolver() {
    StreamParameters p = answering(PeerOffers.SIPP_UAC_PCAP, Direction.SENDRECV);
    AudioStreamSettings s = AudioStreamSettings.builder(p, false, a -> {
      throw new AssertionError("resolver called for " + a);
    }).build();
    assertThat(s.remoteRtp()).isEqualTo(new InetSocketAddress("203.0.113.5", 6000));
  }

  @Test
  void aRejectedLineIsRefusedNamingIt() {
    StreamParameters p = answering(PeerOffers.SIPP_UAC_PCAP.replace("RTP/AVP 8 101", "RTP/AVP 18")
        .replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:18 G729/8000"), Direction.SENDRECV);
    assertThatThrownBy(() -> AudioStreamSettings.builder(p, false, a -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 0 runs no stream: rejected");
  }
}
