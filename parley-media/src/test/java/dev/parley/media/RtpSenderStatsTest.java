package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.media.RtcpPacket.SenderReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtpSenderStatsTest {
  // RFC 3550 6.4.1's example: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125 s),
  // DLSR = 0x0005:4000 (5.250 s), so the round trip is 0x0006:2000 (6.125 s).
  private static final long ARRIVAL_NTP = 0xe000b710_80000000L;
  private static final Instant ARRIVAL = NtpTime.toInstant(ARRIVAL_NTP);

  @Test
  void countsPacketsAndPayloadOctetsForTheSenderReport() {
    RtpSenderStats stats = new RtpSenderStats(7, Clock.fixed(ARRIVAL, ZoneOffset.UTC));
    for (int i = 0; i < 3; i++) {
      stats.onPacketSent(RtpPacket.builder().ssrc(7).payload(new byte[160]).paddingLength(4)
          .build());
    }

    SenderReport sr = stats.senderReport(4800, List.of());

    assertThat(stats.packetsSent()).isEqualTo(3);
    assertThat(stats.octetsSent()).isEqualTo(480);
    assertThat(sr.ssrc()).isEqualTo(7);
    assertThat(sr.packetCount()).isEqualTo(3);
    assertThat(sr.octetCount()).isEqualTo(480);
    assertThat(sr.rtpTimestamp()).isEqualTo(4800);
    assertThat(sr.ntpTimestamp()).isEqualTo(ARRIVAL_NTP);
  }

  @Test
  void roundTripTimeIsArrivalMinusLsrMinusDlsrAsInRfc3550Example() {
    RtpSenderStats stats = new RtpSenderStats(7, Clock.fixed(ARRIVAL, ZoneOffset.UTC));
    RtcpReportBlock block = new RtcpReportBlock(7, 0, 0, 0, 0, 0xb7052000L, 0x00054000L);

    assertThat(stats.onReportBlock(block)).contains(Duration.ofMillis(6125));
    assertThat(stats.roundTripTime()).contains(Duration.ofMillis(6125));
    assertThat(block.roundTripTime(ARRIVAL_NTP)).contains(Duration.ofMillis(6125));
  }

  @Test
  void noRoundTripTimeWithoutLsrOrWhenItWouldBeNegative() {
    RtpSenderStats stats = new RtpSenderStats(7, Clock.fixed(ARRIVAL, ZoneOffset.UTC));

    assertThat(stats.onReportBlock(new RtcpReportBlock(7, 0, 0, 0, 0, 0, 0))).isEmpty();
    assertThat(stats.onReportBlock(new RtcpReportBlock(7, 0, 0, 0, 0, 0xb7108000L, 0x10)))
        .isEmpty();
    assertThat(stats.roundTripTime()).isEmpty();
  }

  @Test
  void roundTripTimeSurvivesTheWrapOfTheCompactNtpTime() {
    long arrival = 0x00000002_00000000L; // compact 0x0002:0000, after the 32-bit wrap
    RtcpReportBlock block = new RtcpReportBlock(7, 0, 0, 0, 0, 0xffff8000L, 0x8000);
    // 2.0 - (65535.5 - 65536) - 0.5 = 2.0 s
    assertThat(block.roundTripTime(arrival)).contains(Duration.ofSeconds(2));
  }

  @Test
  void senderReportAndReceiverStatsTogetherGiveTheRoundTrip() {
    RtpReceiverStatsTest.StepClock remote =
        new RtpReceiverStatsTest.StepClock(Instant.parse("2026-03-01T12:00:00Z"));
    RtpReceiverStatsTest.StepClock local =
        new RtpReceiverStatsTest.StepClock(Instant.parse("2026-03-01T12:00:00Z"));
    RtpSenderStats sender = new RtpSenderStats(7, local);
    RtpReceiverStats receiver = new RtpReceiverStats(7, remote);

    SenderReport sr = sender.senderReport(0, List.of());
    local.advance(Duration.ofMillis(40));
    remote.advance(Duration.ofMillis(20)); // one way
    receiver.onSenderReport(sr);
    remote.advance(Duration.ofMillis(500)); // held before reporting
    local.advance(Duration.ofMillis(500));
    RtcpReportBlock block = receiver.reportBlock();
    local.advance(Duration.ofMillis(20)); // the way back

    Duration rtt = sender.onReportBlock(block).orElseThrow();

    assertThat(rtt).isBetween(Duration.ofMillis(59), Duration.ofMillis(61));
  }

  @Test
  void refusesBlocksAboutAnotherSource() {
    RtpSenderStats stats = new RtpSenderStats(7, Clock.systemUTC());
    assertThatThrownBy(() -> stats.onReportBlock(new RtcpReportBlock(8, 0, 0, 0, 0, 0, 0)))
        .hasMessageContaining("SSRC");
  }
}
