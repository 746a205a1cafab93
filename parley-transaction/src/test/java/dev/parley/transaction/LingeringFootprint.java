package dev.parley.transaction;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Scheduler;
import dev.parley.transport.TraceListener;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportLayer;
import dev.parley.transport.TransportListener;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The heap one lingering transaction holds, by kind, as a main (not a test; nothing asserted;
 * load-independent): N transactions of a kind are brought to their lingering state through the
 * public API (messages parsed from wire text, as the transport hands them over), on a scheduler
 * whose timers never fire; the live heap (bytes and objects, from a class histogram) minus the
 * same before, divided by N.
 * The transaction user's own state is not in the figure (its listener and user keep nothing).
 *
 * <pre>
 * java -cp parley-cli/target/parley.jar:parley-transaction/target/test-classes \
 *     dev.parley.transaction.LingeringFootprint 20000
 * </pre>
 *
 * Kinds: an INVITE client transaction answered 486 (Completed, Timer D), the same for a
 * proxy's branch whose listener reads no request while it lingers, an INVITE server
 * transaction that answered 486 and got the ACK (Confirmed, Timer I), the same whose user (a
 * proxy) reads no request once it is Confirmed, an INVITE server
 * transaction that answered 200 (Accepted, Timer L), a MESSAGE server transaction that answered
 * 200 (Completed, Timer J), the same whose user (a proxy) reads no request once it is Completed, a
 * MESSAGE client transaction answered 202 (Completed, Timer K), and
 * the same for a proxy's branch.
 */
public final class LingeringFootprint {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.2", 5062);
  private static final Flow FLOW = new Flow(Transport.UDP, LOCAL, PEER, 0);
  private static final Hop HOP = new Hop(Transport.UDP, PEER);
  private static final String SDP = "v=0\r\no=- 3896547 3896547 IN IP4 127.0.0.2\r\ns=-\r\n"
      + "c=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
      + "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
      + "a=sendrecv\r\n";

  private LingeringFootprint() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    if (n < 1 || n > 1_000_000) {
      throw new IllegalArgumentException("N must be 1..1,000,000: " + n);
    }
    String[] kinds = {"invite-client-486", "invite-client-486-branch", "invite-server-486-ack",
        "invite-server-486-ack-proxied", "invite-server-200", "message-server-200",
        "message-server-200-proxied",
        "message-client-202", "message-client-202-branch"};
    for (int round = 0; round < 2; round++) { // the first round warms up the classes
      for (String kind : kinds) {
        long[] perTx = measure(kind, n);
        if (round == 1) {
          System.out.printf(Locale.ROOT, "%-30s %6d B, %4d objects per lingering transaction"
              + " (N=%d)%n", kind, perTx[0], perTx[1], n);
        }
      }
    }
  }

  /** Bytes and objects per transaction. */
  private static long[] measure(String kind, int n) {
    LoopScheduler scheduler = new LoopScheduler();
    Wire wire = new Wire(scheduler);
    TransactionUser user = new TransactionUser() {
      @Override
      public void onRequest(ServerTransaction tx, SipRequest request) {
        int status = kind.startsWith("invite-server-486-ack") ? 486 : 200;
        if (kind.equals("invite-server-486-ack-proxied")) {
          tx.readsNoRequestOnceConfirmed();
        }
        if (kind.equals("message-server-200-proxied")) {
          tx.readsNoRequestOnceCompleted();
        }
        tx.respond(request.response(status, "uas-" + request.callId().hashCode()).build());
      }
    };
    TransactionLayer layer = TransactionLayer.builder(wire, user)
        .config(TransactionConfig.builder().maxTransactions(2_000_000)
            .maxLingeringTransactions(2_000_000)
            .rejectMergedRequests(!kind.endsWith("-proxied")).build()) // a proxy's layer: off
        .build();
    wire.setListener(layer);
    ClientTransaction.Listener ignore = (tx, response) -> { };
    ClientTransaction.Listener branchEnd = new ClientTransaction.Listener() {
      @Override
      public void onResponse(ClientTransaction tx, SipResponse response) {}

      @Override
      public boolean readsRequestWhileLingering() {
        return false;
      }
    };
    ClientTransaction.Listener proxyBranch = new ClientTransaction.Listener() {
      @Override
      public void onResponse(ClientTransaction tx, SipResponse response) {}

      @Override
      public ClientTransaction.Listener afterFinalResponse() {
        return branchEnd;
      }
    };
    long[] before = liveHeap();
    for (int i = 0; i < n; i++) {
      switch (kind) {
        case "invite-client-486", "invite-client-486-branch" -> {
          // as a proxy forwards it: the upstream Via stays, the layer adds its own on top; a
          // proxy's branch reads no request while it lingers
          layer.sendRequest((SipRequest) request("INVITE", i, "z9hG4bK-up-" + i), HOP,
              kind.equals("invite-client-486") ? ignore : proxyBranch);
          SipRequest sent = (SipRequest) wire.last;
          wire.receive(parse(sent.response(486, "uas-" + i).build().encode()));
        }
        case "invite-server-486-ack", "invite-server-486-ack-proxied", "invite-server-200" -> {
          String branch = "z9hG4bK-in-" + i;
          wire.receive(request("INVITE", i, branch));
          if (kind.startsWith("invite-server-486-ack")) {
            wire.receive(ack(i, branch, ((SipResponse) wire.last).to().tag()));
          }
        }
        case "message-server-200", "message-server-200-proxied" -> wire.receive(request("MESSAGE", i, "z9hG4bK-msg-" + i));
        case "message-client-202", "message-client-202-branch" -> {
          layer.sendRequest((SipRequest) request("MESSAGE", i, "z9hG4bK-up-" + i), HOP,
              kind.equals("message-client-202") ? ignore : proxyBranch);
          SipRequest sent = (SipRequest) wire.last;
          wire.receive(parse(sent.response(202, "uas-" + i).build().encode()));
        }
        default -> throw new IllegalArgumentException("kind: " + kind);
      }
      wire.last = null;
    }
    long[] after = liveHeap();
    if (layer.clientCount() + layer.serverCount() != n) {
      throw new IllegalStateException(kind + ": " + (layer.clientCount() + layer.serverCount())
          + " transactions, expected " + n);
    }
    long[] perTx = {(after[0] - before[0]) / n, (after[1] - before[1]) / n};
    reachable(layer, wire, scheduler);
    return perTx;
  }

  private static void reachable(Object... keep) {
    if (keep.length == 0) {
      throw new AssertionError();
    }
  }

  private static SipMessage parse(byte[] bytes) {
    return SipParser.create().parse(bytes);
  }

  private static SipMessage request(String method, int i, String branch) {
    StringBuilder sb = new StringBuilder(1200);
    sb.append(method).append(" sip:lat").append(i % 20).append("@127.0.0.1:5070;transport=udp SIP/2.0\r\n");
    sb.append("Via: SIP/2.0/UDP 127.0.0.2:5062;branch=").append(branch).append(";rport\r\n");
    sb.append("Max-Forwards: 70\r\n")
        .append("From: \"1733497000123456\" <sip:sipp@127.0.0.2:5062>;tag=").append(i).append("SIPpTag001\r\n")
        .append("To: <sip:lat").append(i % 20).append("@bench.example>\r\n")
        .append("Call-ID: ").append(i).append("-4711@127.0.0.2\r\n")
        .append("CSeq: 1 ").append(method).append("\r\n")
        .append("Contact: <sip:sipp@127.0.0.2:5062;transport=udp>\r\n")
        .append("Subject: Latency\r\n")
        .append("User-Agent: SIPp 3.6.1\r\n");
    String body = method.equals("INVITE") ? SDP : "hello " + i;
    sb.append("Content-Type: ").append(method.equals("INVITE") ? "application/sdp" : "text/plain")
        .append("\r\n").append("Content-Length: ").append(body.length()).append("\r\n\r\n")
        .append(body);
    return parse(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static SipMessage ack(int i, String branch, String toTag) {
    String text = "ACK sip:lat" + (i % 20) + "@127.0.0.1:5070;transport=udp SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.2:5062;branch=" + branch + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: \"1733497000123456\" <sip:sipp@127.0.0.2:5062>;tag=" + i + "SIPpTag001\r\n"
        + "To: <sip:lat" + (i % 20) + "@bench.example>;tag=" + toTag + "\r\n"
        + "Call-ID: " + i + "-4711@127.0.0.2\r\n"
        + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
    return parse(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The live heap's bytes and objects, from the class histogram (jcmd GC.class_histogram through
   * the DiagnosticCommand MBean: a full collection, then the count of what is reachable).
   */
  private static long[] liveHeap() {
    try {
      String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {null}, new String[] {String[].class.getName()});
      String[] lines = out.strip().split("\n");
      String[] total = lines[lines.length - 1].trim().split("\\s+"); // Total <objects> <bytes>
      return new long[] {Long.parseLong(total[2]), Long.parseLong(total[1])};
    } catch (JMException e) {
      throw new IllegalStateException("class histogram unavailable", e);
    }
  }

  /** One loop: execute() runs after the current task, timers are kept and never fire. */
  private static final class LoopScheduler implements Scheduler {
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final List<Timer> timers = new ArrayList<>();
    private boolean draining;

    @Override
    public boolean inLoop() {
      return true;
    }

    @Override
    public void execute(Runnable task) {
      queue.add(task);
      if (draining) {
        return;
      }
      draining = true;
      try {
        for (Runnable r; (r = queue.poll()) != null; ) {
          r.run();
        }
      } finally {
        draining = false;
      }
    }

    @Override
    public Timer schedule(Runnable task, long delay, TimeUnit unit) {
      Timer t = new Timer() {
        @Override
        public boolean cancel() {
          return timers.remove(this);
        }
      };
      timers.add(t);
      return t;
    }

    @Override
    public long nowMillis() {
      return 0;
    }
  }

  /** A transport that keeps nothing: the last message sent, for the loop to answer. */
  private static final class Wire implements TransportLayer {
    private final LoopScheduler scheduler;
    private TransportListener listener;
    SipMessage last;

    Wire(LoopScheduler scheduler) {
      this.scheduler = scheduler;
    }

    void receive(SipMessage message) {
      scheduler.execute(() -> listener.onMessage(new Inbound(message, FLOW, scheduler)));
    }

    @Override
    public void setListener(TransportListener listener) {
      this.listener = listener;
    }

    @Override
    public void addTraceListener(TraceListener listener) {}

    @Override
    public void removeTraceListener(TraceListener listener) {}

    @Override
    public CompletableFuture<Void> start() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<ListenPoint> listenPoints() {
      return List.of(new ListenPoint(Transport.UDP, LOCAL));
    }

    @Override
    public CompletableFuture<Flow> send(SipMessage message, Hop hop) {
      message.encode();
      last = message;
      return CompletableFuture.completedFuture(FLOW);
    }

    @Override
    public CompletableFuture<Flow> send(SipMessage message, Flow flow) {
      return send(message, (Hop) null);
    }

    @Override
    public Scheduler nextScheduler() {
      return scheduler;
    }

    @Override
    public void close() {}
  }
}
