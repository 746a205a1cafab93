package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;

/** One transaction layer over a fake transport on virtual time, with a recording user. */
final class Stack {
  static final Hop UDP_PEER = new Hop(Transport.UDP, new InetSocketAddress("192.0.2.20", 5060));
  static final Hop TCP_PEER = new Hop(Transport.TCP, new InetSocketAddress("192.0.2.20", 5060));

  final FakeScheduler clock;
  final FakeTransportLayer transport;
  final Recorders.User user = new Recorders.User();
  final TransactionLayer layer;

  Stack() {
    this(new FakeScheduler(), TransactionConfig.defaults());
  }

  Stack(TransactionConfig config) {
    this(new FakeScheduler(), config);
  }

  Stack(FakeScheduler clock, TransactionConfig config, ListenPoint... listenPoints) {
    this.clock = clock;
    this.transport = listenPoints.length == 0
        ? new FakeTransportLayer(clock) : new FakeTransportLayer(clock, listenPoints);
    this.layer = TransactionLayer.builder(transport, user).config(config).build();
    transport.setListener(layer);
  }

  Flow udpFlow() {
    return transport.flow(Transport.UDP, "192.0.2.10", 5060);
  }

  Flow tcpFlow() {
    return transport.flow(Transport.TCP, "192.0.2.10", 40123);
  }

  void advance(long millis) {
    clock.advanceMillis(millis);
  }

  /** Lets every timer run out, then checks nothing is left behind. */
  void assertDrainsToIdle() {
    clock.advanceMillis(120_000);
    assertIdle();
  }

  void assertIdle() {
    assertThat(layer.clientCount()).as("live client transactions").isZero();
    assertThat(layer.serverCount()).as("live server transactions").isZero();
    assertThat(clock.pendingTimers()).as("pending timers").isZero();
  }
}
