package dev.parley.media.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PortRangeTest {

  @Test
  void reservesEvenPortsWhoseRtcpPortIsInTheRange() {
    PortRange range = new PortRange(20001, 20006);

    assertThat(range.size()).isEqualTo(2);
    assertThat(range.reserve()).isEqualTo(20002);
    assertThat(range.reserve()).isEqualTo(20004);
    assertThat(range.reserve()).isEqualTo(-1);
    assertThat(range.inUse()).isEqualTo(2);
  }

  @Test
  void aReleasedPortIsTakenAgainOnlyAfterTheOthers() {
    PortRange range = new PortRange(20000, 20005);
    int a = range.reserve();
    range.release(a);

    assertThat(range.reserve()).isEqualTo(20002);
    assertThat(range.reserve()).isEqualTo(20004);
    assertThat(range.reserve()).isEqualTo(a);
  }

  @Test
  void releasingAPortNotReservedIsRefusedWithItsNumber() {
    PortRange range = new PortRange(20000, 20005);

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
