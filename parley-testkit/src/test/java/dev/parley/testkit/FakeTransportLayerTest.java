package dev.parley.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportException;
import dev.parley.transport.TransportListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test transport itself: wire-format delivery, loss, duplication, reordering, latency, closed flows. */
class FakeTransportLayerTest {
  private static final String OPTIONS = """
      OPTIONS sip:bob@192.0.2.20 SIP/2.0
      Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-%s
      Max-Forwards: 70
      From: <sip:alice@192.0.2.10>;tag=1
      To: <sip:bob@192.0.2.20>
      Call-ID: fake@test
      CSeq: 1 OPTIONS
      Content-Length: 0

      """;

  private final FakeScheduler clock = new FakeScheduler();
  private final FakeTransportLayer a = new FakeTransportLayer(clock);
  private final FakeTransportLayer b = new FakeTransportLayer(clock,
      ListenPoint.parse("udp:127.0.0.2:5070"), ListenPoint.parse("tcp:127.0.0.2:5070"));
  private final List<Inbound> atB = new ArrayList<>();
  private final Hop toB = new Hop(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070));

  FakeTransportLayerTest() {
    a.setListener(in -> { });
    b.setListener(atB::add);
    a.connect(b);
  }

  private static SipMessage options(String branch) {
    return SipParser.create().parse(OPTIONS.formatted(branch).replace("\n", "\r\n"));
  }

  @Test
  void deliversThroughTheWireFormatWithTheMirroredFlow() {
    Flow flow = a.send(options("1"), toB).join();
    assertThat(atB).singleElement().satisfies(in -> {
      assertThat(in.message()).isEqualTo(options("1"));
      assertThat(in.flow().remote()).isEqualTo(flow.local());
      assertThat(in.flow().local()).isEqualTo(flow.remote());
      assertThat(in.scheduler()).isSameAs(clock);
    });
    assertThat(a.lastSent().hop()).isEqualTo(toB);
    assertThat(a.lastSent().delivered()).isTrue();
  }

  @Test
  void dropsDuplicatesAndFails() {
    a.dropNext(1);
    a.send(options("1"), toB);
    a.duplicateNext(1);
    a.send(options("2"), toB);
    a.failNext(1);
    assertThat(a.send(options("3"), toB)).isCompletedExceptionally();
    assertThat(atB).hasSize(2);
    assertThat(a.sentCount()).isEqualTo(3);
  }

  @Test
  void reorderNextSwapsTwoMessages() {
    a.reorderNext();
    a.send(options("1"), toB);
    a.send(options("2"), toB);
    assertThat(atB).extracting(in -> in.message().topVia().branch())
        .containsExactly("z9hG4bK-2", "z9hG4bK-1");
  }

  @Test
  void latencyDelaysDeliveryOnVirtualTime() {
    a.latency(Duration.ofMillis(50));
    a.send(options("1"), toB);
    clock.advanceMillis(49);
    assertThat(atB).isEmpty();
    clock.advanceMillis(1);
    assertThat(atB).hasSize(1);
  }

  @Test
  void closedConnectionFailsSendsOverItsFlowAndIsReported() {
    List<Flow> closed = new ArrayList<>();
    a.setListener(new TransportListener() {
      @Override
      public void onMessage(Inbound inbound) { }

      @Override
      public void onFlowClosed(Flow flow) {
        closed.add(flow);
      }
    });
    Flow flow = a.flow(Transport.TCP, "192.0.2.10", 40000);
    a.closeConnection(flow);
    assertThat(closed).containsExactly(flow);
    assertThat(a.send(options("1"), flow)).failsWithin(Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(TransportException.class);
  }

  @Test
  void receiveParsesWireText() {
    List<Inbound> here = new ArrayList<>();
    a.setListener(here::add);
    a.receive(OPTIONS.formatted("x"), a.flow(Transport.UDP, "192.0.2.10", 5060));
    assertThat(here).singleElement().satisfies(in -> assertThat(in.message().isRequest()).isTrue());
  }
}
