package dev.parley.media;

import java.time.Duration;
import java.time.Instant;

/**
 * Conversions between {@link Instant} and the 64-bit NTP timestamps of RTCP (RFC 3550 section 4):
 * seconds since 1900-01-01 in the high 32 bits, the fraction of a second in the low 32 bits.
 *
 * <p>Era handling follows RFC 4330 section 3: a timestamp whose most significant bit is clear is
 * read as after 2036-02-07 (era 1). Stateless and thread-safe.
 */
public final class NtpTime {
  /** Seconds from 1900-01-01 (NTP's epoch) to 1970-01-01 (the Unix epoch). */
  public static final long SECONDS_1900_TO_1970 = 2_208_988_800L;

  private NtpTime() {
  }

  /** The 64-bit NTP timestamp of {@code instant} (truncated to 2<sup>-32</sup> s). */
  public static long fromInstant(Instant instant) {
    if (instant == null) {
      throw new IllegalArgumentException("instant is null");
    }
    long seconds = (instant.getEpochSecond() + SECONDS_1900_TO_1970) & 0xffffffffL;
    long fraction = ((long) instant.getNano() << 32) / 1_000_000_000L;
    return (seconds << 32) | fraction;
  }

  /** The instant of a 64-bit NTP timestamp (era 0 when its top bit is set, else era 1). */
  public static Instant toInstant(long ntp) {
    long seconds = ntp >>> 32;
    long fraction = ntp & 0xffffffffL;
    long era = (seconds & 0x8000_0000L) != 0 ? 0 : 1L << 32;
    long nanos = (fraction * 1_000_000_000L) >>> 32;
    return Instant.ofEpochSecond(seconds + era - SECONDS_1900_TO_1970, nanos);
  }

  /**
   * The middle 32 bits of a 64-bit NTP timestamp, the compact form of LSR and of round-trip
   * arithmetic (RFC 3550 6.4.1): units of 1/65536 s.
   */
  public static long compact(long ntp) {
    return (ntp >>> 16) & 0xffffffffL;
  }

  /** A duration in units of 1/65536 s (DLSR, RFC 3550 6.4.1), truncated and clamped to 32 bits. */
  public static long toCompactUnits(Duration duration) {
    if (duration == null) {
      throw new IllegalArgumentException("duration is null");
    }
    if (duration.isNegative()) {
      return 0;
    }
    if (duration.getSeconds() >= 65536) {
      return 0xffffffffL;
    }
    return (duration.getSeconds() << 16) + ((long) duration.getNano() << 16) / 1_000_000_000L;
  }

  /** The duration of {@code units} of 1/65536 s. */
  public static Duration fromCompactUnits(long units) {
    return Duration.ofSeconds(units >>> 16, ((units & 0xffff) * 1_000_000_000L) >>> 16);
  }
}
