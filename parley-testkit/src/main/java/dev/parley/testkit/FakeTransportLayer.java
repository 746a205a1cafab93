package dev.parley.testkit;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Scheduler;
import dev.parley.transport.TraceEvent;
import dev.parley.transport.TraceListener;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportException;
import dev.parley.transport.TransportLayer;
import dev.parley.transport.TransportListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link TransportLayer} for tests, on the virtual time of a {@link FakeScheduler}: it records
 * every message sent (with its hop or flow and the virtual time), lets the test inject inbound
 * messages over a chosen {@link Flow}, and can be wired back to back with another fake so that
 * two stacks talk to each other, with loss, duplication, reordering and latency switched on by
 * simple calls.
 *
 * <pre>{@code
 * FakeScheduler clock = new FakeScheduler();
 * FakeTransportLayer transport = new FakeTransportLayer(clock);
 * transport.setListener(layer);
 * transport.receive(invite, transport.flow(Transport.UDP, "192.0.2.7", 5060));
 * clock.advanceMillis(200);
 * assertThat(transport.sentResponses()).extracting(SipResponse::statusCode).containsExactly(100);
 * }</pre>
 *
 * <p>Sends complete at once (failed when {@link #failNext(int)} or a closed connection says so).
 * Messages to a connected peer go through the wire form (encoded and parsed again, as a real
 * transport would) and are delivered through the scheduler: at once (after the running task) or
 * after the configured latency. Every scheduler handed out is the one given to the constructor.
 * Not thread-safe, like {@link FakeScheduler}: drive it from the test thread.
 */
public final class FakeTransportLayer implements TransportLayer {
  /** Where the default listen points are: {@code udp:127.0.0.1:5060}, {@code tcp:127.0.0.1:5060}. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /**
   * One message sent.
   *
   * @param message the message as given to the transport
   * @param hop the hop it was sent to, or null when sent over a flow
   * @param flow the flow it went over (for a hop: the flow the fake opened or reused)
   * @param atMillis the scheduler's virtual time when it was sent
   * @param delivered whether it went to the peer (false when dropped, failed or unconnected)
   */
  public record Sent(SipMessage message, Hop hop, Flow flow, long atMillis, boolean delivered) {
    /** The message as a request (throws ClassCastException for a response). */
    public SipRequest request() {
      return (SipRequest) message;
    }

    /** The message as a response (throws ClassCastException for a request). */
    public SipResponse response() {
      return (SipResponse) message;
    }
  }

  private final FakeScheduler scheduler;
  private final List<ListenPoint> listenPoints;
  private final List<Sent> sent = new ArrayList<>();
  private final List<byte[]> givenWires = new ArrayList<>();
  private final List<TraceListener> traceListeners = new ArrayList<>();
  private final Map<String, Long> connections = new HashMap<>();
  private final Set<Long> closedConnections = new HashSet<>();
  private TransportListener listener;
  private FakeTransportLayer peer;
  private long nextConnectionId = 1;
  private int dropNext;
  private int failNext;
  private int duplicateNext;
  private boolean duplicateAll;
  private boolean reorderNext;
  private Runnable held;
  private Predicate<? super SipMessage> dropWhen = m -> false;
  private double lossRate;
  private Random random = new Random(0);
  private long latencyMillis;
  private long jitterMillis;
  private boolean wireFormat = true;
  private boolean closed;

  /** A fake with UDP and TCP listen points on 127.0.0.1:5060. */
  public FakeTransportLayer(FakeScheduler scheduler) {
    this(scheduler, ListenPoint.parse("udp:" + DEFAULT_HOST + ":5060"),
        ListenPoint.parse("tcp:" + DEFAULT_HOST + ":5060"));
  }

  /** A fake with the given listen points (their ports are taken as bound). */
  public FakeTransportLayer(FakeScheduler scheduler, ListenPoint... listenPoints) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    if (listenPoints.length == 0) {
      throw new IllegalArgumentException("listenPoints is empty");
    }
    this.listenPoints = List.of(listenPoints);
  }

  /** The scheduler every transaction and inbound message runs on. */
  public FakeScheduler scheduler() {
    return scheduler;
  }

  // ------------------------------------------------------------------ TransportLayer

  @Override
  public void setListener(TransportListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public void addTraceListener(TraceListener listener) {
    traceListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeTraceListener(TraceListener listener) {
    traceListeners.remove(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public CompletableFuture<Void> start() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public List<ListenPoint> listenPoints() {
    return listenPoints;
  }

  @Override
  public CompletableFuture<Flow> send(SipMessage message, Hop hop) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(hop, "hop");
    ListenPoint lp = listenPoint(hop.transport());
    if (lp == null) {
      return fail(message, hop, null, "no listen point for " + hop.transport());
    }
    long id = 0;
    if (hop.transport().isReliable()) {
      String k = hop.transport() + "/" + hop.address();
      Long existing = connections.get(k);
      if (existing == null || closedConnections.contains(existing)) {
        existing = nextConnectionId++;
        connections.put(k, existing);
      }
      id = existing;
    }
    Flow flow = new Flow(hop.transport(), lp.address(), hop.address(), id);
    return transmit(message, hop, flow);
  }

  @Override
  public CompletableFuture<Flow> send(SipMessage message, Flow flow) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(flow, "flow");
    if (flow.transport().isReliable() && closedConnections.contains(flow.connectionId())) {
      return fail(message, null, flow, "connection closed: " + flow);
    }
    return transmit(message, null, flow);
  }

  /**
   * Checks that {@code wire} is {@code message}'s encoding (the contract of the caller), records
   * the array ({@link #givenWires}), then sends as {@link #send(SipMessage, Hop)}.
   */
  @Override
  public CompletableFuture<Flow> send(SipMessage message, byte[] wire, Hop hop) {
    given(message, wire);
    return send(message, hop);
  }

  /** As {@link #send(SipMessage, byte[], Hop)}, over a flow. */
  @Override
  public CompletableFuture<Flow> send(SipMessage message, byte[] wire, Flow flow) {
    given(message, wire);
    return send(message, flow);
  }

  private void given(SipMessage message, byte[] wire) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(wire, "wire");
    if (!Arrays.equals(wire, message.encode())) {
      throw new IllegalArgumentException("wire is not the message's encoding");
    }
    givenWires.add(wire);
  }

  /**
   * The arrays callers gave with their messages ({@code send(message, wire, ...)}), in order, the
   * same objects: for a test that checks an encoding is made once and shared.
   */
  public List<byte[]> givenWires() {
    return List.copyOf(givenWires);
  }

  @Override
  public Scheduler nextScheduler() {
    return scheduler;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  // ------------------------------------------------------------------ wiring and faults

  /** Wires this fake to {@code other} both ways: what one sends, the other receives. */
  public FakeTransportLayer connect(FakeTransportLayer other) {
    this.peer = Objects.requireNonNull(other, "other");
    other.peer = this;
    return this;
  }

  /** The next {@code n} messages sent are lost (recorded, never delivered). */
  public FakeTransportLayer dropNext(int n) {
    this.dropNext = n;
    return this;
  }

  /** Every message matching {@code filter} is lost until replaced ({@code m -> false} to stop). */
  public FakeTransportLayer dropWhen(Predicate<? super SipMessage> filter) {
    this.dropWhen = Objects.requireNonNull(filter, "filter");
    return this;
  }

  /**
   * Each message over an unreliable transport (UDP) is lost with probability {@code rate}, drawn
   * from a random source seeded by {@code seed}. Reliable transports lose nothing this way (use
   * {@link #dropNext(int)} or {@link #dropWhen} to lose a message on a connection on purpose).
   */
  public FakeTransportLayer lossRate(double rate, long seed) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("rate out of range: " + rate);
    }
    this.lossRate = rate;
    this.random = new Random(seed);
    return this;
  }

  /** The next {@code n} sends fail with a {@link TransportException} (nothing is delivered). */
  public FakeTransportLayer failNext(int n) {
    this.failNext = n;
    return this;
  }

  /** The next {@code n} messages are delivered twice. */
  public FakeTransportLayer duplicateNext(int n) {
    this.duplicateNext = n;
    return this;
  }

  /** Whether every message is delivered twice. */
  public FakeTransportLayer duplicateAll(boolean on) {
    this.duplicateAll = on;
    return this;
  }

  /**
   * The next message is held back and delivered just after the one sent after it (or by
   * {@link #flushHeld()}).
   */
  public FakeTransportLayer reorderNext() {
    this.reorderNext = true;
    return this;
  }

  /** Delivers a message held back by {@link #reorderNext()}, if any. */
  public void flushHeld() {
    Runnable h = held;
    held = null;
    if (h != null) {
      h.run();
    }
  }

  /** Every message takes {@code latency} of virtual time to arrive (zero: after the running task). */
  public FakeTransportLayer latency(Duration latency) {
    this.latencyMillis = latency.toMillis();
    return this;
  }

  /**
   * Adds a random delay of 0..{@code max} (drawn from a source seeded by {@code seed}) to each
   * delivery over an unreliable transport, which reorders datagrams sent close together
   * (connections keep their order).
   */
  public FakeTransportLayer jitter(Duration max, long seed) {
    this.jitterMillis = max.toMillis();
    this.random = new Random(seed);
    return this;
  }

  /** Whether messages to the peer are encoded and parsed again (default true). */
  public FakeTransportLayer wireFormat(boolean on) {
    this.wireFormat = on;
    return this;
  }

  /**
   * Marks the connection of {@code flow} closed: later sends over that flow fail, a send to its
   * hop opens a new connection, and the listener hears {@link TransportListener#onFlowClosed}.
   */
  public void closeConnection(Flow flow) {
    closedConnections.add(flow.connectionId());
    if (listener != null) {
      scheduler.execute(() -> listener.onFlowClosed(flow));
    }
  }

  // ------------------------------------------------------------------ inbound

  /** A flow from {@code host:port} over {@code transport} to this fake's listen point for it. */
  public Flow flow(Transport transport, String host, int port) {
    ListenPoint lp = listenPoint(transport);
    if (lp == null) {
      throw new IllegalArgumentException("no listen point for " + transport);
    }
    long id = transport.isReliable() ? nextConnectionId++ : 0;
    return new Flow(transport, lp.address(), new InetSocketAddress(host, port), id);
  }

  /** Delivers {@code message} to the listener as if it arrived over {@code flow}. */
  public void receive(SipMessage message, Flow flow) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(flow, "flow");
    if (listener == null) {
      throw new IllegalStateException("no listener set");
    }
    trace(TraceEvent.Direction.RECEIVED, message, flow);
    scheduler.execute(() -> listener.onMessage(new Inbound(message, flow, scheduler)));
  }

  /** Parses {@code wireText} (CRLF line ends added where a bare LF is found) and delivers it. */
  public void receive(String wireText, Flow flow) {
    String crlf = wireText.replace("\r\n", "\n").replace("\n", "\r\n");
    receive(SipParser.create().parse(crlf), flow);
  }

  // ------------------------------------------------------------------ what was sent

  /** Everything sent, in order. */
  public List<Sent> sent() {
    return List.copyOf(sent);
  }

  /** How many messages were sent. */
  public int sentCount() {
    return sent.size();
  }

  /** The last message sent; throws if none. */
  public Sent lastSent() {
    if (sent.isEmpty()) {
      throw new IllegalStateException("nothing was sent");
    }
    return sent.get(sent.size() - 1);
  }

  /** The requests sent, in order. */
  public List<SipRequest> sentRequests() {
    List<SipRequest> out = new ArrayList<>();
    for (Sent s : sent) {
      if (s.message() instanceof SipRequest r) {
        out.add(r);
      }
    }
    return out;
  }

  /** The responses sent, in order. */
  public List<SipResponse> sentResponses() {
    List<SipResponse> out = new ArrayList<>();
    for (Sent s : sent) {
      if (s.message() instanceof SipResponse r) {
        out.add(r);
      }
    }
    return out;
  }

  /** The virtual times at which messages matching {@code filter} were sent. */
  public List<Long> sentTimes(Predicate<? super SipMessage> filter) {
    List<Long> out = new ArrayList<>();
    for (Sent s : sent) {
      if (filter.test(s.message())) {
        out.add(s.atMillis());
      }
    }
    return out;
  }

  /** Forgets what was sent. */
  public void clearSent() {
    sent.clear();
  }

  // ------------------------------------------------------------------ internals

  private CompletableFuture<Flow> fail(SipMessage message, Hop hop, Flow flow, String why) {
    sent.add(new Sent(message, hop, flow, scheduler.nowMillis(), false));
    return CompletableFuture.failedFuture(new TransportException(why));
  }

  private CompletableFuture<Flow> transmit(SipMessage message, Hop hop, Flow flow) {
    if (failNext > 0) {
      failNext--;
      return fail(message, hop, flow, "injected send failure");
    }
    boolean lost = false;
    if (dropNext > 0) {
      dropNext--;
      lost = true;
    } else if (dropWhen.test(message)) {
      lost = true;
    } else if (lossRate > 0 && !flow.transport().isReliable() && random.nextDouble() < lossRate) {
      lost = true;
    }
    boolean delivered = !lost && peer != null;
    sent.add(new Sent(message, hop, flow, scheduler.nowMillis(), delivered));
    trace(TraceEvent.Direction.SENT, message, flow);
    if (delivered) {
      int copies = 1;
      if (duplicateAll) {
        copies = 2;
      } else if (duplicateNext > 0) {
        duplicateNext--;
        copies = 2;
      }
      deliver(message, flow, copies);
    }
    return CompletableFuture.completedFuture(flow);
  }

  private void deliver(SipMessage message, Flow flow, int copies) {
    FakeTransportLayer to = peer;
    Flow inbound = new Flow(flow.transport(), flow.remote(), flow.local(), flow.connectionId());
    SipMessage copy = wireFormat ? SipParser.create().parse(message.encode()) : message;
    Runnable delivery = () -> {
      for (int i = 0; i < copies; i++) {
        to.receiveFromPeer(copy, inbound);
      }
    };
    if (reorderNext) {
      reorderNext = false;
      held = delivery;
      return;
    }
    long delay = latencyMillis + (jitterMillis > 0 && !flow.transport().isReliable()
        ? (long) (random.nextDouble() * (jitterMillis + 1)) : 0);
    Runnable previouslyHeld = held;
    held = null;
    if (delay > 0) {
      scheduler.schedule(() -> {
        delivery.run();
        if (previouslyHeld != null) {
          previouslyHeld.run();
        }
      }, delay, TimeUnit.MILLISECONDS);
    } else {
      scheduler.execute(() -> {
        delivery.run();
        if (previouslyHeld != null) {
          previouslyHeld.run();
        }
      });
    }
  }

  private void receiveFromPeer(SipMessage message, Flow flow) {
    if (listener == null || closed) {
      return;
    }
    trace(TraceEvent.Direction.RECEIVED, message, flow);
    listener.onMessage(new Inbound(message, flow, scheduler));
  }

  private void trace(TraceEvent.Direction direction, SipMessage message, Flow flow) {
    if (traceListeners.isEmpty()) {
      return;
    }
    TraceEvent e = new TraceEvent(direction, System.currentTimeMillis(), flow.transport(),
        flow.local(), flow.remote(), message.encode());
    for (TraceListener l : List.copyOf(traceListeners)) { // one may remove itself
      l.onTrace(e);
    }
  }
}
