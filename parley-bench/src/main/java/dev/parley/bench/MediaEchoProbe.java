package dev.parley.bench;

import dev.parley.media.MediaClock;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.RtpSocket;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A load probe for an echoing media server ({@code parley uas --media echo}, {@code sipp -sn uas
 * -rtp_echo}): places N calls over UDP SIP (INVITE with a PCMU offer, 200, ACK), then runs N RTP
 * streams of G.711 (160-byte payloads every 20 ms, 50 packets/s each, start times spread over the
 * 20 ms) at the ports the answers gave, and measures what comes back: packets lost and the round
 * trip of each packet (its send time is in its payload), as a histogram of 10 us buckets. Also
 * reads the server's CPU time (utime + stime of {@code /proc/PID/stat}) over the measured window.
 * Ends the calls with BYE.
 *
 * <pre>
 * java -cp benchmarks.jar dev.parley.bench.MediaEchoProbe --sip 127.0.0.1:35080 --streams 500 \
 *     --warmup 5 --seconds 20 --server-pid 1234 [--ports 40000-49999] [--threads 1]
 * </pre>
 *
 * <p>Prints one result line of {@code key=value} pairs (streams, sent, received, lost, loss%,
 * rtt p50/p99/p999/max in ms, server and probe CPU seconds, server CPU microseconds per
 * stream-second). The round trip includes the probe's own stack both ways (two trips through
 * loopback, the probe's event loop): an upper bound on the delay the echo adds.
 *
 * <p>Runs on the media layer's event loops ({@link MediaNetwork}): each stream's 20 ms sends are
 * a fixed-rate timer on its socket's loop, and its receive handler runs there too. Not a test:
 * nothing is asserted.
 */
public final class MediaEchoProbe {
  private static final int PAYLOAD = 160;
  private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final int BUCKET_NANOS = 10_000;
  private static final int BUCKETS = 20_000; // 200 ms; later ones go to the last

  private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);
  private final LongAdder sentMeasured = new LongAdder();
  private final LongAdder receivedMeasured = new LongAdder();
  private final LongAdder receivedOther = new LongAdder();
  private volatile boolean measuring;

  private MediaEchoProbe() {}

  public static void main(String[] args) throws Exception {
    String sip = null;
    int streams = 100;
    int warmup = 5;
    int seconds = 20;
    long serverPid = -1;
    int minPort = 40000;
    int maxPort = 49999;
    int threads = 1;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--sip" -> sip = v;
        case "--streams" -> streams = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--seconds" -> seconds = Integer.parseInt(v);
        case "--server-pid" -> serverPid = Long.parseLong(v);
        case "--threads" -> threads = Integer.parseInt(v);
        case "--ports" -> {
          String[] p = v.split("-", 2);
          minPort = Integer.parseInt(p[0]);
          maxPort = Integer.parseInt(p[1]);
        }
        default -> throw new IllegalArgumentException("unknown option: " + a
            + " (--sip HOST:PORT --streams N --warmup S --seconds S --server-pid PID"
            + " --ports MIN-MAX --threads N)");
      }
      i++;
    }
    if (sip == null) {
      throw new IllegalArgumentException("--sip HOST:PORT is required");
    }
    if (streams < 1 || streams > 5000) {
      throw new IllegalArgumentException("--streams out of range 1..5000: " + streams);
    }
    if (seconds < 1 || seconds > 600 || warmup < 0 || warmup > 600) {
      throw new IllegalArgumentException("--seconds 1..600, --warmup 0..600: " + seconds + ", " + warmup);
    }
    String[] hp = sip.split(":", 2);
    InetSocketAddress target = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    new MediaEchoProbe().run(target, streams, warmup, seconds, serverPid, minPort, maxPort, threads);
    System.exit(0);
  }

  private void run(InetSocketAddress target, int streams, int warmup, int seconds, long serverPid,
      int minPort, int maxPort, int threads) throws Exception {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    try (MediaNetwork network = new MediaNetwork(MediaNetworkConfig.builder().bindAddress(lo)
            .portRange(minPort, maxPort).threads(threads).receiveBufferSize(1 << 20).build());
        DatagramSocket sipSocket = new DatagramSocket(new InetSocketAddress(lo, 0))) {
      sipSocket.setSoTimeout(2000);
      Signalling signalling = new Signalling(sipSocket, target);
      List<Stream> all = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < streams; i++) {
        RtpSocket socket = network.open(false).join();
        Signalling.Call call = signalling.invite(i, socket.localRtpAddress().getPort());
        if (call == null) {
          System.err.printf("call %d not answered 200: stopping at %d streams%n", i, all.size());
          socket.close();
          break;
        }
        socket.remote(call.media(), null);
        all.add(new Stream(i, socket, call));
      }
      System.err.printf(Locale.ROOT, "%d calls set up in %.1f s%n", all.size(),
          (System.nanoTime() - t0) / 1e9);
      for (Stream s : all) {
        s.start();
      }
      TimeUnit.SECONDS.sleep(warmup);
      long serverTicks0 = ticks(serverPid);
      long selfTicks0 = ticks(ProcessHandle.current().pid());
      long w0 = System.nanoTime();
      measuring = true;
      TimeUnit.SECONDS.sleep(seconds);
      measuring = false;
      long w1 = System.nanoTime();
      long serverTicks1 = ticks(serverPid);
      long selfTicks1 = ticks(ProcessHandle.current().pid());
      for (Stream s : all) {
        s.stop();
      }
      TimeUnit.MILLISECONDS.sleep(500); // the last packets' echoes
      for (Stream s : all) {
        signalling.bye(s.call);
      }
      signalling.drain();
      report(all.size(), (w1 - w0) / 1e9, serverTicks1 - serverTicks0, selfTicks1 - selfTicks0,
          serverPid);
      for (Stream s : all) {
        s.socket.close();
      }
    }
  }

  private void report(int streams, double windowSeconds, long serverTicks, long selfTicks,
      long serverPid) {
    long sent = sentMeasured.sum();
    long received = receivedMeasured.sum();
    long[] counts = new long[BUCKETS];
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] = histogram.get(i);
      total += counts[i];
    }
    double hz = 100; // USER_HZ: /proc/PID/stat counts in 1/100 s on Linux
    double serverCpu = serverPid > 0 ? serverTicks / hz : Double.NaN;
    double streamSeconds = streams * windowSeconds;
    System.out.printf(Locale.ROOT,
        "streams=%d window_s=%.1f sent=%d received=%d lost=%d loss_pct=%.3f rtt_p50_ms=%.3f"
            + " rtt_p99_ms=%.3f rtt_p999_ms=%.3f rtt_max_ms=%.3f server_cpu_s=%.2f"
            + " server_us_per_stream_s=%.1f server_us_per_packet=%.1f probe_cpu_s=%.2f"
            + " late_or_stray=%d%n",
        streams, windowSeconds, sent, received, Math.max(0, sent - received),
        sent == 0 ? 0 : 100.0 * Math.max(0, sent - received) / sent,
        quantile(counts, total, 0.50), quantile(counts, total, 0.99),
        quantile(counts, total, 0.999), quantile(counts, total, 1.0), serverCpu,
        1e6 * serverCpu / streamSeconds, received == 0 ? Double.NaN : 1e6 * serverCpu / received,
        selfTicks / hz, receivedOther.sum());
  }

  private static double quantile(long[] counts, long total, double q) {
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank && counts[i] > 0) {
        return (i + 1) * BUCKET_NANOS / 1e6; // the bucket's upper edge
      }
    }
    return counts.length * BUCKET_NANOS / 1e6;
  }

  /** utime + stime of a process in clock ticks, or 0 when unknown. */
  private static long ticks(long pid) {
    if (pid <= 0) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
    } catch (IOException | RuntimeException e) {
      System.err.println("cannot read /proc/" + pid + "/stat: " + e);
      return 0;
    }
  }

  /** One RTP stream: 50 packets/s, send time and a measured flag in the payload. */
  private final class Stream {
    private final RtpSocket socket;
    private final Signalling.Call call;
    private final byte[] packet = new byte[12 + PAYLOAD];
    private int sequence;
    private long timestamp;
    private MediaClock.Timer timer;

    Stream(int index, RtpSocket socket, Signalling.Call call) {
      this.socket = socket;
      this.call = call;
      long ssrc = 0x50000000L + index;
      packet[0] = (byte) 0x80;
      packet[1] = 0; // PCMU
      packet[8] = (byte) (ssrc >> 24);
      packet[9] = (byte) (ssrc >> 16);
      packet[10] = (byte) (ssrc >> 8);
      packet[11] = (byte) ssrc;
      java.util.Arrays.fill(packet, 21, packet.length, (byte) 0xFF); // PCMU silence
      socket.handler(new RtpSocket.Handler() {
        @Override
        public void onRtp(ByteBuf packet, InetSocketAddress source, long arrivalNanos) {
          if (packet.readableBytes() < 12 + 9) {
            receivedOther.increment();
            return;
          }
          int at = packet.readerIndex() + 12;
          long sentAt = packet.getLong(at);
          boolean measured = packet.getByte(at + 8) == 1;
          if (!measured) {
            receivedOther.increment();
            return;
          }
          receivedMeasured.increment();
          long rtt = System.nanoTime() - sentAt;
          int bucket = (int) Math.min(BUCKETS - 1, Math.max(0, rtt / BUCKET_NANOS));
          histogram.incrementAndGet(bucket);
        }
      });
    }

    void start() {
      long offset = ThreadLocalRandom.current().nextLong(FRAME_NANOS);
      timer = socket.clock().scheduleAtFixedRate(this::send, offset, FRAME_NANOS,
          TimeUnit.NANOSECONDS);
    }

    void stop() {
      if (timer != null) {
        timer.cancel();
      }
    }

    private void send() {
      byte[] p = packet; // sendRtp copies it: one buffer per stream, no garbage per packet
      p[2] = (byte) (sequence >> 8);
      p[3] = (byte) sequence;
      sequence = (sequence + 1) & 0xFFFF;
      p[4] = (byte) (timestamp >> 24);
      p[5] = (byte) (timestamp >> 16);
      p[6] = (byte) (timestamp >> 8);
      p[7] = (byte) timestamp;
      timestamp = (timestamp + PAYLOAD) & 0xFFFFFFFFL;
      boolean measured = measuring;
      long now = System.nanoTime();
      for (int i = 0; i < 8; i++) {
        p[12 + i] = (byte) (now >>> (56 - 8 * i));
      }
      p[20] = (byte) (measured ? 1 : 0);
      if (measured) {
        sentMeasured.increment();
      }
      socket.sendRtp(p, 0, p.length);
    }
  }

  /** Blocking UDP SIP, one call at a time: INVITE, (1xx), 200, ACK; BYE at the end. */
  private static final class Signalling {
    record Call(String callId, String fromTag, String toTag, InetSocketAddress media,
        String requestUri) {}

    private final DatagramSocket socket;
    private final InetSocketAddress target;
    private final String local;
    private final byte[] buffer = new byte[65536];
    private int byes;

    Signalling(DatagramSocket socket, InetSocketAddress target) {
      this.socket = socket;
      this.target = target;
      this.local = "127.0.0.1:" + socket.getLocalPort();
    }

    Call invite(int i, int rtpPort) throws IOException {
      String callId = "probe-" + ProcessHandle.current().pid() + "-" + i;
      String fromTag = "p" + i;
      String uri = "sip:echo@" + target.getHostString() + ":" + target.getPort();
      String sdp = "v=0\r\no=probe " + i + " 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
          + "t=0 0\r\nm=audio " + rtpPort + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
      String invite = "INVITE " + uri + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK-probe-inv-" + i + "\r\n"
          + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=" + fromTag + "\r\n"
          + "To: <" + uri + ">\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
          + "Contact: <sip:probe@" + local + ">\r\nContent-Type: application/sdp\r\n"
          + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
      for (int attempt = 0; attempt < 3; attempt++) {
        send(invite);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
          String r = receive();
          if (r == null) {
            break;
          }
          if (!r.startsWith("SIP/2.0 ") || !callId.equals(header(r, "Call-ID"))) {
            continue;
          }
          int status = Integer.parseInt(r.substring(8, 11));
          if (status < 200) {
            continue;
          }
          if (status >= 300) {
            System.err.println("INVITE " + i + " answered " + r.lines().findFirst().orElse(""));
            return null;
          }
          String to = header(r, "To");
          String toTag = to.substring(to.indexOf(";tag=") + 5).split("[;>]")[0];
          InetSocketAddress media = media(r);
          Call call = new Call(callId, fromTag, toTag, media, uri);
          send(inDialog("ACK", call, 1, "z9hG4bK-probe-ack-" + i));
          return call;
        }
      }
      return null;
    }

    void bye(Call call) throws IOException {
      send(inDialog("BYE", call, 2, "z9hG4bK-probe-bye-" + (byes++)));
    }

    /** Reads what comes back for a while (200s to BYE, retransmissions) and drops it. */
    void drain() throws IOException {
      socket.setSoTimeout(300);
      for (int n = 0; n < 100_000 && receive() != null; n++) {
        // discard
      }
    }

    private String inDialog(String method, Call call, int cseq, String branch) {
      return method + " " + call.requestUri() + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP " + local + ";branch=" + branch + "\r\n"
          + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=" + call.fromTag() + "\r\n"
          + "To: <" + call.requestUri() + ">;tag=" + call.toTag() + "\r\nCall-ID: "
          + call.callId() + "\r\nCSeq: " + cseq + " " + method + "\r\nContent-Length: 0\r\n\r\n";
    }

    private void send(String text) throws IOException {
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(b, b.length, target));
    }

    private String receive() throws IOException {
      DatagramPacket p = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        return null;
      }
      return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }

    private static String header(String message, String name) {
      for (String line : message.split("\r\n")) {
        if (line.isEmpty()) {
          break;
        }
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return "";
    }

    private static InetSocketAddress media(String message) {
      int body = message.indexOf("\r\n\r\n");
      String ip = "127.0.0.1";
      int port = -1;
      for (String line : message.substring(body + 4).split("\r?\n")) {
        if (line.startsWith("c=IN IP4 ")) {
          ip = line.substring(9).trim();
        } else if (line.startsWith("m=audio ")) {
          port = Integer.parseInt(line.split(" ")[1]);
        }
      }
      if (port <= 0) {
        throw new IllegalStateException("no m=audio port in the answer:\n" + message);
      }
      return new InetSocketAddress(ip, port);
    }
  }
}
