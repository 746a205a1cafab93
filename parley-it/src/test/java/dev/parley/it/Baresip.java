package dev.parley.it;

import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runs baresip 1.0 (Debian package {@code baresip-core}) headless as a real user agent for interop
 * tests, driven through its {@code ctrl_tcp} module: netstring-framed JSON commands ({@code dial},
 * {@code accept}, {@code hangup}, {@code message}) and events ({@code REGISTER_OK},
 * {@code CALL_RINGING}, {@code CALL_ESTABLISHED}, {@code CALL_CLOSED}...).
 *
 * <p>Each instance gets its own configuration directory (config, accounts, contacts) in the work
 * directory, SIP and control ports free on 127.0.0.1, no sound card (a sine as source, 440 Hz
 * unless {@link Builder#tone} says otherwise, {@code aubridge} as player, what it hears recorded
 * to WAV files with {@link Builder#recordTo}), PCMU unless {@link Builder#audioCodecs} says
 * otherwise, and a SIP trace ({@code -s}) in its log. It quits by
 * itself after {@link Builder#quitAfter} ({@code -t}) should a test forget it; {@link #close} ends
 * it sooner. One instance per peer; {@link #awaitEvent} and the commands are for one test thread.
 */
final class Baresip implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

  /** One baresip event: its {@code type} ({@code CALL_CLOSED}...), {@code param} and every field. */
  record Event(String type, String param, Map<String, String> fields) {
    @Override
    public String toString() {
      return type + (param == null || param.isEmpty() ? "" : " [" + param + "]")
          + (fields.containsKey("peeruri") ? " peer " + fields.get("peeruri") : "");
    }
  }

  private final PeerProcess process;
  private final String aor;
  private final List<String> contactUris;
  private final int sipPort;
  private final Socket control;
  private final OutputStream controlOut;
  private final BlockingQueue<Event> pending = new LinkedBlockingQueue<>();
  private final List<Event> history = new CopyOnWriteArrayList<>();
  private final Map<String, CompletableFuture<String>> replies = new ConcurrentHashMap<>();
  private final AtomicInteger tokens = new AtomicInteger();
  private final Thread reader;
  private final Path recordDir;
  private volatile Exception readerEnd;

  private Baresip(PeerProcess process, String aor, List<String> contactUris, int sipPort,
      Socket control, Path recordDir) throws IOException {
    this.process = process;
    this.recordDir = recordDir;
    this.aor = aor;
    this.contactUris = List.copyOf(contactUris);
    this.sipPort = sipPort;
    this.control = control;
    this.controlOut = control.getOutputStream();
    this.reader = new Thread(this::readControl, "baresip-ctrl-" + sipPort);
    reader.setDaemon(true);
    reader.start();
  }

  /** A baresip whose configuration directory and log go to {@code workDir}. */
  static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** Skips (or, on CI, fails) the calling test when baresip is not installed. */
  static void requireInstalled() {
    PeerProcess.requireInstalled("baresip", "baresip-core");
  }

  /** The account's address of record, e.g. {@code sip:carol@127.0.0.1:5060}. */
  String aor() {
    return aor;
  }

  /** The UDP port baresip's SIP stack listens on, on 127.0.0.1. */
  int sipPort() {
    return sipPort;
  }

  /** Waits for {@code REGISTER_OK}; fails at once on {@code REGISTER_FAIL}. */
  Event awaitRegistered(Duration timeout) {
    Event e = awaitEvent(ev -> ev.type().startsWith("REGISTER_OK")
        || ev.type().startsWith("REGISTER_FAIL"), "REGISTER_OK", timeout);
    if (!e.type().equals("REGISTER_OK")) {
      throw new AssertionError("baresip did not register: " + e + "\n" + log());
    }
    return e;
  }

  /** Calls {@code uri} ({@code /dial}). */
  void dial(String uri) {
    command("dial", uri);
  }

  /** Answers the ringing incoming call ({@code /accept}). */
  void accept() {
    command("accept", "");
  }

  /** Hangs up the current call ({@code /hangup}): CANCEL while it rings, BYE once established. */
  void hangup() {
    command("hangup", "");
  }

  /** Sends {@code text} as a MESSAGE to the current contact (the one {@link Builder#contact} set). */
  void message(String text) {
    command("message", text);
  }

  /**
   * Sends {@code text} as a pager-mode MESSAGE to {@code uri}, which must be one of the
   * {@link Builder#contact contacts}: baresip's {@code /message} goes to the current contact only,
   * so this first makes {@code uri} current ({@code /contact_prev} to the head of the list, then
   * {@code /contact_next} until baresip names it).
   */
  void messageTo(String uri, String text) {
    int index = contactUris.indexOf(uri);
    if (index < 0) {
      throw new IllegalArgumentException("not a contact of " + aor + ": " + uri + " (contacts: "
          + contactUris + ")");
    }
    for (int i = 0; i < contactUris.size(); i++) {
      command("contact_prev", "");
    }
    for (int i = 0; i < index; i++) {
      command("contact_next", "");
    }
    message(text);
  }

  /**
   * Waits until baresip's output has a line containing {@code fragment} and returns that line.
   *
   * @throws AssertionError (with the events and the log) after {@code timeout}
   */
  String awaitOutput(String fragment, Duration timeout) {
    AtomicReference<String> line = new AtomicReference<>();
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
        for (String l : process.log(Integer.MAX_VALUE).split("\n")) {
          if (l.contains(fragment)) {
            line.set(l);
            return true;
          }
        }
        return false;
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("baresip: no output line with \"" + fragment + "\" within "
          + timeout + "\n" + log(), e);
    }
    return line.get();
  }

  /**
   * Waits until baresip has received a MESSAGE whose body is {@code text} and returns the sender's
   * URI as baresip printed it: its {@code menu} module shows {@code PEER-URI: "TEXT"} through the
   * {@code stdio} UI (ctrl_tcp 1.0 has no event for messages).
   */
  String awaitMessage(String text, Duration timeout) {
    String line = awaitOutput(": \"" + text + "\"", timeout);
    String peer = line.substring(0, line.lastIndexOf(": \"" + text + "\""));
    int sip = peer.lastIndexOf("sip:");
    return sip < 0 ? peer.strip() : peer.substring(sip).strip();
  }

  /**
   * Waits until the {@code sndfile} module has completed the recording of what baresip received in
   * its one call so far ({@code dump-DATE-dec.wav}: libsndfile writes the header's lengths when the
   * call ends) and returns it.
   *
   * @throws IllegalStateException if baresip was built without {@link Builder#recordTo}
   * @throws AssertionError (with the log) after {@code timeout}
   */
  Path awaitReceivedRecording(Duration timeout) {
    return awaitReceivedRecording(timeout, p -> true);
  }

  /**
   * Waits until one completed {@code *-dec.wav} passes {@code accepted} and returns it: with two
   * calls (one held, whose restarted recording may never be completed) the test names the one it
   * means by what it holds.
   */
  Path awaitReceivedRecording(Duration timeout, Predicate<Path> accepted) {
    if (recordDir == null) {
      throw new IllegalStateException("baresip " + aor + " records nothing: no recordTo(dir)");
    }
    AtomicReference<Path> found = new AtomicReference<>();
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
        try (var files = Files.list(recordDir)) {
          List<Path> decoded = files
              .filter(f -> f.getFileName().toString().endsWith("-dec.wav")).toList();
          for (Path p : decoded) {
            if (headerComplete(p) && accepted.test(p)) {
              found.set(p);
              return true;
            }
          }
        }
        return false;
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("baresip: no completed *-dec.wav in " + recordDir + " within "
          + timeout + "\n" + log(), e);
    }
    return found.get();
  }

  /**
   * Waits until every {@code dump-DATE-dec.wav} the {@code sndfile} module wrote is complete and
   * returns them in the order they were started (their names). baresip starts a new pair of
   * files each time a call's audio restarts, e.g. on {@code /hold} and {@code /resume}.
   *
   * @throws IllegalStateException if baresip was built without {@link Builder#recordTo}
   * @throws AssertionError (with the log) after {@code timeout}
   */
  List<Path> awaitReceivedRecordings(Duration timeout) {
    if (recordDir == null) {
      throw new IllegalStateException("baresip " + aor + " records nothing: no recordTo(dir)");
    }
    AtomicReference<List<Path>> found = new AtomicReference<>();
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
        try (var files = Files.list(recordDir)) {
          List<Path> decoded = files.filter(f -> f.getFileName().toString().endsWith("-dec.wav"))
              .sorted().toList();
          for (Path p : decoded) {
            if (!headerComplete(p)) {
              return false;
            }
          }
          found.set(decoded);
          return !decoded.isEmpty();
        }
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("baresip: the *-dec.wav files in " + recordDir
          + " not all complete within " + timeout + "\n" + log(), e);
    }
    return found.get();
  }

  /** Whether the RIFF and data lengths of a 44-byte-header WAV file match its size. */
  private static boolean headerComplete(Path wav) throws IOException {
    byte[] head = new byte[44];
    long size;
    try (InputStream in = Files.newInputStream(wav)) {
      if (in.readNBytes(head, 0, 44) < 44) {
        return false;
      }
      size = Files.size(wav);
    }
    long riff = littleEndian(head, 4);
    long data = littleEndian(head, 40);
    return data > 0 && riff + 8 == size && data + 44 == size;
  }

  private static long littleEndian(byte[] b, int at) {
    return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16
        | (b[at + 3] & 0xffL) << 24;
  }

  /** Whether baresip's output so far (SIP trace included) contains {@code fragment}. */
  boolean outputContains(String fragment) {
    return process.log(Integer.MAX_VALUE).contains(fragment);
  }

  /**
   * Sends a command and waits for baresip's reply.
   *
   * @return the reply's {@code data}
   * @throws AssertionError (with the log) when baresip answers {@code ok:false} or not at all
   */
  String command(String name, String params) {
    String token = "t" + tokens.incrementAndGet();
    CompletableFuture<String> reply = new CompletableFuture<>();
    replies.put(token, reply);
    String json = "{\"command\":" + quote(name) + ",\"params\":" + quote(params) + ",\"token\":"
        + quote(token) + "}";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    try {
      synchronized (controlOut) {
        controlOut.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
        controlOut.write(body);
        controlOut.write(',');
        controlOut.flush();
      }
      return reply.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("baresip refused /" + name + " " + params + ": "
          + e.getCause().getMessage() + "\n" + log(), e);
    } catch (IOException | TimeoutException e) {
      throw new AssertionError("baresip did not answer /" + name + " " + params + ": " + e + "\n"
          + log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      replies.remove(token);
    }
  }

  /**
   * Takes events in arrival order, dropping those that do not match, until one of {@code type}
   * arrives.
   *
   * @throws AssertionError (with the events seen and the log) after {@code timeout}
   */
  Event awaitEvent(String type, Duration timeout) {
    return awaitEvent(e -> e.type().equals(type), type, timeout);
  }

  /** Like {@link #awaitEvent(String, Duration)} with any condition. */
  Event awaitEvent(Predicate<Event> condition, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        Event e = left <= 0 ? null : pending.poll(left, TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("baresip: no " + what + " within " + timeout + "; events: "
              + history + "\n" + log());
        }
        if (condition.test(e)) {
          return e;
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", ie);
    }
  }

  /** Every event so far, in order. */
  List<Event> events() {
    return List.copyOf(history);
  }

  /** The events so far and the tail of baresip's output (SIP trace included), status lines left out. */
  String log() {
    StringBuilder s = new StringBuilder("--- baresip ").append(aor).append(" events: ")
        .append(history).append('\n');
    if (readerEnd != null) {
      s.append("control connection ended: ").append(readerEnd).append('\n');
    }
    String raw = process.log(200_000);
    StringBuilder kept = new StringBuilder();
    for (String line : raw.split("\n")) {
      // the call status line ("[0:00:03] audio=64000/0 (bit/s)") repeats ten times a second
      String cleaned = line.replaceAll("\\[\\d+:\\d\\d:\\d\\d\\] audio=\\d+/\\d+ \\(bit/s\\)\\s*", "")
          .replace("\u001b[36;1m", "").replace("\u001b[;m", "");
      if (!cleaned.isBlank()) {
        kept.append(cleaned).append('\n');
      }
    }
    String text = kept.toString();
    return s.append(text.length() <= 12_000 ? text : "..." + text.substring(text.length() - 12_000))
        .toString();
  }

  /** Asks baresip to quit, then ends the process (SIGTERM, SIGKILL). Never throws. */
  @Override
  public void close() {
    if (process.isAlive() && !control.isClosed()) {
      try {
        String json = "{\"command\":\"quit\",\"params\":\"\",\"token\":\"quit\"}";
        synchronized (controlOut) {
          controlOut.write((json.length() + ":" + json + ",").getBytes(StandardCharsets.US_ASCII));
          controlOut.flush();
        }
      } catch (IOException ignored) {
        // already gone: the process is ended below anyway
      }
    }
    try {
      control.close();
    } catch (IOException ignored) {
      // closing
    }
    process.close();
  }

  private void readControl() {
    try (InputStream in = new BufferedInputStream(control.getInputStream())) {
      while (true) {
        String json = readNetstring(in);
        Map<String, String> fields = FlatJson.parse(json);
        if ("true".equals(fields.get("response"))) {
          CompletableFuture<String> reply = replies.get(fields.get("token"));
          if (reply != null) {
            if ("true".equals(fields.get("ok"))) {
              reply.complete(fields.getOrDefault("data", ""));
            } else {
              reply.completeExceptionally(new IOException(fields.getOrDefault("data", "not ok")));
            }
          }
        } else if ("true".equals(fields.get("event"))) {
          Event e = new Event(fields.getOrDefault("type", ""), fields.getOrDefault("param", ""),
              fields);
          history.add(e);
          pending.add(e);
        }
      }
    } catch (IOException | RuntimeException end) {
      // baresip quit or the socket was closed: commands still waiting time out with the log
      readerEnd = end;
    }
  }

  private static String readNetstring(InputStream in) throws IOException {
    int length = 0;
    int c;
    while ((c = in.read()) != ':') {
      if (c < 0) {
        throw new EOFException();
      }
      if (c < '0' || c > '9') {
        throw new IOException("bad netstring length byte: " + c);
      }
      length = length * 10 + (c - '0');
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length || in.read() != ',') {
      throw new EOFException();
    }
    return new String(body, StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** How the baresip runs; not thread-safe. */
  static final class Builder {
    private final Path workDir;
    private String user;
    private String password;
    private String registrar;
    private String outbound;
    private boolean register = true;
    private String answerMode = "manual";
    private final List<String> contacts = new ArrayList<>();
    private final List<String> contactUris = new ArrayList<>();
    /** Ports in each baresip's RTP range: two a call, {@code call_max_calls} 4. */
    private static final int RTP_BLOCK = 16;
    /** Ports each baresip gets ({@link #portBlock}): SIP, TLS, control, one spare, RTP. */
    private static final int PORT_BLOCK = 4 + RTP_BLOCK;

    private Duration quitAfter = Duration.ofSeconds(180);
    private List<String> audioCodecs = List.of("PCMU");
    private int toneHz = 440;
    private Path recordDir;

    private Builder(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    /**
     * The account: {@code sip:user@registrar} with digest password {@code password} (baresip
     * answers MD5 challenges only). Required.
     *
     * @param registrar {@code host:port} of the registrar and proxy, e.g. {@code 127.0.0.1:5060}
     */
    Builder account(String user, String password, String registrar) {
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password");
      this.registrar = Objects.requireNonNull(registrar, "registrar");
      return this;
    }

    /**
     * Sends every request (REGISTER included) to {@code hostPort} instead of the account's domain
     * (baresip's {@code outbound} account parameter): for a domain that is a name no resolver knows,
     * e.g. {@code sip:carol@parley.test} served by a proxy on {@code 127.0.0.1:5060}.
     */
    Builder outboundProxy(String hostPort) {
      this.outbound = Objects.requireNonNull(hostPort, "hostPort");
      return this;
    }

    /** Whether the account registers (default true); without, baresip only places calls. */
    Builder register(boolean on) {
      this.register = on;
      return this;
    }

    /** {@code manual} (default: incoming calls wait for {@link #accept()}), {@code auto} or {@code early}. */
    Builder answerMode(String mode) {
      this.answerMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Adds a contact; the last one added is the current contact that {@code message} goes to at
     * start ({@link #messageTo} picks another).
     */
    Builder contact(String name, String uri) {
      contacts.add("\"" + name + "\" <" + uri + ">");
      contactUris.add(uri);
      return this;
    }

    /**
     * The account's audio codecs in baresip's preference order, as its {@code audio_codecs}
     * account parameter names them: {@code PCMU}, {@code PCMA}, {@code opus/48000/2}. Default
     * {@code PCMU} only. The {@code g711} module is always loaded, {@code opus} when asked for.
     */
    Builder audioCodecs(String... codecs) {
      if (codecs.length == 0) {
        throw new IllegalArgumentException("audioCodecs: at least one codec");
      }
      this.audioCodecs = List.of(codecs);
      return this;
    }

    /**
     * The frequency of the sine baresip sends ({@code audio_source ausine,HZ}; default 440 Hz).
     * ausine makes 48 kHz stereo, which baresip resamples to the codec's rate.
     */
    Builder tone(int hz) {
      if (hz < 20 || hz > 3900) {
        throw new IllegalArgumentException("tone: " + hz + " Hz is not between 20 and 3900");
      }
      this.toneHz = hz;
      return this;
    }

    /**
     * Records every call with the {@code sndfile} module into {@code dir}: one
     * {@code dump-DATE-dec.wav} of what baresip received and decoded, one {@code ...-enc.wav} of
     * what it sent, both 16-bit mono PCM at the codec's rate, their headers completed when the
     * call ends ({@link #awaitReceivedRecording}).
     */
    Builder recordTo(Path dir) {
      this.recordDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** When baresip quits by itself ({@code -t}; default 180 s): a safety net, not a stop. */
    Builder quitAfter(Duration d) {
      this.quitAfter = d;
      return this;
    }

    /**
     * The first of {@value #PORT_BLOCK} ports free for UDP and TCP on every address right now,
     * above the kernel's ephemeral range (32768-60999 by default), for one baresip: SIP on the
     * first (UDP and TCP; TLS takes the next), the control port on the third, RTP and RTCP on the
     * last {@value #RTP_BLOCK}. Inside the ephemeral range every kernel-chosen port of this
     * machine (other tests' sockets, load tests) competes with a port chosen free a moment
     * before, and baresip gives up on EADDRINUSE: its control port does not open, {@code /dial}
     * answers "Address already in use", an INVITE gets 500 Call Error. baresip binds its media
     * sockets on 0.0.0.0, whatever {@code net_interface} says.
     */
    private static int portBlock() throws IOException {
      java.util.Random random = new java.util.Random();
      for (int attempt = 0; attempt < 50; attempt++) {
        int first = 61_000 + 2 * random.nextInt((65_500 - 61_000 - PORT_BLOCK) / 2);
        if (allFree(first, first + PORT_BLOCK - 1)) {
          return first;
        }
      }
      throw new IOException("no block of " + PORT_BLOCK + " free ports in 61000-65500");
    }

    private static boolean allFree(int first, int last) {
      for (int port = first; port <= last; port++) {
        try (java.net.DatagramSocket udp = new java.net.DatagramSocket(port);
            java.net.ServerSocket tcp = new java.net.ServerSocket(port)) {
          udp.getLocalPort();
          tcp.getLocalPort();
        } catch (IOException taken) {
          return false;
        }
      }
      return true;
    }

    /**
     * Writes the configuration, starts baresip and connects to its control port.
     *
     * @throws IllegalStateException (with the log) if baresip exits or its control port stays
     *     closed for 20 s
     */
    Baresip start() throws IOException {
      Objects.requireNonNull(user, "account(...) not set");
      Path conf = workDir.resolve("conf");
      Files.createDirectories(conf);
      int block = portBlock();
      int sipPort = block;
      int ctrlPort = block + 2;
      boolean opus = audioCodecs.stream()
          .anyMatch(c -> c.toLowerCase(Locale.ROOT).startsWith("opus"));
      if (recordDir != null) {
        Files.createDirectories(recordDir);
      }
      Files.writeString(conf.resolve("config"), String.join("\n",
          "poll_method\t\tepoll",
          "sip_listen\t\t127.0.0.1:" + sipPort,
          "net_interface\t\t127.0.0.1",
          "call_local_timeout\t120",
          "call_max_calls\t\t4",
          "audio_player\t\taubridge,nowhere",
          "audio_alert\t\taubridge,nowhere",
          "audio_source\t\tausine," + toneHz,
          "ausrc_srate\t\t48000",
          "ausrc_channels\t\t2",
          "rtp_ports\t\t" + (block + 4) + "-" + (block + PORT_BLOCK - 1),
          "module_path\t\t/usr/lib/baresip/modules",
          "module\t\t\tg711.so",
          opus ? "module\t\t\topus.so" : "",
          "module\t\t\tausine.so",
          // an audio filter: what goes out and what comes in, decoded, each to a WAV file
          recordDir == null ? "" : "module\t\t\tsndfile.so",
          recordDir == null ? "" : "snd_path\t\t" + recordDir,
          "module\t\t\taubridge.so",
          // the stdio UI prints what the menu module reports, such as a received MESSAGE
          // (PEER: "TEXT"); without a terminal it warns "could not setup terminal" and works on
          "module\t\t\tstdio.so",
          "module_tmp\t\taccount.so",
          "module_app\t\tmenu.so",
          "module_app\t\tcontact.so",
          "module_app\t\tctrl_tcp.so",
          "ctrl_tcp_listen\t\t127.0.0.1:" + ctrlPort,
          ""));
      String aor = "sip:" + user + "@" + registrar;
      // the account is created with /uanew once the control connection is up: an account in
      // the accounts file registers at start-up, and its REGISTER_OK/FAIL events would be sent
      // before anyone listens
      String account = "<" + aor + ";transport=udp>;auth_pass=" + password + ";answermode="
          + answerMode + ";audio_codecs=" + String.join(",", audioCodecs)
          + (register ? "" : ";regint=0")
          + (outbound == null ? "" : ";outbound=\"sip:" + outbound + "\"");
      Files.writeString(conf.resolve("accounts"), "# created with /uanew: " + account + "\n");
      Files.writeString(conf.resolve("contacts"), String.join("\n", contacts) + "\n");
      if (!contactUris.isEmpty()) {
        // without this file the contact module makes the first contact current
        Files.writeString(conf.resolve("current_contact"), contactUris.get(contactUris.size() - 1));
      }
      List<String> cmd = List.of(PeerProcess.resolve("baresip"), "-f", conf.toString(), "-s",
          "-t", Long.toString(quitAfter.toSeconds()));
      Files.writeString(workDir.resolve("command.txt"), String.join(" ", cmd) + "\n");
      PeerProcess process = PeerProcess.start("baresip " + user, cmd, workDir,
          workDir.resolve("baresip.log"));
      AtomicReference<Socket> control = new AtomicReference<>();
      try {
        await().atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(50))
            .failFast("baresip exited before its control port opened", () -> !process.isAlive())
            .until(() -> {
              Socket s = new Socket();
              try {
                s.connect(new InetSocketAddress("127.0.0.1", ctrlPort), 200);
                control.set(s);
                return true;
              } catch (IOException notYet) {
                s.close();
                return false;
              }
            });
        Baresip baresip = new Baresip(process, aor, contactUris, sipPort, control.get(),
          recordDir);
        try {
          baresip.command("uanew", account);
        } catch (AssertionError e) {
          baresip.close();
          throw e;
        }
        return baresip;
      } catch (RuntimeException | Error | IOException e) {
        String log = process.log();
        Socket s = control.get();
        if (s != null) {
          s.close();
        }
        process.close();
        throw new IllegalStateException("baresip did not start\n" + log, e);
      }
    }
  }

  /** Just enough JSON for baresip's flat event and reply objects: every value as a string. */
  static final class FlatJson {
    private final String s;
    private int i;

    private FlatJson(String s) {
      this.s = s;
    }

    static Map<String, String> parse(String json) {
      return new FlatJson(json).object();
    }

    private Map<String, String> object() {
      Map<String, String> out = new LinkedHashMap<>();
      skipSpace();
      expect('{');
      skipSpace();
      if (peek() == '}') {
        return out;
      }
      while (true) {
        skipSpace();
        String key = string();
        skipSpace();
        expect(':');
        skipSpace();
        out.put(key, value());
        skipSpace();
        char c = s.charAt(i++);
        if (c == '}') {
          return out;
        }
        if (c != ',') {
          throw new IllegalArgumentException("expected , or } at " + (i - 1) + ": " + s);
        }
      }
    }

    private String value() {
      char c = peek();
      if (c == '"') {
        return string();
      }
      if (c == '{' || c == '[') {
        // nested values do not occur in the events we read; keep their text
        int depth = 0;
        int start = i;
        boolean inString = false;
        for (; i < s.length(); i++) {
          char d = s.charAt(i);
          if (inString) {
            if (d == '\\') {
              i++;
            } else if (d == '"') {
              inString = false;
            }
          } else if (d == '"') {
            inString = true;
          } else if (d == '{' || d == '[') {
            depth++;
          } else if ((d == '}' || d == ']') && --depth == 0) {
            i++;
            return s.substring(start, i);
          }
        }
        throw new IllegalArgumentException("unterminated value: " + s);
      }
      int start = i;
      while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
        i++;
      }
      return s.substring(start, i);
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      }
    }

    private void skipSpace() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private char peek() {
      return s.charAt(i);
    }

    private void expect(char c) {
      if (i >= s.length() || s.charAt(i) != c) {
        throw new IllegalArgumentException("expected " + c + " at " + i + ": " + s);
      }
      i++;
    }
  }
}
