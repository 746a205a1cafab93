package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.Address;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Scheduler;
import dev.parley.transport.TraceListener;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportLayer;
import dev.parley.transport.TransportListener;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A dialog's requests run on the dialog's scheduler, where their CSeq is taken, not on the next
 * event loop in turn: otherwise two requests sent one after the other could leave out of CSeq
 * order (RFC 3261 §12.2.1.1) and the second-numbered one arriving first would make the UAS refuse
 * the other (§12.2.2).
 */
class DialogSchedulerTest {
  private static final byte[] SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
      + "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n").getBytes(StandardCharsets.US_ASCII);

  /** A scheduler that runs on the fake clock and counts the tasks it was given. */
  static final class CountingScheduler implements Scheduler {
    final FakeScheduler clock;
    final AtomicInteger tasks = new AtomicInteger();

    CountingScheduler(FakeScheduler clock) {
      this.clock = clock;
    }

    @Override
    public boolean inLoop() {
      return true;
    }

    @Override
    public void execute(Runnable task) {
      tasks.incrementAndGet();
      clock.execute(task);
    }

    @Override
    public Timer schedule(Runnable task, long delay, TimeUnit unit) {
      tasks.incrementAndGet();
      return clock.schedule(task, delay, unit);
    }

    @Override
    public long nowMillis() {
      return clock.nowMillis();
    }
  }

  /** The fake network, but handing out two event loops in turn, as a Netty transport does. */
  static final class TwoLoops implements TransportLayer {
    final FakeTransportLayer net;
    final CountingScheduler[] loops;
    int next;

    TwoLoops(FakeTransportLayer net, FakeScheduler clock) {
      this.net = net;
      this.loops = new CountingScheduler[] {new CountingScheduler(clock), new CountingScheduler(clock)};
    }

    @Override
    public void setListener(TransportListener listener) {
      net.setListener(listener);
    }

    @Override
    public void addTraceListener(TraceListener listener) {
      net.addTraceListener(listener);
    }

    @Override
    public void removeTraceListener(TraceListener listener) {
      net.removeTraceListener(listener);
    }

    @Override
    public CompletableFuture<Void> start() {
      return net.start();
    }

    @Override
    public List<ListenPoint> listenPoints() {
      return net.listenPoints();
    }

    @Override
    public CompletableFuture<Flow> send(SipMessage message, Hop hop) {
      return net.send(message, hop);
    }

    @Override
    public CompletableFuture<Flow> send(SipMessage message, Flow flow) {
      return net.send(message, flow);
    }

    @Override
    public Scheduler nextScheduler() {
      return loops[next++ % 2];
    }

    @Override
    public void close() {
      net.close();
    }
  }

  @Test
  void requestsInsideADialogRunOnTheDialogsSchedulerNotTheNextLoop() {
    FakeScheduler clock = new FakeScheduler();
    FakeTransportLayer aliceNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.1:5060"));
    FakeTransportLayer bobNet = new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.2:5070"));
    aliceNet.connect(bobNet);
    TwoLoops loops = new TwoLoops(aliceNet, clock);
    UserAgent alice = UserAgent.builder(loops).contactUser("alice").build();
    UserAgent.builder(bobNet).contactUser("bob")
        .handler(invite -> invite.accept(MediaType.APPLICATION_SDP, SDP)).build();
    SipUri bobUri = SipUri.parse("sip:bob@127.0.0.2:5070");
    SipRequest invite = alice.newRequest(SipMethod.INVITE, bobUri,
        Address.of(SipUri.parse("sip:alice@127.0.0.1")), Address.of(bobUri), Transport.UDP)
        .body(MediaType.APPLICATION_SDP, SDP).build();
    Dialog dialog = alice.invite(invite, new Hop(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070)))
        .join();
    CountingScheduler dialogLoop = loops.loops[0]; // the INVITE's transaction took the first
    CountingScheduler otherLoop = loops.loops[1];
    int before = otherLoop.tasks.get();

    for (int i = 0; i < 4; i++) {
      assertThat(alice.request(dialog, SipMethod.MESSAGE, MediaType.parse("text/plain"),
          ("m" + i).getBytes(StandardCharsets.UTF_8)).join().statusCode()).isEqualTo(200);
    }
    alice.bye(dialog).join();

    assertThat(otherLoop.tasks.get()).as("nothing of the dialog ran on the other loop").isEqualTo(before);
    assertThat(dialogLoop.tasks.get()).isPositive();
    List<Long> cseqs = aliceNet.sentRequests().stream().filter(r -> !r.method().isAck())
        .map(r -> r.cseq().sequence()).toList();
    assertThat(cseqs).isSorted();
  }
}
