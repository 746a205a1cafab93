package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransactionConfigTest {
  @Test
  void defaultsAreTheRfcValues() {
    TransactionConfig c = TransactionConfig.defaults();
    assertThat(c.t1()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.t2()).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.t4()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.timerD()).isEqualTo(Duration.ofSeconds(32));
    assertThat(c.tryingDelay()).isEqualTo(Duration.ofMillis(200));
    assertThat(c.timeoutMillis()).isEqualTo(32_000);
    assertThat(c.rejectMergedRequests()).isTrue();
    assertThat(c.maxTransactions()).isEqualTo(TransactionConfig.DEFAULT_MAX_TRANSACTIONS);
  }

  @Test
  void buildRejectsValuesOutOfRange() {
    assertThatThrownBy(() -> TransactionConfig.builder().t1(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("t1 must be positive: 0 ms");
    assertThatThrownBy(() -> TransactionConfig.builder().t2(Duration.ofMillis(100)).build())
        .hasMessageContaining("t2 is shorter than t1");
    assertThatThrownBy(() -> TransactionConfig.builder().maxTransactions(0).build())
        .hasMessage("maxTransactions out of range: 0");
    assertThatThrownBy(() -> TransactionConfig.builder().tryingDelay(Duration.ofMillis(-1)).build())
        .hasMessageContaining("tryingDelay is negative");
  }

  @Test
  void shorterT1ShortensEveryDerivedTimer() {
    Stack stack = new Stack(TransactionConfig.builder().t1(Duration.ofMillis(100)).t2(Duration.ofMillis(400)).build());
    Recorders.Listener listener = new Recorders.Listener();
    stack.layer.sendRequest(Messages.request(dev.parley.sip.SipMethod.OPTIONS), Stack.UDP_PEER, listener);
    stack.advance(6_399);
    assertThat(listener.timeouts).isZero();
    stack.advance(1);
    assertThat(listener.timeouts).as("Timer F = 64 * 100 ms").isOne();
    assertThat(stack.transport.sentTimes(m -> true)).startsWith(0L, 100L, 300L, 700L, 1_100L);
  }

  @Test
  void toBuilderKeepsEveryValue() {
    TransactionConfig c = TransactionConfig.builder().t1(Duration.ofMillis(250)).maxTransactions(9)
        .rejectMergedRequests(false).build();
    assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
  }
}
