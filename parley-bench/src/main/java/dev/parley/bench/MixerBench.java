package dev.parley.bench;

import dev.parley.media.AudioCodec;
import dev.parley.media.AudioFormat;
import dev.parley.media.AudioMixer;
import dev.parley.media.AudioStreamSettings;
import dev.parley.media.Codecs;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import dev.parley.media.MixerParticipant;
import dev.parley.media.MixerStats;
import dev.parley.media.RtpSocket;
import dev.parley.media.ToneSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The conference mixing benchmark of issue 13, as a main (not JMH, not a test; nothing asserted).
 * Two roles, in two processes, so that the mixer's process CPU is measured alone:
 *
 * <ul>
 *   <li>{@code serve}: C {@link AudioMixer}s of P participants each (PCMU, payload type 0, no
 *       remote address: the legs latch onto the first packet's source, symmetric RTP), on one
 *       {@link MediaScheduler}; writes one line {@code conference port} per leg to a file, waits
 *       for the load's first packet, lets {@code --warmup} seconds pass, then prints the
 *       mixers' figures over the next {@code --window} seconds (ticks, late and skipped ticks,
 *       the mean tick time; the latest tick start and the longest tick since the start), where
 *       every participant frame of the window went ({@link MixerStats.Frames}: they add up to
 *       the ticks times the participants) and the jitter buffers' counts, summed over the
 *       conferences.
 *   <li>{@code load}: P x C plain RTP "phones" on loopback (one NIO thread): each sends a 20 ms
 *       PCMU packet every 20 ms (the first K of a conference a tone of its own, the others
 *       G.711 silence) and counts what comes back; when it falls more than 5 frames behind (a
 *       busy machine) it skips the missed rounds instead of sending them in a burst. Against Parley it reads the serve file;
 *       against Janus ({@code --janus URL}) it creates C audiobridge rooms over Janus's HTTP API
 *       (16 kHz, {@code allow_rtp_participants}) and joins each phone as a plain RTP
 *       participant. After a warm-up it reads the server's CPU time ({@code /proc/PID/stat}) over
 *       the measured window and prints {@code us_per_participant_s}: server CPU microseconds per
 *       participant-second; it sends on for {@code --tail} seconds after its window, so that the
 *       serve's window (which starts a few ms later) has every packet too.
 * </ul>
 *
 * <pre>
 * java -cp benchmarks.jar dev.parley.bench.MixerBench serve --conferences 10 --participants 10 \
 *     --ports-file /tmp/legs.txt [--warmup 15] [--window 20] [--threads 2] [--rate 16000]
 * java -cp benchmarks.jar dev.parley.bench.MixerBench load --ports-file /tmp/legs.txt \
 *     --server-pid PID [--speakers 10] [--warmup 15] [--seconds 20] [--tail 3]
 * java -cp benchmarks.jar dev.parley.bench.MixerBench load --janus http://127.0.0.1:38088/janus \
 *     --conferences 10 --participants 10 --server-pid PID
 * </pre>
 */
public final class MixerBench {
  private static final int PAYLOAD = 160; // 20 ms of PCMU
  private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private MixerBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    switch (args.length > 0 ? args[0] : "") {
      case "serve" -> serve(o);
      case "load" -> load(o);
      default -> throw new IllegalArgumentException("serve or load: " + String.join(" ", args));
    }
    System.exit(0);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("option expected: " + args[i]);
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    return o;
  }

  private static int number(Map<String, String> o, String name, int def, int min, int max) {
    int v = Integer.parseInt(o.getOrDefault(name, Integer.toString(def)));
    if (v < min || v > max) {
      throw new IllegalArgumentException(name + " out of range " + min + ".." + max + ": " + v);
    }
    return v;
  }

  // ----------------------------------------------------------------------------- serve

  private static void serve(Map<String, String> o) throws Exception {
    int conferences = number(o, "conferences", 10, 1, 100);
    int participants = number(o, "participants", 10, 2, 100);
    int warmup = number(o, "warmup", 15, 0, 600);
    int window = number(o, "window", 20, 1, 3600);
    int threads = number(o, "threads", 2, 1, 16);
    AudioFormat format = AudioFormat.of(number(o, "rate", 16000, 8000, 48000));
    Path portsFile = Path.of(o.getOrDefault("ports-file", "mixer-legs.txt"));
    try (MediaNetwork network = new MediaNetwork(MediaNetworkConfig.builder()
            .bindAddress(InetAddress.getByName("127.0.0.1")).portRange(20000, 29999).build());
        MediaScheduler workers = new MediaScheduler(threads)) {
      List<AudioMixer> mixers = new ArrayList<>();
      StringBuilder lines = new StringBuilder();
      AudioStreamSettings settings = AudioStreamSettings.builder().send(0, Codecs.PCMU).build();
      for (int c = 0; c < conferences; c++) {
        AudioMixer mixer = AudioMixer.builder(workers).format(format).build();
        mixers.add(mixer);
        for (int p = 0; p < participants; p++) {
          RtpSocket socket = network.open(true).join();
          mixer.add(socket, settings, new MixerParticipant.Listener() {});
          lines.append(c).append(' ').append(socket.localRtpAddress().getPort()).append('\n');
        }
      }
      Path tmp = portsFile.resolveSibling(portsFile.getFileName() + ".tmp");
      Files.writeString(tmp, lines.toString());
      Files.move(tmp, portsFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      System.out.printf(Locale.ROOT, "serving conferences=%d participants=%d rate=%d threads=%d%n",
          conferences, participants, format.sampleRate(), threads);
      // The window starts WARMUP s after the first packet (the load's start) and ends before
      // the load stops sending (it sends a tail of seconds after its own window).
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (received(mixers) == 0) {
        if (System.nanoTime() > waitUntil) {
          throw new IllegalStateException("no RTP from the load within 120 s");
        }
        TimeUnit.MILLISECONDS.sleep(10);
      }
      TimeUnit.SECONDS.sleep(warmup);
      List<MixerStats> before = mixers.stream().map(AudioMixer::stats).toList();
      long[] rx0 = legTotals(mixers);
      Map<String, Long> cpu0 = threadCpu();
      TimeUnit.SECONDS.sleep(window);
      Map<String, Long> cpu1 = threadCpu();
      long[] rx1 = legTotals(mixers);
      long ticks = 0;
      long late = 0;
      long lateAll = 0;
      long skipped = 0;
      long maxLate = 0;
      long tickNanos = 0;
      long maxTick = 0;
      long legTicks = 0;
      MixerStats.Frames frames = new MixerStats.Frames(0, 0, 0, 0, 0, 0, 0, 0);
      for (int i = 0; i < mixers.size(); i++) {
        MixerStats s = mixers.get(i).stats();
        ticks += s.ticks() - before.get(i).ticks();
        legTicks += (s.ticks() - before.get(i).ticks()) * s.participants();
        late += s.lateTicks() - before.get(i).lateTicks();
        lateAll += s.lateTicks();
        skipped += s.skippedTicks() - before.get(i).skippedTicks();
        maxLate = Math.max(maxLate, s.maxLatenessNanos());
        tickNanos += s.tickNanos() - before.get(i).tickNanos();
        maxTick = Math.max(maxTick, s.maxTickNanos());
        frames = frames.plus(s.frames().minus(before.get(i).frames()));
      }
      System.out.printf(Locale.ROOT, "mixer ticks=%d late_ticks=%d late_ticks_since_start=%d"
              + " skipped_ticks=%d max_lateness_ms=%.1f mean_tick_us=%.1f max_tick_ms=%.2f"
              + " mixed_frames=%d packets_received=%d%n",
          ticks, late, lateAll, skipped, maxLate / 1e6,
          ticks == 0 ? 0 : tickNanos / 1e3 / ticks, maxTick / 1e6,
          frames.mixed() + frames.mixedConcealed(), rx1[0] - rx0[0]);
      // Where each participant's frame of each tick in the window went: the counts add up to
      // frames_total, which is the ticks times the participants (frames_expected).
      System.out.printf(Locale.ROOT, "frames expected=%d total=%d mixed=%d mixed_concealed=%d"
              + " silent=%d concealed_silent=%d starting=%d missing=%d left_out=%d"
              + " no_frame=%d%n",
          legTicks, frames.total(), frames.mixed(), frames.mixedConcealed(), frames.silent(),
          frames.concealedSilent(), frames.starting(), frames.missing(), frames.leftOut(), frames.noFrame());
      System.out.printf(Locale.ROOT, "jitter_buffers packets_received=%d late=%d concealed=%d"
              + " lost=%d%n", rx1[0] - rx0[0], rx1[1] - rx0[1], rx1[2] - rx0[2],
          rx1[3] - rx0[3]);
      int n = conferences * participants;
      System.out.printf(Locale.ROOT, "threads us_per_participant_s: mix_workers=%.1f"
              + " rtp_loops=%.1f other_java_threads=%.1f (GC and JIT threads not included)%n",
          (cpu1.get("mix") - cpu0.get("mix")) / 1e3 / n / window,
          (cpu1.get("rtp") - cpu0.get("rtp")) / 1e3 / n / window,
          (cpu1.get("other") - cpu0.get("other")) / 1e3 / n / window);
      for (AudioMixer m : mixers) {
        m.close();
      }
      for (AudioMixer m : mixers) {
        m.closeFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static long received(List<AudioMixer> mixers) {
    long n = 0;
    for (AudioMixer m : mixers) {
      for (MixerParticipant p : m.participants()) {
        n += p.stats().packetsReceived();
      }
    }
    return n;
  }

  /** Summed over every leg: packets received, late, concealed, lost. */
  private static long[] legTotals(List<AudioMixer> mixers) {
    long[] t = new long[4];
    for (AudioMixer m : mixers) {
      for (MixerParticipant p : m.participants()) {
        dev.parley.media.AudioStreamStats s = p.stats();
        t[0] += s.packetsReceived();
        t[1] += s.late();
        t[2] += s.concealed();
        t[3] += s.lost();
      }
    }
    return t;
  }

  // ----------------------------------------------------------------------------- load

  private static void load(Map<String, String> o) throws Exception {
    int warmup = number(o, "warmup", 15, 0, 600);
    int seconds = number(o, "seconds", 20, 1, 3600);
    int tail = number(o, "tail", 3, 0, 60);
    long serverPid = Long.parseLong(o.getOrDefault("server-pid", "0"));
    String janus = o.get("janus");
    List<Phone> phones = new ArrayList<>();
    Selector selector = Selector.open();
    int speakers;
    if (janus == null) {
      List<String> lines = Files.readAllLines(Path.of(o.getOrDefault("ports-file",
          "mixer-legs.txt")));
      int perConference = 0;
      for (String line : lines) {
        String[] f = line.trim().split(" ");
        int conference = Integer.parseInt(f[0]);
        perConference = conference == 0 ? perConference + 1 : perConference;
        phones.add(new Phone(conference, phones.size(), selector));
        phones.get(phones.size() - 1).target = new InetSocketAddress("127.0.0.1",
            Integer.parseInt(f[1]));
      }
      speakers = number(o, "speakers", perConference, 0, perConference);
    } else {
      int conferences = number(o, "conferences", 10, 1, 100);
      int participants = number(o, "participants", 10, 2, 100);
      speakers = number(o, "speakers", participants, 0, participants);
      for (int c = 0; c < conferences; c++) {
        for (int p = 0; p < participants; p++) {
          phones.add(new Phone(c, phones.size(), selector));
        }
      }
      new Janus(URI.create(janus)).join(phones);
    }
    Map<Integer, Integer> rank = new HashMap<>();
    for (Phone p : phones) {
      int r = rank.merge(p.conference, 1, Integer::sum) - 1;
      p.payloads(r < speakers ? 300 + 100 * r : 0);
    }
    System.out.printf(Locale.ROOT, "phones=%d speakers_per_conference=%d server=%s%n",
        phones.size(), speakers, janus == null ? "parley" : "janus " + janus);

    ByteBuffer in = ByteBuffer.allocate(2048);
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    long next = start;
    long serverTicks0 = -1;
    long measuredFrom = 0;
    long received0 = 0;
    long sent0 = 0;
    long received = 0;
    long sent = 0;
    long lateSends = 0;
    long skippedRounds = 0;
    long serverTicks1 = -1;
    long measuredTo = 0;
    long received1 = 0;
    long sent1 = 0;
    while (true) {
      long now = System.nanoTime();
      if (now >= next) {
        if (now - next > FRAME_NANOS) {
          lateSends++;
        }
        if (now - next > 5 * FRAME_NANOS) { // a phone does not send seconds of audio at once
          skippedRounds += (now - next) / FRAME_NANOS;
          next += (now - next) / FRAME_NANOS * FRAME_NANOS;
        }
        for (Phone p : phones) {
          sent += p.send();
        }
        next += FRAME_NANOS;
        if (serverTicks0 < 0 && now >= measureFrom) {
          serverTicks0 = ticks(serverPid);
          measuredFrom = now;
          received0 = received;
          sent0 = sent;
        }
        if (serverTicks1 < 0 && now >= end) { // the window ends; a tail of sending follows
          serverTicks1 = ticks(serverPid);
          measuredTo = now;
          received1 = received;
          sent1 = sent;
        }
        if (now >= end + TimeUnit.SECONDS.toNanos(tail)) {
          break;
        }
      }
      long waitMillis = Math.max(1, (next - System.nanoTime()) / 1_000_000);
      if (selector.select(waitMillis) > 0) {
        for (SelectionKey k : selector.selectedKeys()) {
          DatagramChannel ch = (DatagramChannel) k.channel();
          while (true) {
            in.clear();
            if (ch.receive(in) == null) {
              break;
            }
            received++;
            ((Phone) k.attachment()).received++;
          }
        }
        selector.selectedKeys().clear();
      }
    }
    double window = (measuredTo - measuredFrom) / 1e9;
    double cpu = (serverTicks1 - serverTicks0) / 100.0; // USER_HZ
    long silentPhones = phones.stream().filter(p -> p.received == 0).count();
    System.out.printf(Locale.ROOT, "participants=%d window_s=%.1f server_cpu_s=%.2f cores=%.3f"
            + " us_per_participant_s=%.1f sent_pps=%.0f received_pps=%.0f phones_hearing_nothing=%d"
            + " load_late_sends=%d load_skipped_rounds=%d loadavg=%s%n",
        phones.size(), window, cpu, cpu / window, 1e6 * cpu / (phones.size() * window),
        (sent1 - sent0) / window, (received1 - received0) / window, silentPhones, lateSends,
        skippedRounds, Files.readString(Path.of("/proc/loadavg")).trim().replace(' ', ','));
    for (Phone p : phones) {
      p.channel.close();
    }
  }

  /** CPU ns of this JVM's threads: the mix workers, the RTP sockets' loops, the others. */
  private static Map<String, Long> threadCpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new HashMap<>(Map.of("mix", 0L, "rtp", 0L, "other", 0L));
    for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t == null) {
        continue;
      }
      long ns = Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
      String name = t.getThreadName();
      String kind = name.startsWith(MediaScheduler.THREAD_PREFIX) ? "mix"
          : name.startsWith("parley-media-") ? "rtp" : "other";
      out.merge(kind, ns, Long::sum);
    }
    return out;
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

  /** One plain RTP participant: a socket, what it sends, what came back. */
  private static final class Phone {
    final int conference;
    final DatagramChannel channel;
    final long ssrc;
    InetSocketAddress target;
    int sequence;
    long timestamp;
    long received;
    private byte[][] frames;
    private int frame;
    private final ByteBuffer out = ByteBuffer.allocate(12 + PAYLOAD);

    Phone(int conference, int index, Selector selector) throws IOException {
      this.conference = conference;
      this.ssrc = 0x10000L + index;
      this.channel = DatagramChannel.open();
      channel.bind(new InetSocketAddress("127.0.0.1", 0));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ, this);
    }

    int port() {
      return channel.socket().getLocalPort();
    }

    /** 50 frames (one second, looped) of a tone at {@code hz}, or of silence when 0. */
    void payloads(double hz) {
      frames = new byte[50][];
      AudioCodec pcmu = Codecs.PCMU.newCodec();
      ToneSource tone = hz > 0 ? new ToneSource(hz, AudioFormat.PCM_8000, 0.2) : null;
      for (int i = 0; i < frames.length; i++) {
        frames[i] = pcmu.encode(tone != null ? tone.next()
            : dev.parley.media.AudioFrame.silence(AudioFormat.PCM_8000));
      }
    }

    int send() throws IOException {
      if (target == null) {
        return 0;
      }
      out.clear();
      out.put((byte) 0x80).put((byte) 0).putShort((short) sequence).putInt((int) timestamp)
          .putInt((int) ssrc).put(frames[frame]);
      out.flip();
      sequence = (sequence + 1) & 0xffff;
      timestamp += PAYLOAD;
      frame = (frame + 1) % frames.length;
      return channel.send(out, target) > 0 ? 1 : 0;
    }
  }

  /** Janus's HTTP API (janus.transport.http): rooms and plain RTP participants. */
  private static final class Janus {
    private static final Pattern ID = Pattern.compile("\"id\":\\s*(\\d+)");
    private static final Pattern RTP_PORT =
        Pattern.compile("\"rtp\":\\s*\\{[^}]*\"port\":\\s*(\\d+)");
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;
    private int transaction;

    Janus(URI base) {
      this.base = base;
    }

    void join(List<Phone> phones) throws IOException, InterruptedException {
      String session = id(post(base, "{\"janus\":\"create\"}"));
      URI s = URI.create(base + "/" + session);
      Map<Integer, Boolean> rooms = new HashMap<>();
      for (Phone p : phones) {
        String handle = id(post(s,
            "{\"janus\":\"attach\",\"plugin\":\"janus.plugin.audiobridge\"}"));
        URI h = URI.create(s + "/" + handle);
        int room = 5000 + p.conference;
        if (rooms.putIfAbsent(room, true) == null) {
          String created = post(h, "{\"janus\":\"message\",\"body\":{\"request\":\"create\","
              + "\"room\":" + room + ",\"sampling_rate\":16000,\"allow_rtp_participants\":true}}");
          if (!created.contains("\"created\"")) {
            throw new IOException("room " + room + " not created: " + created);
          }
        }
        String tx = "t" + (++transaction);
        String ack = post(h, "{\"janus\":\"message\",\"transaction\":\"" + tx + "\",\"body\":{"
            + "\"request\":\"join\",\"room\":" + room + ",\"display\":\"phone" + p.ssrc + "\","
            + "\"codec\":\"pcmu\",\"rtp\":{\"ip\":\"127.0.0.1\",\"port\":" + p.port()
            + ",\"payload_type\":0}}}", tx);
        String joined = ack.contains("\"joined\"") ? ack : event(s, tx);
        Matcher m = RTP_PORT.matcher(joined);
        if (!m.find()) {
          throw new IOException("no RTP port in Janus's answer: " + joined);
        }
        p.target = new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
      }
      // keep the session alive (Janus drops a session after 60 s without a request)
      Thread keepalive = new Thread(() -> {
        try {
          while (true) {
            TimeUnit.SECONDS.sleep(20);
            post(s, "{\"janus\":\"keepalive\"}");
          }
        } catch (InterruptedException | IOException e) {
          Thread.currentThread().interrupt();
        }
      }, "janus-keepalive");
      keepalive.setDaemon(true);
      keepalive.start();
    }

    private String event(URI session, String tx) throws IOException, InterruptedException {
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(session
                + "?maxev=10")).timeout(Duration.ofSeconds(40)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.body().contains("\"" + tx + "\"") && r.body().contains("\"joined\"")) {
          return r.body();
        }
      }
      throw new IOException("no join event for " + tx);
    }

    private String post(URI uri, String json) throws IOException, InterruptedException {
      return post(uri, json, "t" + (++transaction));
    }

    private String post(URI uri, String json, String tx) throws IOException,
        InterruptedException {
      String body = json.contains("\"transaction\"") ? json
          : json.substring(0, json.length() - 1) + ",\"transaction\":\"" + tx + "\"}";
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200 || r.body().contains("\"error\"")) {
        throw new IOException("Janus " + uri + ": " + r.statusCode() + " " + r.body());
      }
      return r.body();
    }

    private static String id(String response) throws IOException {
      Matcher m = ID.matcher(response);
      if (!m.find()) {
        throw new IOException("no id in Janus's answer: " + response);
      }
      return m.group(1);
    }
  }
}
