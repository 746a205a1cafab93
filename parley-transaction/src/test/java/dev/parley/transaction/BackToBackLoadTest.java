package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipMethod;
import org.junit.jupiter.api.Test;

/** Thousands of short transactions through two layers back to back: the tables return to empty. */
class BackToBackLoadTest {
  @Test
  void thousandsOfTransactionsLeaveTheTablesEmpty() {
    BackToBack net = new BackToBack().answering(200, true);
    for (int i = 0; i < 5_000; i++) {
      net.send(SipMethod.OPTIONS, i % 2 == 0 ? net.udp : net.tcp);
      if (i % 100 == 0) {
        net.clock.advanceMillis(10);
      }
    }
    for (int i = 0; i < 2_000; i++) {
      net.send(SipMethod.INVITE, i % 2 == 0 ? net.udp : net.tcp);
      if (i % 100 == 0) {
        net.clock.advanceMillis(10);
      }
    }
    assertThat(net.finals).hasValue(7_000);
    assertThat(net.acksSent).hasValue(2_000);
    assertThat(net.uas.user.acks).hasSize(2_000);
    assertThat(net.uas.user.requests).hasSize(7_000);
    assertThat(net.uac.layer.clientCount()).as("UDP Completed/Accepted linger").isPositive();
    net.assertDrainsToIdle();
    assertThat(net.timeouts).hasValue(0);
    assertThat(net.uac.user.terminated).hasSize(7_000);
    assertThat(net.uas.user.terminated).hasSize(7_000);
  }
}
