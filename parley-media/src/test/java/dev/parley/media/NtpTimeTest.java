package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NtpTimeTest {

  @Test
  void theUnixEpochIsSeconds2208988800SinceNtpsEpoch() {
    assertThat(NtpTime.fromInstant(Instant.EPOCH)).isEqualTo(2_208_988_800L << 32);
    assertThat(NtpTime.fromInstant(Instant.ofEpochMilli(500)))
        .isEqualTo((2_208_988_800L << 32) | 0x8000_0000L);
  }

  @Test
  void instantsRoundTripToTheNanosecondWithinTheFractionsPrecision() {
    Instant t = Instant.parse("2026-12-06T01:45:30.123456789Z");
    Instant back = NtpTime.toInstant(NtpTime.fromInstant(t));
    assertThat(Duration.between(back, t).abs()).isLessThan(Duration.ofNanos(2));
  }

  @Test
  void timestampsWithTheTopBitClearAreAfter2036() {
    Instant t = Instant.parse("2040-01-01T00:00:00Z");
    long ntp = NtpTime.fromInstant(t);
    assertThat(ntp >>> 63).isZero();
    assertThat(NtpTime.toInstant(ntp)).isEqualTo(t);
  }

  @Test
  void compactFormIsTheMiddle32BitsIn65536thsOfASecond() {
    assertThat(NtpTime.compact(0xaaaabbbb_ccccddddL)).isEqualTo(0xbbbbccccL);
    assertThat(NtpTime.toCompactUnits(Duration.ofMillis(5250))).isEqualTo(0x00054000L);
    assertThat(NtpTime.fromCompactUnits(0x00062000L)).isEqualTo(Duration.ofMillis(6125));
    assertThat(NtpTime.toCompactUnits(Duration.ofMillis(-1))).isZero();
    assertThat(NtpTime.toCompactUnits(Duration.ofDays(2))).isEqualTo(0xffffffffL);
  }
}
