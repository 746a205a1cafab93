package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.parley.sdp.Rtpmap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CodecToneTest {
  /** One second of a tone through a codec and back. */
  private static List<AudioFrame> throughCodec(AudioCodec codec, double hz) {
    ToneSource tone = new ToneSource(hz, codec.format(), 0.5);
    List<AudioFrame> out = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      byte[] payload = codec.encode(tone.next());
      out.add(codec.decode(payload, 0, payload.length));
    }
    return out.subList(5, 50); // past the encoder's start-up
  }

  @ParameterizedTest(name = "{0} at {1} Hz")
  @CsvSource({"PCMU,8000,440", "PCMU,8000,1000", "PCMA,8000,440", "PCMA,8000,1000",
      "opus,48000,440", "opus,48000,1000"})
  void aToneKeepsItsFrequencyThroughTheCodec(String name, int clockRate, double hz) {
    AudioCodec codec = Codecs.find(name, clockRate).orElseThrow().newCodec();
    List<AudioFrame> decoded = throughCodec(codec, hz);
    assertThat(ToneDetector.dominantFrequency(decoded, 100, 3000)).isCloseTo(hz, within(3.0));
    double[] p = ToneDetector.power(decoded, hz, hz * 1.5);
    assertThat(p[0]).isGreaterThan(100 * p[1]);
  }

  @Test
  void opusEncodesTwentyMillisecondsIntoACompactPayload() {
    Opus opus = new Opus();
    byte[] payload = opus.encode(new ToneSource(440, AudioFormat.PCM_48000, 0.5).next());
    assertThat(payload.length).isBetween(1, 1275);
    assertThat(opus.decode(payload, 0, payload.length).length()).isEqualTo(960);
  }

  @Test
  void opusConcealsALostPacketWithItsOwnPlcCarryingTheTone() {
    Opus opus = new Opus();
    ToneSource tone = new ToneSource(440, AudioFormat.PCM_48000, 0.5);
    for (int i = 0; i < 25; i++) {
      byte[] p = opus.encode(tone.next());
      opus.decode(p, 0, p.length);
    }
    List<AudioFrame> concealed = List.of(opus.conceal(), opus.conceal());
    assertThat(concealed.get(0).isSilent()).isFalse();
    assertThat(ToneDetector.dominantFrequency(concealed, 100, 3000)).isCloseTo(440, within(25.0));
  }

  @Test
  void aMalformedOpusPayloadIsRefusedNotCrashing() {
    Opus opus = new Opus();
    assertThatThrownBy(() -> opus.decode(new byte[0], 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    // TOC byte of a 60 ms SILK frame (config 3): decodes to 2880 samples, not 960
    byte[] sixty = {(byte) (3 << 3), 0, 0};
    assertThatThrownBy(() -> opus.decode(sixty, 0, sixty.length))
        .isInstanceOf(IllegalArgumentException.class);
    // code 3 packets with a frame count of 0 are invalid (RFC 6716 §3.2.5)
    byte[] bad = {(byte) 0x03, 0};
    assertThatThrownBy(() -> opus.decode(bad, 0, bad.length))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("opus");
  }

  @Test
  void codecsAreFoundByRtpmapNameCaseInsensitivelyAndClockRate() {
    assertThat(Codecs.find("pcmu", 8000)).contains(Codecs.PCMU);
    assertThat(Codecs.find("OPUS", 48000)).contains(Codecs.OPUS);
    assertThat(Codecs.find("Telephone-Event", 48000)).contains(Codecs.TELEPHONE_EVENT_48000);
    assertThat(Codecs.find("PCMU", 16000)).isEmpty();
    assertThat(Codecs.find("G729", 8000)).isEmpty();
    assertThat(Codecs.find(Rtpmap.parse("111 opus/48000/2"))).contains(Codecs.OPUS);
    assertThat(Codecs.PCMA.toRtpmap(8)).isEqualTo(Rtpmap.of(8, "PCMA", 8000));
    assertThat(Codecs.OPUS.toRtpmap(111).toString()).contains("opus/48000/2");
  }

  @Test
  void parleyOffersOpusThenG711ThenTelephoneEvent() {
    assertThat(Codecs.offered()).extracting(Codecs.Entry::toString)
        .containsExactly("opus/48000/2", "PCMU/8000", "PCMA/8000", "telephone-event/8000");
    assertThat(Codecs.offered()).extracting(Codecs.Entry::staticPayloadType)
        .containsExactly(-1, 0, 8, -1);
    assertThat(Codecs.offered().get(3).isTelephoneEvent()).isTrue();
    assertThatThrownBy(() -> Codecs.TELEPHONE_EVENT_8000.newCodec())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("DtmfSender");
    AudioCodec a = Codecs.PCMU.newCodec();
    assertThat(a).isNotSameAs(Codecs.PCMU.newCodec());
    assertThat(a.name()).isEqualTo("PCMU");
    assertThat(Codecs.OPUS.newCodec().channels()).isEqualTo(2);
  }
}
