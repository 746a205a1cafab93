package dev.parley.media.internal.jitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeldPacketsTest {
  private static List<Long> sequences(HeldPackets<String> held) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      out.add(held.sequence(i));
    }
    return out;
  }

  @Test
  void packetsAreKeptSortedBySequenceAcrossTheRingsEnd() {
    HeldPackets<String> held = new HeldPackets<>(4);
    held.insert(10, 1600, "a");
    held.insert(11, 1760, "b");
    held.removeFirst();
    held.removeFirst();
    held.insert(14, 2240, "e");
    held.insert(12, 1920, "c");
    held.insert(15, 2400, "f");
    held.insert(13, 2080, "d"); // wraps past the end of the arrays

    assertThat(sequences(held)).containsExactly(12L, 13L, 14L, 15L);
    assertThat(held.payload(1)).isEqualTo("d");
    assertThat(held.timestamp(3)).isEqualTo(2400);
    assertThat(held.isFull()).isTrue();
    assertThat(held.contains(13)).isTrue();
    assertThat(held.contains(11)).isFalse();
  }

  @Test
  void aFullRingAndAHeldSequenceAreRefused() {
    HeldPackets<String> held = new HeldPackets<>(2);
    held.insert(1, 0, "a");
    assertThatThrownBy(() -> held.insert(1, 0, "a")).hasMessageContaining("already held");
    held.insert(2, 0, "b");
    assertThatThrownBy(() -> held.insert(3, 0, "c")).hasMessageContaining("full");
    held.clear();
    assertThat(held.isEmpty()).isTrue();
  }

  @Test
  void theTransitWindowForgetsTheOldestSample() {
    TransitWindow window = new TransitWindow(3);
    assertThat(window.spread()).isZero();
    window.add(50);
    window.add(10);
    window.add(30);
    assertThat(window.min()).isEqualTo(10);
    assertThat(window.spread()).isEqualTo(40);
    window.add(20); // 50 is forgotten
    assertThat(window.spread()).isEqualTo(20);
    window.add(25);
    window.add(26); // 10 is forgotten
    assertThat(window.min()).isEqualTo(20);
    assertThat(window.size()).isEqualTo(3);
  }

  @Test
  void receivedNumbersExtendAcrossWraparoundAndFindDuplicates() {
    ReceivedNumbers numbers = new ReceivedNumbers();
    numbers.anchor(65_535, 0xFFFF_FF60L);
    assertThat(numbers.markReceived(65_535, 0xFFFF_FF60L)).isTrue();
    long seq = numbers.extendSequence(0);
    long ts = numbers.extendTimestamp(0);
    assertThat(seq).isEqualTo(65_536);
    assertThat(ts).isEqualTo(1L << 32);
    assertThat(numbers.markReceived(seq, ts)).isTrue();
    assertThat(numbers.extendSequence(65_534)).isEqualTo(65_534); // reordered, before the wrap
    assertThat(numbers.markReceived(65_535, 0xFFFF_FF60L)).isFalse(); // a duplicate
    assertThat(numbers.sequenceDistance(40_000)).isNegative(); // more than half the space away
    assertThat(ReceivedNumbers.timestampDistance(5, 0xFFFF_FFFBL)).isEqualTo(10);
  }
}
