package dev.parley.testkit;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Transport;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted SIP peer for tests, in the spirit of okhttp's {@code MockWebServer}: it listens on
 * one loopback address and port over UDP and TCP, records every message it receives, answers
 * requests by a script or by hand, and sends whatever the test builds, well-formed or not.
 *
 * <pre>{@code
 * try (MockSipPeer bob = MockSipPeer.start()) {
 *   bob.enqueue(SipMethod.INVITE, 180, 200);       // the next INVITE gets 180 then 200
 *   // ... make the code under test call bob.uri("bob") ...
 *   SipRequest invite = bob.takeRequest(SipMethod.INVITE);
 *   assertThat(invite.headers().get("Subject")).isEqualTo("lunch");
 *   SipRequest ack = bob.takeRequest(SipMethod.ACK);  // asserts the order
 *   SipRequest bye = bob.takeRequest(SipMethod.BYE);  // not scripted: answer by hand
 *   bob.respond(bye, 200);
 * }
 * }</pre>
 *
 * <p>What arrives is kept in arrival order. The {@code take} methods consume it in that order,
 * waiting up to {@link #timeout(Duration) the timeout} (10 s unless set) and failing with an
 * {@link AssertionError} when nothing fitting arrives; each skips (and consumes) what does not
 * fit, as {@link #takeRequest()} skips responses. A retransmitted request (same method and top
 * Via branch as one already received) is recorded in {@link #received()} but never taken again;
 * if the original was answered (by script or by hand), the last answer is sent again, as a server
 * transaction would (RFC 3261 §17.2). {@link #poll(Duration)} checks that nothing (new) arrived.
 *
 * <p>Responses the peer sends to a request go back where the request came from: over UDP to its
 * source address and port, over TCP on the connection it arrived on. Requests the peer sends
 * over TCP open one connection per destination, which the peer also reads from.
 *
 * <p>Thread-safe. Socket reading runs on daemon threads of its own; the script answers there.
 * Close the peer after the test (it is {@link AutoCloseable}).
 */
public final class MockSipPeer implements AutoCloseable {
  /** How long the {@code take} methods wait unless {@link #timeout(Duration)} says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final int MAX_MESSAGE = 65_535;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  /** Answers one request with one response; used by {@link #enqueue(SipMethod, Responder...)}. */
  @FunctionalInterface
  public interface Responder {
    /** The response to send to {@code request}. */
    SipResponse respond(SipRequest request);
  }

  private record Source(Transport transport, InetSocketAddress address, MockConnection connection) {}

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final String host;
  private final MockArrivals arrivals;
  private final List<SipMessage> received = Collections.synchronizedList(new ArrayList<>());
  private final Map<SipRequest, Source> sources =
      Collections.synchronizedMap(new IdentityHashMap<>());
  private final MockScript script = new MockScript();
  private final Map<InetSocketAddress, MockConnection> outbound = new ConcurrentHashMap<>();
  private final List<MockConnection> connections = Collections.synchronizedList(new ArrayList<>());
  private volatile Duration timeout = DEFAULT_TIMEOUT;
  private volatile Source lastSource;
  private volatile boolean closed;

  private MockSipPeer(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
    this.host = udp.getLocalAddress().getHostAddress();
    this.arrivals = new MockArrivals(hostPort());
    Thread reader = new Thread(this::readDatagrams, "mock-sip-peer-udp-" + hostPort());
    reader.setDaemon(true);
    reader.start();
    Thread acceptor = new Thread(this::acceptConnections, "mock-sip-peer-tcp-" + hostPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A peer on 127.0.0.1, UDP and TCP on one free port. */
  public static MockSipPeer start() throws IOException {
    return start("127.0.0.1");
  }

  /**
   * A peer on {@code address}, UDP and TCP on one free port. Any address of 127.0.0.0/8 works on
   * Linux (all are loopback), so tests can send from distinct sources.
   *
   * @throws IllegalArgumentException if {@code address} is not a loopback address
   */
  public static MockSipPeer start(String address) throws IOException {
    Objects.requireNonNull(address, "address");
    InetAddress ip = InetAddress.getByName(address);
    if (!ip.isLoopbackAddress()) {
      throw new IllegalArgumentException("address is not a loopback address: " + address);
    }
    BindException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      DatagramSocket udp = new DatagramSocket(0, ip);
      ServerSocket tcp = new ServerSocket();
      try {
        tcp.setReuseAddress(true);
        tcp.bind(new InetSocketAddress(ip, udp.getLocalPort()), 50);
        return new MockSipPeer(udp, tcp);
      } catch (BindException e) { // the TCP port of that number is taken: try another
        last = e;
        udp.close();
        tcp.close();
      }
    }
    throw last;
  }

  /**
   * Sets how long the {@code take} methods wait for a message; returns this peer.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public MockSipPeer timeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  /** The address this peer is bound to, as text ({@code 127.0.0.1}). */
  public String host() {
    return host;
  }

  /** The port, the same for UDP and TCP. */
  public int port() {
    return udp.getLocalPort();
  }

  /** {@code host:port} of this peer. */
  public String hostPort() {
    return host + ":" + port();
  }

  /** The socket address of this peer. */
  public InetSocketAddress address() {
    return new InetSocketAddress(udp.getLocalAddress(), port());
  }

  /** {@code sip:user@host:port}: a URI that reaches this peer (over UDP by default). */
  public String uri(String user) {
    return "sip:" + user + "@" + hostPort();
  }

  // ---- script -----------------------------------------------------------------------------

  /**
   * Scripts the answer to the next request of {@code method} not yet answered by script:
   * responses with {@code statuses}, in order, sharing one To tag. A 101..299 answer to an INVITE
   * carries a Contact of this peer, so a dialog can form. Several calls queue up, one per request.
   *
   * @throws IllegalArgumentException if {@code statuses} is empty or one is not 100..699
   */
  public void enqueue(SipMethod method, int... statuses) {
    Objects.requireNonNull(method, "method");
    if (statuses.length == 0) {
      throw new IllegalArgumentException("statuses is empty");
    }
    Responder[] responders = new Responder[statuses.length];
    for (int i = 0; i < statuses.length; i++) {
      int status = statuses[i];
      if (status < 100 || status > 699) {
        throw new IllegalArgumentException("status out of range: " + status);
      }
      responders[i] = request -> MockScript.standardResponse(request, status, uri("mock"));
    }
    enqueue(method, responders);
  }

  /**
   * Scripts the answer to the next request of {@code method} not yet answered by script: each
   * responder's response, in order. Several calls queue up, one per request.
   *
   * @throws IllegalArgumentException if {@code responders} is empty
   */
  public void enqueue(SipMethod method, Responder... responders) {
    Objects.requireNonNull(method, "method");
    if (responders.length == 0) {
      throw new IllegalArgumentException("responders is empty");
    }
    for (Responder r : responders) {
      Objects.requireNonNull(r, "responders[i]");
    }
    script.enqueue(method, responders);
  }

  // ---- what arrived -----------------------------------------------------------------------

  /** Every message received so far, retransmissions included, in arrival order (a copy). */
  public List<SipMessage> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** The number of requests received so far, retransmissions included. */
  public int requestCount() {
    synchronized (received) {
      return (int) received.stream().filter(SipMessage::isRequest).count();
    }
  }

  /**
   * The next message not yet taken: a new request or any response.
   *
   * @throws AssertionError if none arrives within the timeout
   */
  public SipMessage takeMessage() {
    return take(m -> true, "message");
  }

  /**
   * The next new request, skipping responses.
   *
   * @throws AssertionError if none arrives within the timeout
   */
  public SipRequest takeRequest() {
    return (SipRequest) take(SipMessage::isRequest, "request");
  }

  /**
   * The next new request, which must be of {@code method}: asserts the order of requests.
   *
   * @throws AssertionError if the next request has another method, or none arrives in time
   */
  public SipRequest takeRequest(SipMethod method) {
    Objects.requireNonNull(method, "method");
    SipRequest r = (SipRequest) take(SipMessage::isRequest, method + " request");
    if (!r.method().equals(method)) {
      throw new AssertionError("expected " + method + " at " + hostPort()
          + " but the next request was " + r.startLine());
    }
    return r;
  }

  /**
   * The next response, provisional or final, skipping requests.
   *
   * @throws AssertionError if none arrives within the timeout
   */
  public SipResponse takeResponse() {
    return (SipResponse) take(SipMessage::isResponse, "response");
  }

  /**
   * The next final response, skipping requests and provisional responses.
   *
   * @throws AssertionError if none arrives within the timeout
   */
  public SipResponse takeFinalResponse() {
    return (SipResponse) take(m -> m instanceof SipResponse r && r.isFinal(), "final response");
  }

  /**
   * The next final response to {@code sent}, a request this peer sent: same Call-ID, CSeq and top
   * Via branch. Skips (and consumes) everything else, such as a stray retransmission that an
   * earlier test's server sent to the port this peer now has.
   *
   * @throws AssertionError if none arrives within the timeout
   */
  public SipResponse takeFinalResponse(SipRequest sent) {
    Objects.requireNonNull(sent, "sent");
    String branch = sent.topVia() == null ? null : sent.topVia().branch();
    return (SipResponse) take(m -> m instanceof SipResponse r && r.isFinal()
        && Objects.equals(r.callId(), sent.callId()) && Objects.equals(r.cseq(), sent.cseq())
        && r.topVia() != null && Objects.equals(r.topVia().branch(), branch),
        "final response to " + sent.method() + " " + sent.callId());
  }

  /**
   * The next message not yet taken if one arrives within {@code wait}, else null: to check that
   * something did NOT arrive, after the exchange that would have sent it has ended.
   */
  public SipMessage poll(Duration wait) {
    return arrivals.poll(wait);
  }

  private SipMessage take(java.util.function.Predicate<SipMessage> fits, String what) {
    return arrivals.take(fits, what, timeout);
  }

  // ---- sending ----------------------------------------------------------------------------

  /**
   * A request from this peer, written as wire text and parsed: Via (UDP, this peer, a fresh
   * branch, rport), Max-Forwards 70, From {@code from} with a fresh tag, To {@code to}, a fresh
   * Call-ID, CSeq 1, a Contact of this peer, then {@code extraHeaderLines} (each ending in CRLF,
   * may be empty) and no body.
   */
  public SipRequest request(String method, String requestUri, String from, String to,
      String extraHeaderLines) {
    int n = COUNTER.incrementAndGet();
    String text = method + " " + requestUri + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + hostPort() + ";branch=" + newBranch() + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <" + from + ">;tag=f" + n + "\r\n"
        + "To: <" + to + ">\r\n"
        + "Call-ID: mock" + n + "-" + token() + "@" + host + "\r\n"
        + "CSeq: 1 " + method + "\r\n"
        + "Contact: <" + uri("mock") + ">\r\n"
        + extraHeaderLines
        + "Content-Length: 0\r\n\r\n";
    return (SipRequest) SipParser.create().parse(text);
  }

  /** A request from {@link #uri(String) uri("mock")} to {@code requestUri}; see the long form. */
  public SipRequest request(String method, String requestUri) {
    return request(method, requestUri, uri("mock"), requestUri, "");
  }

  /** A fresh RFC 3261 branch ({@code z9hG4bK...}) for a Via of this peer. */
  public static String newBranch() {
    return "z9hG4bK" + token();
  }

  /** 16 random hex digits, for tags, branches and Call-IDs. */
  public static String token() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }

  /** Sends {@code message} to {@code to} over UDP. */
  public void send(SipMessage message, InetSocketAddress to) throws IOException {
    send(message.encode(), to, Transport.UDP);
  }

  /** Sends {@code message} to {@code to} over {@code transport} (UDP or TCP). */
  public void send(SipMessage message, InetSocketAddress to, Transport transport)
      throws IOException {
    send(message.encode(), to, transport);
  }

  /** Sends {@code wireText} as it is (UTF-8), well-formed or not, to {@code to} over UDP. */
  public void send(String wireText, InetSocketAddress to) throws IOException {
    send(wireText.getBytes(StandardCharsets.UTF_8), to, Transport.UDP);
  }

  /** Sends {@code wireText} as it is (UTF-8) to {@code to} over {@code transport}. */
  public void send(String wireText, InetSocketAddress to, Transport transport) throws IOException {
    send(wireText.getBytes(StandardCharsets.UTF_8), to, transport);
  }

  private void send(byte[] bytes, InetSocketAddress to, Transport transport) throws IOException {
    Objects.requireNonNull(to, "to");
    switch (transport) {
      case UDP -> udp.send(new DatagramPacket(bytes, bytes.length, to));
      case TCP -> outboundConnection(to).write(bytes);
      default -> throw new IllegalArgumentException("transport not supported: " + transport);
    }
  }

  /**
   * Answers {@code request} with {@code status}, made by {@link SipRequest#response(int, String)}
   * with a To tag of this peer, plus {@code headerNameValuePairs} ("Contact", "&lt;sip:...&gt;",
   * ...); sent where the request came from. Returns what was sent.
   */
  public SipResponse respond(SipRequest request, int status, String... headerNameValuePairs)
      throws IOException {
    return respondTagged(request, status, MockScript.tagFor(request), headerNameValuePairs);
  }

  /**
   * As {@link #respond(SipRequest, int, String...)} with {@code toTag} as the To tag (if the
   * request's To has none).
   */
  public SipResponse respondWithTag(SipRequest request, int status, String toTag,
      String... headerNameValuePairs) throws IOException {
    return respondTagged(request, status, toTag, headerNameValuePairs);
  }

  private SipResponse respondTagged(SipRequest request, int status, String toTag, String[] pairs)
      throws IOException {
    if (pairs.length % 2 != 0) {
      throw new IllegalArgumentException("headerNameValuePairs has an odd length: " + pairs.length);
    }
    SipResponse.Builder b = request.response(status, toTag);
    for (int i = 0; i < pairs.length; i += 2) {
      b.header(HeaderName.of(pairs[i]), pairs[i + 1]);
    }
    SipResponse r = b.build();
    reply(request, r);
    return r;
  }

  /**
   * Sends {@code response} where {@code request} came from (the last request's source if the
   * peer did not receive {@code request}). A retransmission of the request gets the last response
   * sent this way again.
   */
  public void reply(SipRequest request, SipMessage response) throws IOException {
    reply(request, response.encode());
    if (response instanceof SipResponse r) {
      script.answeredByHand(request, r);
    }
  }

  /** Sends {@code wireText} as it is (UTF-8) where {@code request} came from. */
  public void reply(SipRequest request, String wireText) throws IOException {
    reply(request, wireText.getBytes(StandardCharsets.UTF_8));
  }

  private void reply(SipRequest request, byte[] bytes) throws IOException {
    Source s = sources.get(request);
    if (s == null) {
      s = lastSource;
    }
    if (s == null) {
      throw new IllegalStateException("no request has arrived at " + hostPort() + " to reply to");
    }
    sendTo(s, bytes);
  }

  private void sendTo(Source s, byte[] bytes) throws IOException {
    if (s.connection != null) {
      s.connection.write(bytes);
    } else {
      udp.send(new DatagramPacket(bytes, bytes.length, s.address));
    }
  }

  // ---- receiving --------------------------------------------------------------------------

  private void readDatagrams() {
    byte[] buf = new byte[MAX_MESSAGE];
    while (!closed) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(p);
      } catch (IOException e) {
        if (!closed) {
          arrivals.fail(null, "UDP read failed: " + e);
        }
        return;
      }
      arrived(buf, p.getLength(), new Source(Transport.UDP,
          (InetSocketAddress) p.getSocketAddress(), null));
    }
  }

  private void acceptConnections() {
    while (!closed) {
      Socket s;
      try {
        s = tcp.accept();
      } catch (IOException e) {
        if (!closed) {
          arrivals.fail(null, "TCP accept failed: " + e);
        }
        return;
      }
      startConnection(s);
    }
  }

  private MockConnection startConnection(Socket s) {
    MockConnection c = new MockConnection(s, MAX_MESSAGE, new MockConnection.Sink() {
      @Override
      public void message(byte[] data, MockConnection from) {
        arrived(data, data.length, new Source(Transport.TCP, from.remote(), from));
      }

      @Override
      public void failed(String failure, MockConnection from) {
        if (!closed) {
          arrivals.fail(from.remote(), failure);
        }
      }
    });
    connections.add(c);
    Thread reader = new Thread(c::read, "mock-sip-peer-tcp-" + hostPort() + "-"
        + s.getRemoteSocketAddress());
    reader.setDaemon(true);
    reader.start();
    return c;
  }

  private MockConnection outboundConnection(InetSocketAddress to) throws IOException {
    MockConnection c = outbound.get(to);
    if (c != null && !c.isClosed()) {
      return c;
    }
    Socket s = new Socket();
    s.bind(new InetSocketAddress(udp.getLocalAddress(), 0));
    s.connect(to, (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE));
    c = startConnection(s);
    outbound.put(to, c);
    return c;
  }

  private void arrived(byte[] data, int length, Source source) {
    SipMessage m;
    try {
      m = SipParser.create().parse(data, 0, length);
    } catch (RuntimeException e) { // SipParseException, or anything a broken message causes
      arrivals.fail(source.address(), "unparseable message (" + e.getMessage() + "): "
          + new String(data, 0, length, StandardCharsets.UTF_8));
      return;
    }
    received.add(m);
    if (m instanceof SipRequest r) {
      if (script.isRetransmission(r, last -> send(source, last))) {
        return;
      }
      sources.put(r, source);
      lastSource = source;
      List<SipResponse> answers;
      try {
        answers = script.answer(r);
      } catch (RuntimeException | AssertionError e) { // a Responder failed: fail the next take
        arrivals.fail(source.address(), "the script failed to answer " + r.startLine()
            + ": " + e);
        return;
      }
      arrivals.add(r, source.address()); // queued before its answers go out
      for (SipResponse a : answers) {
        send(source, a);
      }
      return;
    }
    arrivals.add(m, source.address());
  }

  private void send(Source source, SipResponse response) {
    try {
      sendTo(source, response.encode());
    } catch (IOException e) {
      arrivals.fail(source.address(), "sending a scripted " + response.startLine()
          + " failed: " + e);
    }
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      throw new IllegalStateException("closing the TCP listener of " + hostPort() + " failed", e);
    } finally {
      synchronized (connections) {
        for (MockConnection c : connections) {
          c.close();
        }
      }
    }
  }

  @Override
  public String toString() {
    return "MockSipPeer[" + hostPort() + "]";
  }
}
