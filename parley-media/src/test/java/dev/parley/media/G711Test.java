package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class G711Test {
  private static short[] ramp() {
    short[] s = new short[160];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) (i * 400 - 32000);
    }
    return s;
  }

  private static byte code(AudioCodec codec, int sample) {
    short[] s = new short[160];
    s[0] = (short) sample;
    return codec.encode(AudioFrame.of(AudioFormat.PCM_8000, s))[0];
  }

  private static short linear(AudioCodec codec, int code) {
    byte[] p = new byte[160];
    p[0] = (byte) code;
    return codec.decode(p, 0, 160).sample(0);
  }

  @Test
  void muLawMatchesStandardCodePoints() {
    Pcmu u = new Pcmu();
    assertThat(code(u, 0)).isEqualTo((byte) 0xff);
    assertThat(code(u, 32767)).isEqualTo((byte) 0x80);
    assertThat(code(u, -32768)).isEqualTo((byte) 0x00);
    assertThat(code(u, -1)).as("G.191 maps -1 to -8, not to negative zero").isEqualTo((byte) 0x7e);
    assertThat(linear(u, 0xff)).isEqualTo((short) 0);
    assertThat(linear(u, 0x7f)).isEqualTo((short) 0);
    assertThat(linear(u, 0x80)).isEqualTo((short) 32124);
    assertThat(linear(u, 0x00)).isEqualTo((short) -32124);
    assertThat(linear(u, 0xfe)).isEqualTo((short) 8);
    assertThat(linear(u, 0xf0)).isEqualTo((short) 120);
    assertThat(linear(u, 0x70)).isEqualTo((short) -120);
  }

  @Test
  void aLawMatchesStandardCodePoints() {
    Pcma a = new Pcma();
    assertThat(code(a, 0)).isEqualTo((byte) 0xd5);
    assertThat(code(a, -1)).isEqualTo((byte) 0x55);
    assertThat(code(a, 32767)).isEqualTo((byte) 0xaa);
    assertThat(code(a, -32768)).isEqualTo((byte) 0x2a);
    assertThat(linear(a, 0xd5)).isEqualTo((short) 8);
    assertThat(linear(a, 0x55)).isEqualTo((short) -8);
    assertThat(linear(a, 0xaa)).isEqualTo((short) 32256);
    assertThat(linear(a, 0x2a)).isEqualTo((short) -32256);
  }

  @Test
  void everyCodeSurvivesDecodeThenEncode() {
    for (AudioCodec codec : new AudioCodec[] {new Pcmu(), new Pcma()}) {
      for (int c = 0; c < 256; c++) {
        if (codec instanceof Pcmu && c == 0x7f) {
          continue; // mu-law's negative zero decodes to 0, which encodes as 0xff
        }
        assertThat(code(codec, linear(codec, c))).as("%s code %02x", codec, c)
            .isEqualTo((byte) c);
      }
    }
  }

  @Test
  void everySixteenBitValueDecodesBackMonotonicallyWithinTheQuantisationStep() {
    for (AudioCodec codec : new AudioCodec[] {new Pcmu(), new Pcma()}) {
      int previous = Integer.MIN_VALUE;
      for (int x = -32768; x <= 32767; x++) {
        int y = linear(codec, code(codec, x) & 0xff);
        assertThat(y).as("%s %d", codec, x).isGreaterThanOrEqualTo(previous);
        previous = y;
        // the step of the segment is at most 1/16 of the magnitude (+ the bottom step), and the
        // top segments clip at +-32124 (mu) / +-32256 (A)
        int err = Math.abs(y - x);
        assertThat(err).as("%s %d -> %d", codec, x, y)
            .isLessThanOrEqualTo(Math.max(Math.abs(x) / 16 + 16, Math.abs(x) - 32124 + 1100));
      }
    }
  }

  @Test
  void concealmentRepeatsTheLastFrameAndFadesToSilence() {
    Pcmu u = new Pcmu();
    assertThat(u.conceal().isSilent()).as("nothing decoded yet").isTrue();
    short[] s = new short[160];
    java.util.Arrays.fill(s, (short) 10000);
    byte[] payload = u.encode(AudioFrame.of(AudioFormat.PCM_8000, s));
    AudioFrame good = u.decode(payload, 0, payload.length);
    AudioFrame first = u.conceal();
    assertThat(first.sample(0)).isEqualTo(good.sample(0));
    int lastPeak = Integer.MAX_VALUE;
    for (int i = 1; i < 5; i++) {
      AudioFrame f = u.conceal();
      assertThat((int) f.sample(0)).isLessThan(lastPeak);
      lastPeak = f.sample(0);
    }
    assertThat(u.conceal().isSilent()).isTrue();
    u.decode(payload, 0, payload.length);
    assertThat(u.conceal().sample(0)).as("a good frame ends the run of losses")
        .isEqualTo(good.sample(0));
  }

  @Test
  void aPayloadThatIsNotTwentyMillisecondsIsRefusedWithItsLength() {
    assertThatThrownBy(() -> new Pcma().decode(new byte[80], 0, 80))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("80 bytes");
    assertThatThrownBy(() -> new Pcmu().decode(new byte[160], 10, 160))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
  }

  @Test
  void aFrameOfAnotherRateIsRefused() {
    assertThatThrownBy(() -> new Pcmu().encode(AudioFrame.silence(AudioFormat.PCM_48000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("48000");
  }

  @Test
  void aRampRoundTripsCloselyThroughBothLaws() {
    AudioFrame frame = AudioFrame.of(AudioFormat.PCM_8000, ramp());
    for (AudioCodec codec : new AudioCodec[] {new Pcmu(), new Pcma()}) {
      byte[] p = codec.encode(frame);
      assertThat(p).hasSize(160);
      AudioFrame back = codec.decode(p, 0, p.length);
      for (int i = 0; i < 160; i++) {
        assertThat(Math.abs(back.sample(i) - frame.sample(i)))
            .isLessThanOrEqualTo(Math.abs(frame.sample(i)) / 16 + 16);
      }
    }
  }
}
