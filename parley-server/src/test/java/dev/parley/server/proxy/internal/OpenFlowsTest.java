package dev.parley.server.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.transport.Flow;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportListener;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenFlowsTest {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);

  private static Flow flow(Transport t, long id) {
    return new Flow(t, LOCAL, PEER, id);
  }

  @Test
  void aConnectionIsOpenFromItsFirstMessageUntilItCloses() {
    OpenFlows flows = new OpenFlows();
    List<Flow> closedDownstream = new ArrayList<>();
    TransportListener watch = flows.watch(new TransportListener() {
      @Override
      public void onMessage(dev.parley.transport.Inbound inbound) {}

      @Override
      public void onFlowClosed(Flow flow) {
        closedDownstream.add(flow);
      }
    });
    Flow ws = flow(Transport.WS, 7);
    assertThat(flows.isGone("ws:127.0.0.1:40000")).as("never seen: gone").isTrue();
    flows.seen(ws);
    flows.seen(ws);
    assertThat(flows.isGone("ws:127.0.0.1:40000")).isFalse();
    assertThat(flows.isGone("tcp:127.0.0.1:40000")).as("another transport's flow").isTrue();
    assertThat(flows.size()).isEqualTo(1);
    watch.onFlowClosed(ws);
    assertThat(flows.isGone("ws:127.0.0.1:40000")).isTrue();
    assertThat(flows.size()).isZero();
    assertThat(closedDownstream).containsExactly(ws);
  }

  @Test
  void theLateCloseOfAnOldConnectionLeavesANewerOneFromTheSameAddressOpen() {
    OpenFlows flows = new OpenFlows();
    flows.watch(new TransportListener() {
      @Override
      public void onMessage(dev.parley.transport.Inbound inbound) {}
    });
    Flow old = flow(Transport.TCP, 1);
    Flow newer = flow(Transport.TCP, 2);
    flows.seen(old);
    flows.seen(newer);
    flows.closed(old);
    assertThat(flows.isGone("tcp:127.0.0.1:40000")).isFalse();
  }

  @Test
  void connectionsOfTwoTransportsFromTheSameAddressAreOpenAndCloseApart() {
    OpenFlows flows = new OpenFlows();
    flows.watch(new TransportListener() {
      @Override
      public void onMessage(dev.parley.transport.Inbound inbound) {}
    });
    Flow tcp = flow(Transport.TCP, 1);
    Flow wss = flow(Transport.WSS, 2);
    flows.seen(tcp);
    flows.seen(wss);
    flows.seen(tcp);
    assertThat(flows.isGone("tcp:127.0.0.1:40000")).isFalse();
    assertThat(flows.isGone("wss:127.0.0.1:40000")).isFalse();
    assertThat(flows.size()).isEqualTo(2);
    flows.closed(wss);
    assertThat(flows.isGone("tcp:127.0.0.1:40000")).isFalse();
    assertThat(flows.isGone("wss:127.0.0.1:40000")).isTrue();
    flows.closed(tcp);
    assertThat(flows.isGone("tcp:127.0.0.1:40000")).isTrue();
    assertThat(flows.size()).isZero();
  }

  @Test
  void udpTokensUnwatchedFlowsAndNonTokensAreNeverGone() {
    OpenFlows unwatched = new OpenFlows();
    assertThat(unwatched.isGone("tcp:127.0.0.1:40000")).as("not watched: dialled as before")
        .isFalse();
    OpenFlows flows = new OpenFlows();
    flows.watch(new TransportListener() {
      @Override
      public void onMessage(dev.parley.transport.Inbound inbound) {}
    });
    flows.seen(flow(Transport.UDP, 0));
    assertThat(flows.size()).as("UDP is not recorded").isZero();
    assertThat(flows.isGone("udp:127.0.0.1:40000")).isFalse();
    assertThat(flows.isGone(null)).isFalse();
    assertThat(flows.isGone("tcp:host.example:5060")).as("not a token: no lookup").isFalse();
    assertThat(flows.isGone("garbage")).isFalse();
    assertThatThrownBy(() -> flows.watch(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("next");
  }

  @Test
  void theWatchAsksItsListenerWhetherToParseADatagramAndToAnswerAMalformedRequest() {
    InetSocketAddress refused = new InetSocketAddress("127.0.0.5", 40000);
    TransportListener watch = new OpenFlows().watch(new TransportListener() {
      @Override
      public void onMessage(dev.parley.transport.Inbound inbound) {}

      @Override
      public boolean mayParseDatagram(InetSocketAddress source) {
        return !source.equals(refused);
      }

      @Override
      public boolean mayAnswerMalformed(Flow flow) {
        return false;
      }
    });
    assertThat(watch.mayParseDatagram(refused)).isFalse();
    assertThat(watch.mayParseDatagram(PEER)).isTrue();
    assertThat(watch.mayAnswerMalformed(flow(Transport.UDP, 0))).isFalse();
  }
}
