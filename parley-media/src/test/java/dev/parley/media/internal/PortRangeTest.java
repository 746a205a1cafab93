package dev.parley.media.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PortRangeTest {

  @Test
  void reservesEvenPortsWhoseRtcpPortIsInTheRange() {
    PortRange range = new PortRange(20001, 20006, 0);

    assertThat(range.size()).isEqualTo(2);
    assertThat(range.reserve()).isEqualTo(20002);
    assertThat(range.reserve()).isEqualTo(20004);
    assertThat(range.reserve()).isEqualTo(-1);
    assertThat(range.inUse()).isEqualTo(2);
  }

  @Test
  void aReleasedPortIsTakenAgainOnlyAfterTheOthers() {
    PortRange range = new PortRange(20000, 20005, 0);
    int a = range.reserve();
    range.release(a);

    assertThat(range.reserve()).isEqualTo(20002);
    assertThat(range.reserve()).isEqualTo(20004);
    assertThat(range.reserve()).isEqualTo(a);
  }

  @Test
  void reservationStartsAtTheGivenPairAndGoesRound() {
    PortRange range = new PortRange(20000, 20005, 2);

    assertThat(range.reserve()).isEqualTo(20004);
    assertThat(range.reserve()).isEqualTo(20000);
    assertThat(range.reserve()).isEqualTo(20002);
    assertThat(range.reserve()).isEqualTo(-1);
  }

  @Test
  void withoutAStartEveryPortOfTheRangeIsStillReservedOnce() {
    PortRange range = new PortRange(20000, 20099);
    java.util.Set<Integer> ports = new java.util.HashSet<>();
    for (int i = 0; i < range.size(); i++) {
      ports.add(range.reserve());
    }

    assertThat(ports).hasSize(50).allMatch(p -> p >= 20000 && p <= 20098 && p % 2 == 0);
    assertThat(range.reserve()).isEqualTo(-1);
  }

  @Test
  void releasingAPortNotReservedIsRefusedWithItsNumber() {
    PortRange range = new PortRange(20000, 20005, 0);

    assertThatThrownBy(() -> range.release(20002)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("20002");
    assertThatThrownBy(() -> range.release(20001)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("20001");
  }

  @Test
  void aRangeWithoutAnEvenPortAndItsSuccessorIsRefused() {
    assertThatThrownBy(() -> new PortRange(20001, 20002))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20001..20002");
  }
}
