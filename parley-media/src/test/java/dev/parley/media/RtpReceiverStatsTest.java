package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.media.RtcpPacket.SenderReport;
import dev.parley.media.RtpReceiverStats.Verdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtpReceiverStatsTest {
  private static final long SSRC = 0xcafe;
  private final StepClock clock = new StepClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final RtpReceiverStats stats = new RtpReceiverStats(SSRC, clock);

  private Verdict receive(int seq) {
    return receive(seq, 160L * seq, 160L * seq + 1000);
  }

  private Verdict receive(int seq, long timestamp, long arrival) {
    RtpPacket p = RtpPacket.builder().ssrc(SSRC).sequenceNumber(seq).timestamp(timestamp)
        .payload(new byte[160]).build();
    return stats.onPacket(p, arrival);
  }

  @Test
  void aNewSourceIsOnProbationUntilTwoPacketsArriveInSequence() {
    assertThat(receive(99)).isEqualTo(Verdict.PROBATION);
    assertThat(stats.isValid()).isFalse();
    assertThat(stats.received()).isZero();

    assertThat(receive(100)).isEqualTo(Verdict.IN_ORDER);

    assertThat(stats.isValid()).isTrue();
    assertThat(stats.received()).isEqualTo(1);
    assertThat(stats.expected()).isEqualTo(1);
    assertThat(stats.extendedHighestSequence()).isEqualTo(100);
  }

  @Test
  void probationStartsAgainWhenThePacketsAreNotInSequence() {
    receive(10);
    assertThat(receive(12)).isEqualTo(Verdict.PROBATION);
    assertThat(receive(13)).isEqualTo(Verdict.IN_ORDER);
    assertThat(stats.expected()).isEqualTo(1);
  }

  @Test
  void fractionLostIsPerReportIntervalAndCumulativeLossAddsUp() {
    receive(99);
    for (int seq = 100; seq <= 110; seq++) {
      if (seq != 103 && seq != 105) {
        receive(seq);
      }
    }
    RtcpReportBlock first = stats.reportBlock();
    // expected 11, received 9: lost 2, fraction 2*256/11 = 46
    assertThat(first.fractionLost()).isEqualTo(46);
    assertThat(first.cumulativeLost()).isEqualTo(2);
    assertThat(first.extendedHighestSequence()).isEqualTo(110);

    for (int seq = 111; seq <= 120; seq++) {
      receive(seq);
    }
    RtcpReportBlock second = stats.reportBlock();
    assertThat(second.fractionLost()).isZero();
    assertThat(second.cumulativeLost()).isEqualTo(2);

    receive(124);
    RtcpReportBlock third = stats.reportBlock();
    // expected 4 (121..124), received 1: 3*256/4 = 192
    assertThat(third.fractionLost()).isEqualTo(192);
    assertThat(third.cumulativeLost()).isEqualTo(5);

    RtcpReportBlock empty = stats.reportBlock();
    assertThat(empty.fractionLost()).isZero();
  }

  @Test
  void reorderedPacketsAreLateNotLostAndDuplicatesAreCountedApart() {
    receive(10);
    receive(11);
    receive(12);
    receive(14);
    assertThat(stats.cumulativeLost()).isEqualTo(1);

    assertThat(receive(13)).isEqualTo(Verdict.LATE);
    assertThat(stats.cumulativeLost()).isZero();
    assertThat(receive(15)).isEqualTo(Verdict.IN_ORDER);

    assertThat(receive(13)).isEqualTo(Verdict.DUPLICATE);
    assertThat(receive(15)).isEqualTo(Verdict.DUPLICATE);

    assertThat(stats.late()).isEqualTo(1);
    assertThat(stats.duplicates()).isEqualTo(2);
    assertThat(stats.expected()).isEqualTo(5);
    // A.3: duplicates count as received, so the loss goes negative
    assertThat(stats.received()).isEqualTo(7);
    assertThat(stats.cumulativeLost()).isEqualTo(-2);
    assertThat(stats.reportBlock().cumulativeLost()).isEqualTo(-2);
  }

  @Test
  void sequenceNumbersWrapAt65535IntoTheNextCycle() {
    receive(65532);
    receive(65533);
    receive(65534);
    receive(65535);
    receive(0);
    receive(2);
    assertThat(receive(1)).isEqualTo(Verdict.LATE);
    receive(4);

    assertThat(stats.extendedHighestSequence()).isEqualTo(65536 + 4);
    assertThat(stats.expected()).isEqualTo(65536 + 4 - 65533 + 1);
    assertThat(stats.cumulativeLost()).isEqualTo(1); // 3
    assertThat(stats.reportBlock().extendedHighestSequence()).isEqualTo(0x10004);
  }

  @Test
  void aLargeJumpConfirmedByTheNextPacketIsASourceRestart() {
    for (int seq = 1000; seq <= 1005; seq++) {
      receive(seq);
    }
    assertThat(receive(30000)).isEqualTo(Verdict.DISCARDED);
    assertThat(stats.extendedHighestSequence()).isEqualTo(1005);

    assertThat(receive(30001)).isEqualTo(Verdict.RESTARTED);
    assertThat(receive(30002)).isEqualTo(Verdict.IN_ORDER);

    assertThat(stats.restarts()).isEqualTo(1);
    assertThat(stats.discarded()).isEqualTo(1);
    assertThat(stats.extendedHighestSequence()).isEqualTo(30002);
    assertThat(stats.expected()).isEqualTo(2);
    assertThat(stats.cumulativeLost()).isZero();
  }

  @Test
  void aStrayJumpIsDiscardedAndTheStreamGoesOn() {
    receive(1000);
    receive(1001);
    assertThat(receive(40000)).isEqualTo(Verdict.DISCARDED);
    assertThat(receive(1002)).isEqualTo(Verdict.IN_ORDER);
    assertThat(receive(1003)).isEqualTo(Verdict.IN_ORDER);
    assertThat(stats.restarts()).isZero();
    assertThat(stats.cumulativeLost()).isZero();
  }

  @Test
  void aGapBelowMaxDropoutIsLoss() {
    receive(1);
    receive(2);
    assertThat(receive(2 + 2999)).isEqualTo(Verdict.IN_ORDER);
    assertThat(stats.cumulativeLost()).isEqualTo(2998);
  }

  @Test
  void packetsMoreThanMaxMisorderBehindAreDiscarded() {
    receive(500);
    receive(501);
    receive(700);
    assertThat(receive(599)).isEqualTo(Verdict.DISCARDED); // 101 behind
    assertThat(receive(601)).isEqualTo(Verdict.LATE); // 99 behind
    assertThat(stats.late()).isEqualTo(1);
  }

  @Test
  void jitterFollowsAppendixA8OnAKnownArrivalPattern() {
    // transit = arrival - timestamp: 1000, 1080, 1000, 1000 -> |D| = 80, 80, 0
    receive(0, 0, 1000); // probation, not counted
    receive(1, 160, 1160);
    assertThat(stats.jitter()).isZero();
    receive(2, 320, 1400);
    assertThat(stats.jitter()).isEqualTo(5); // 80/16
    receive(3, 480, 1480);
    assertThat(stats.jitter()).isEqualTo(9); // 5 + (80 - 5)/16 = 9.69, integer form 155/16
    receive(4, 640, 1640);
    assertThat(stats.jitter()).isEqualTo(9); // 9.69 - 9.69/16 = 9.08, integer form 145/16
    assertThat(stats.reportBlock().jitter()).isEqualTo(9);
  }

  @Test
  void jitterIsZeroWhenPacketsArriveAtTheirOwnPace() {
    for (int seq = 0; seq < 50; seq++) {
      receive(seq, (160L * seq + 0xffffff00L) & 0xffffffffL, 160L * seq + 7); // timestamps wrap past 2^32
    }
    assertThat(stats.jitter()).isZero();
  }

  @Test
  void untimedPacketsSuchAsTelephoneEventsAreCountedButLeaveTheJitterAlone() {
    for (int seq = 0; seq < 10; seq++) {
      receive(seq, 160L * seq, 160L * seq + 7);
    }
    // a digit: ten packets 20 ms apart that all carry the event's start timestamp
    for (int seq = 10; seq < 20; seq++) {
      RtpPacket event = RtpPacket.builder().ssrc(SSRC).sequenceNumber(seq).timestamp(1600)
          .payload(new byte[4]).build();
      assertThat(stats.onPacket(event, 160L * seq + 7, false)).isEqualTo(Verdict.IN_ORDER);
    }
    receive(20, 3200, 3207);
    assertThat(stats.jitter()).isZero();
    assertThat(stats.received()).isEqualTo(20); // the first one was probation
  }

  @Test
  void reportBlockCarriesLsrAndTheDelaySinceTheLastSenderReport() {
    receive(1);
    receive(2);
    assertThat(stats.reportBlock().lastSenderReport()).isZero();

    stats.onSenderReport(new SenderReport(SSRC, 0xaaaabbbb_ccccddddL, 0, 0, 0, List.of()));
    clock.advance(Duration.ofMillis(1500));
    RtcpReportBlock block = stats.reportBlock();

    assertThat(block.lastSenderReport()).isEqualTo(0xbbbbccccL);
    assertThat(block.delaySinceLastSenderReport()).isEqualTo(98304); // 1.5 * 65536
  }

  @Test
  void refusesPacketsOfAnotherSource() {
    RtpPacket other = RtpPacket.builder().ssrc(1).build();
    assertThatThrownBy(() -> stats.onPacket(other, 0)).hasMessageContaining("SSRC");
  }

  static final class StepClock extends Clock {
    private Instant now;

    StepClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
