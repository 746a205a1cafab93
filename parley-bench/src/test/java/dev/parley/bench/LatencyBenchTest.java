package dev.parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyBenchTest {
  @Test
  void sippTimestampInTheDisplayNameGivesEpochMicroseconds() {
    assertThat(LatencyBench.sentMicros("2026-12-06\t11:50:07.188500\t1796557807.188500"))
        .isEqualTo(1_796_557_807_188_500L);
    assertThat(LatencyBench.sentMicros("1796557807.1885")).isEqualTo(1_796_557_807_188_500L);
    assertThat(LatencyBench.sentMicros("1796557807")).isEqualTo(1_796_557_807_000_000L);
    assertThat(LatencyBench.sentMicros(" 1796557807.1234567 ")).isEqualTo(1_796_557_807_123_456L);
  }

  @Test
  void aDisplayNameWithoutATimeIsUnreadable() {
    assertThat(LatencyBench.sentMicros(null)).isEqualTo(-1);
    assertThat(LatencyBench.sentMicros("Alice")).isEqualTo(-1);
    assertThat(LatencyBench.sentMicros(" ")).isEqualTo(-1);
    assertThat(LatencyBench.sentMicros("at 12:00")).isEqualTo(-1);
    assertThat(LatencyBench.sentMicros("1.2.3")).isEqualTo(-1);
    assertThat(LatencyBench.sentMicros(".5")).isEqualTo(-1);
  }

  @Test
  void anImTextGivesItsMessageNumberAndAnyOtherTextMinusOne() {
    assertThat(LatencyBench.messageNumber("m0")).isZero();
    assertThat(LatencyBench.messageNumber("m2999")).isEqualTo(2999);
    assertThat(LatencyBench.messageNumber("m")).isEqualTo(-1);
    assertThat(LatencyBench.messageNumber("hello")).isEqualTo(-1);
    assertThat(LatencyBench.messageNumber("m12x")).isEqualTo(-1);
    assertThat(LatencyBench.messageNumber(null)).isEqualTo(-1);
  }

  @Test
  void percentilesAreNearestRank() {
    long[] v = new long[1000];
    for (int i = 0; i < v.length; i++) {
      v[i] = i + 1;
    }
    assertThat(LatencyBench.pct(v, 50)).isEqualTo(500);
    assertThat(LatencyBench.pct(v, 99)).isEqualTo(990);
    assertThat(LatencyBench.pct(v, 99.9)).isEqualTo(999);
    assertThat(LatencyBench.summary("x", v, 1000.0)).startsWith("x count=1000 p50=0.500ms");
  }

  @Test
  void jvmCountersSayWhatWasAllocatedAndCollectedPerOperation() {
    JvmCounters start = new JvmCounters(1_000, 10, 50);
    JvmCounters end = new JvmCounters(1_000 + 2_500_000, 15, 70);
    assertThat(end.since(start, 1000))
        .isEqualTo(" allocated=2500B/op young-gcs=5 (5.00 per 1000 ops) young-gc-ms=20");
    assertThat(end.since(null, 1000)).isEmpty();
    assertThat(JvmCounters.isYoung("G1 Young Generation")).isTrue();
    assertThat(JvmCounters.isYoung("G1 Old Generation")).isFalse();
    assertThat(JvmCounters.now().allocatedBytes()).isPositive();
  }
}
