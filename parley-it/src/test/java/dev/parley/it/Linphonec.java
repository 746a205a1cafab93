package dev.parley.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runs linphonec 5.1 (Debian package {@code linphone-cli}) headless as a real user agent for
 * interop tests, driven by commands written to its standard input ({@code call URI},
 * {@code answer}, {@code terminate}, {@code chat URI TEXT}, {@code quit}) and read back from its
 * output ({@code Call N with URI connected.}, {@code Message received from URI: TEXT}) and its
 * SIP log (registration state, the messages on the wire).
 *
 * <p>Each instance gets its own {@code linphonerc} and {@code HOME} in the work directory (liblinphone
 * keeps its chat database under {@code ~/.local/share/linphone} and only sends chat messages when
 * it can open it), SIP over UDP on a free port of 127.0.0.1 (IPv6 off, else it picks a global
 * IPv6 address for its identity), no sound card, one account registered with digest to a
 * registrar that is also its outbound proxy, and its SIP log ({@code -d 6 -l}) in
 * {@code linphonec-sip.log}. One instance per peer; not thread-safe.
 */
final class Linphonec implements AutoCloseable {
  private final PeerProcess process;
  private final Path sipLog;
  private final OutputStream stdin;
  private final String aor;

  private Linphonec(PeerProcess process, Path sipLog, String aor) {
    this.process = process;
    this.sipLog = sipLog;
    this.stdin = process.stdin();
    this.aor = aor;
  }

  /** A linphonec whose configuration, home and logs go to {@code workDir}. */
  static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** Skips (or, on CI, fails) the calling test when linphonec is not installed. */
  static void requireInstalled() {
    PeerProcess.requireInstalled("linphonec", "linphone-cli");
  }

  /** The account's address of record, e.g. {@code sip:lin@127.0.0.1:5060}. */
  String aor() {
    return aor;
  }

  /**
   * Waits until liblinphone's log says the account moved to {@code LinphoneRegistrationOk}; fails
   * at once on {@code LinphoneRegistrationFailed}. (linphonec 5.1 prints no registration line on
   * its output, {@code -S} or not.)
   */
  void awaitRegistered(Duration timeout) {
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(50))
          .failFast("linphonec exited", () -> !process.isAlive())
          .failFast("registration failed", () -> sipLogContains("to [LinphoneRegistrationFailed]"))
          .until(() -> sipLogContains("to [LinphoneRegistrationOk]"));
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      throw new AssertionError("linphonec did not register: " + e.getMessage() + "\n" + log(), e);
    }
  }

  /** Sends {@code text} (one line, no quotes) as a pager-mode MESSAGE to {@code uri}. */
  void chat(String uri, String text) {
    if (text.contains("\n") || text.contains("\"")) {
      throw new IllegalArgumentException("one line without quotes: " + text);
    }
    command("chat " + uri + " " + text);
  }

  /** Calls {@code uri} ({@code call URI}). */
  void call(String uri) {
    command("call " + uri);
  }

  /** Answers the ringing incoming call ({@code answer}). */
  void answer() {
    command("answer");
  }

  /**
   * Plays {@code wav} (16-bit PCM, any rate; linphonec resamples) into the current call instead of
   * a microphone ({@code play FILE}, with {@code soundcard use files}): give it after the call is
   * {@code connected.}, which starts the audio graph.
   */
  void play(Path wav) {
    command("play " + wav.toAbsolutePath());
  }

  /**
   * Records what the current call receives into {@code wav} ({@code record FILE}: 16-bit mono
   * PCM at 8 kHz, written as it arrives), from now until the call ends. Its header's lengths are
   * the file's size, 44 bytes more than the data: readers must stop at the end of the file.
   */
  void record(Path wav) {
    command("record " + wav.toAbsolutePath());
  }

  /** Hangs up the current call ({@code terminate}): CANCEL while it rings, BYE once connected. */
  void terminate() {
    command("terminate");
  }

  /**
   * Waits until linphonec prints a line containing {@code fragment} (such as {@code Receiving new
   * incoming call from}, {@code connected.}, {@code ended (}) and returns that line.
   */
  String awaitOutput(String fragment, Duration timeout) {
    return awaitLine(l -> l.contains(fragment), "line with \"" + fragment + "\"", timeout);
  }

  /** Whether linphonec's output so far contains {@code fragment}. */
  boolean outputContains(String fragment) {
    return process.log(Integer.MAX_VALUE).contains(fragment);
  }

  /** Writes one command line to linphonec's standard input. */
  void command(String line) {
    try {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new AssertionError("linphonec took no command (" + line + "): " + e + "\n" + log(), e);
    }
  }

  /**
   * Waits until linphonec prints {@code Message received from URI: TEXT} and returns the URI as
   * printed.
   */
  String awaitMessage(String text, Duration timeout) {
    String line = awaitLine(l -> l.contains("Message received from ") && l.endsWith(": " + text),
        "message \"" + text + "\"", timeout);
    String from = line.substring(line.indexOf("Message received from ") + 22);
    return from.substring(0, from.lastIndexOf(": " + text));
  }

  /** Waits until linphonec's SIP log contains {@code fragment} (such as a status line it received). */
  void awaitSipLog(String fragment, Duration timeout) {
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(50))
          .failFast("linphonec exited", () -> !process.isAlive())
          .until(() -> sipLogContains(fragment));
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      throw new AssertionError("linphonec: no \"" + fragment + "\" in its SIP log within "
          + timeout + "\n" + log(), e);
    }
  }

  /** The lines of linphonec's SIP log so far that start with {@code prefix}, such as a header name. */
  List<String> sipLogLines(String prefix) {
    try {
      return Files.exists(sipLog)
          ? Files.readAllLines(sipLog, StandardCharsets.ISO_8859_1).stream()
              .filter(l -> l.startsWith(prefix)).toList()
          : List.of();
    } catch (IOException e) {
      throw new AssertionError("linphonec's SIP log unreadable: " + e, e);
    }
  }

  /** Whether linphonec's SIP log so far contains {@code fragment}. */
  boolean sipLogContains(String fragment) {
    try {
      return Files.exists(sipLog)
          && Files.readString(sipLog, StandardCharsets.ISO_8859_1).contains(fragment);
    } catch (IOException e) {
      return false;
    }
  }

  /** Its output and the tail of its SIP log (the SIP messages only). */
  String log() {
    StringBuilder s = new StringBuilder("--- linphonec ").append(aor).append('\n')
        .append(process.log()).append("\n--- linphonec SIP messages ").append(sipLog).append('\n');
    try {
      if (Files.exists(sipLog)) {
        String text = Files.readString(sipLog, StandardCharsets.ISO_8859_1);
        StringBuilder sip = new StringBuilder();
        boolean inMessage = false;
        for (String line : text.split("\n")) {
          // belle-sip logs each message between "---" marker lines; keep those, drop the chatter
          if (line.contains("message sent to") || line.contains("message received from")) {
            inMessage = true;
          } else if (inMessage && line.startsWith("--------")) {
            inMessage = false;
          }
          if (inMessage || line.matches("^[A-Z]+ sip:.*|^SIP/2.0 .*")) {
            sip.append(line).append('\n');
          }
        }
        String t = sip.toString();
        s.append(t.length() <= 12_000 ? t : "..." + t.substring(t.length() - 12_000));
      }
    } catch (IOException e) {
      s.append("(unreadable: ").append(e).append(")\n");
    }
    return s.toString();
  }

  /** {@code quit}, then ends the process (SIGTERM, SIGKILL). Never throws. */
  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        stdin.write("quit\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
      } catch (IOException ignored) {
        // gone already: ended below anyway
      }
    }
    process.close();
  }

  private String awaitLine(Predicate<String> condition, String what, Duration timeout) {
    AtomicReference<String> found = new AtomicReference<>();
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(50))
          .failFast("linphonec exited", () -> !process.isAlive())
          .until(() -> {
            for (String l : process.log(Integer.MAX_VALUE).split("\n")) {
              if (condition.test(l)) {
                found.set(l);
                return true;
              }
            }
            return false;
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("linphonec: no " + what + " within " + timeout + "\n" + log(), e);
    }
    return found.get();
  }

  /** How the linphonec runs; not thread-safe. */
  static final class Builder {
    private final Path workDir;
    private String user;
    private String password;
    private String registrar;
    private String outbound;
    private boolean autoAnswer;

    private Builder(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    /**
     * The account {@code sip:user@registrar}, registered with digest password {@code password}
     * to {@code registrar} ({@code host:port}), which is also its outbound proxy. Required.
     */
    Builder account(String user, String password, String registrar) {
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password");
      this.registrar = Objects.requireNonNull(registrar, "registrar");
      return this;
    }

    /**
     * Sends every request (REGISTER included) to {@code hostPort} instead of the account's domain:
     * {@code reg_proxy} and {@code reg_route} (a loose route) become {@code sip:hostPort}, while the identity stays
     * {@code sip:user@registrar} and the realm the registrar's host. For a domain that is a name
     * no resolver knows, e.g. {@code sip:lin@parley.test} served by a proxy on
     * {@code 127.0.0.1:5060}.
     */
    Builder outboundProxy(String hostPort) {
      this.outbound = Objects.requireNonNull(hostPort, "hostPort");
      return this;
    }

    /** Answers incoming calls by itself ({@code -a}); default off ({@link #answer()}). */
    Builder autoAnswer(boolean on) {
      this.autoAnswer = on;
      return this;
    }

    /** Writes the configuration and starts linphonec; {@link #awaitRegistered} follows. */
    Linphonec start() throws IOException {
      Objects.requireNonNull(user, "account(...) not set");
      Files.createDirectories(workDir);
      Path home = workDir.resolve("home");
      Files.createDirectories(home.resolve(".local/share/linphone"));
      int sipPort = Sipp.freePort();
      int rtpPort = Sipp.freePort();
      String aor = "sip:" + user + "@" + registrar;
      String realm = registrar.contains(":")
          ? registrar.substring(0, registrar.lastIndexOf(':')) : registrar;
      String proxy = "<sip:" + (outbound == null ? registrar : outbound) + ";transport=udp>";
      Path rc = workDir.resolve("linphonerc");
      Files.writeString(rc, String.join("\n",
          "[sip]",
          // without it, liblinphone 5 "migrates" use_ipv6=0 to 1 at the first start
          "ipv6_migration_done=1",
          "sip_port=" + sipPort,
          "sip_tcp_port=-1",
          "sip_tls_port=-1",
          "use_ipv6=0",
          "bind_address=127.0.0.1",
          "contact=<" + aor + ">",
          "default_proxy=0",
          "[rtp]",
          // the address its SDP advertises: else the default route's interface's (192.0.2.2 or
          // fd00::2 on the development machine), not loopback
          "bind_address=127.0.0.1",
          "audio_rtp_port=" + rtpPort,
          "[sound]",
          "playback_dev_id=",
          "ringer_dev_id=",
          "capture_dev_id=",
          "[proxy_0]",
          "reg_proxy=" + proxy,
          // with an outbound proxy, the Route of calls and messages too, not only of REGISTER
          outbound == null ? "" : "reg_route=<sip:" + outbound + ";transport=udp;lr>",
          "reg_identity=<" + aor + ">",
          "reg_expires=600",
          "reg_sendregister=1",
          "publish=0",
          "[auth_info_0]",
          "username=" + user,
          "passwd=" + password,
          "realm=" + realm,
          ""));
      Path sipLog = workDir.resolve("linphonec-sip.log");
      // stdbuf -oL: linphonec's stdout is a pipe here, fully buffered without it, and the state
      // and message lines would only appear at exit
      List<String> cmd = new ArrayList<>(List.of(PeerProcess.resolve("stdbuf"), "-oL",
          PeerProcess.resolve("linphonec"), "-c", rc.toString(), "-S", "-d", "6",
          "-l", sipLog.toString()));
      if (autoAnswer) {
        cmd.add("-a");
      }
      Files.writeString(workDir.resolve("command.txt"), "HOME=" + home + " "
          + String.join(" ", cmd) + "\n");
      PeerProcess process = PeerProcess.start("linphonec " + user, cmd, workDir,
          workDir.resolve("linphonec.log"), Map.of("HOME", home.toString()));
      Linphonec l = new Linphonec(process, sipLog, aor);
      // no sound card: play and record files
      l.command("soundcard use files");
      return l;
    }
  }
}
