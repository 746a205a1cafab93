package dev.parley.cli;

import dev.parley.client.Endpoint;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.sip.SipUri;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.TlsConfig;
import dev.parley.transport.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley client}: a SIP user in the terminal, for people (interactive, with line editing
 * and invitation prompts) and for scripts (commands from standard input or a file, one event per
 * output line, {@code --json} for JSON lines). Built on the public client API only.
 *
 * <p>Exit status: 0 when every command succeeded and every wait was satisfied (interactive: a clean
 * quit); 1 when signing in failed, a command failed or a wait timed out; 2 on a usage error. The
 * vocabulary and the event schema are a stable interface (docs/cli.md).
 */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    description = {
        "Signs in as a SIP user and calls, chats and answers invitations; plays --media-source",
        "in its calls and records them with --record (commands dtmf, hold, resume, mute, stats).",
        "Interactive on a terminal (type help); scripted when --script is given, with --json, or",
        "when standard input or output is not a terminal: one command per line, one event per line.",
        "Exit status: 0 all commands succeeded and waits satisfied, 1 sign-in failed, a command failed",
        "or a wait timed out, 2 usage error."})
final class ClientCommand implements Callable<Integer> {
  /** The environment variable that holds the password when --password is not given. */
  static final String PASSWORD_ENV = "PARLEY_PASSWORD";

  @Option(names = "--user", required = true, paramLabel = "URI",
      description = "Your address of record, e.g. sip:alice@example.com.")
  String user;

  @Option(names = "--password", paramLabel = "PASSWORD",
      description = "Digest password (else the environment variable " + PASSWORD_ENV
          + ", else asked for on a terminal when --server is given).")
  String password;

  @Option(names = "--auth-user", paramLabel = "NAME",
      description = "Digest user name (default: the user part of --user).")
  String authUser;

  @Option(names = "--display-name", paramLabel = "NAME", description = "The display name in From.")
  String displayName;

  @Option(names = "--server", paramLabel = "HOST[:PORT]|URI",
      description = "Registrar and outbound proxy. Without it: peer-to-peer (invite sip:bob@HOST:PORT directly).")
  String server;

  @Option(names = "--transport", paramLabel = "udp|tcp|tls|ws", defaultValue = "udp",
      description = "Transport to the server and for --listen's default (default udp).")
  String transport;

  @Option(names = "--listen", paramLabel = "TRANSPORT:HOST:PORT",
      description = "Where to listen; HOST is what your Contact advertises. Default: the --transport"
          + " on the local address that reaches the server (127.0.0.1 without a server), port 0.")
  String listen;

  @Option(names = "--on-invite", paramLabel = "accept|reject:REASON|ask", defaultValue = "ask",
      description = "What to do with invitations (default ask: the prompt, or a script's accept/reject).")
  String onInvite;

  @Option(names = "--invitation-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "How long an invitation waits for an answer before it is refused with 480 (default 30).")
  int invitationTimeout;

  @Option(names = "--conference-factory", paramLabel = "URI",
      description = "Where conf create makes conferences (default sip:conference@DOMAIN, DOMAIN the host of --user).")
  String conferenceFactory;

  /** {@code --conference-factory} parsed, or null for the endpoint's default. */
  private SipUri factoryUri;

  @Option(names = "--script", paramLabel = "FILE", description = "Run the commands of FILE (scripted mode).")
  Path script;

  @Option(names = "--json", description = "Scripted mode: print events as JSON lines.")
  boolean json;

  @Option(names = "--keep-going", description = "Scripted mode: go on after a failed command (exit status still 1).")
  boolean keepGoing;

  @Option(names = "--trace-dir", paramLabel = "DIR",
      description = "Save each session's SIP trace there when it ends (read it with parley trace).")
  Path traceDir;

  @Option(names = "--media-source", paramLabel = "silence|tone:HZ|file:PATH.wav",
      description = "What every audio session sends (default silence; a WAV file loops)."
          + " Given (or --record): conferences carry audio too.")
  String mediaSource;

  @Option(names = "--record", paramLabel = "DIR",
      description = "Record what each audio session receives to DIR/USER-ID-TIME.wav (made if missing).")
  Path record;

  @Option(names = "--codecs", paramLabel = "CODEC[,CODEC...]",
      description = "Audio codecs to offer and accept, preferred first: opus, pcmu, pcma"
          + " (default opus,pcmu,pcma).")
  String codecs;

  @Option(names = "--rtp-ports", paramLabel = "MIN-MAX",
      description = "The UDP ports audio sessions take RTP (and RTCP) from (default 16384-32767).")
  String rtpPorts;

  @Option(names = "--history", paramLabel = "FILE",
      description = "Interactive mode's history file (default ~/.parley_history).")
  Path history;

  @Option(names = "--tls-dir", paramLabel = "DIR", defaultValue = "data/tls",
      description = "Where the development TLS certificate is kept, for --transport tls.")
  Path tlsDir;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final InputStream stdin;

  ClientCommand() {
    this(System.in);
  }

  /** A command reading scripts from {@code stdin} instead of {@link System#in} (tests). */
  ClientCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Override
  public Integer call() throws Exception {
    Logging.warningsOnly();
    PrintWriter out = spec.commandLine().getOut();
    OnInvite policy;
    SipUri aor;
    Transport tp;
    try {
      policy = OnInvite.parse(onInvite);
    } catch (IllegalArgumentException e) {
      throw usage("--on-invite " + e.getMessage());
    }
    try {
      aor = SipUri.parse(user.contains(":") ? user : "sip:" + user);
    } catch (RuntimeException e) {
      throw usage("--user: not a SIP URI: " + user);
    }
    if (aor.user() == null || aor.user().isEmpty()) {
      throw usage("--user: no user part in " + user);
    }
    try {
      tp = Transport.of(transport);
    } catch (IllegalArgumentException e) {
      throw usage("--transport: " + e.getMessage());
    }
    if (invitationTimeout < 1) {
      throw usage("--invitation-timeout must be at least 1 second: " + invitationTimeout);
    }
    if (conferenceFactory != null) {
      try {
        factoryUri = SipUri.parse(conferenceFactory.regionMatches(true, 0, "sip", 0, 3)
            ? conferenceFactory : "sip:" + conferenceFactory);
      } catch (RuntimeException e) {
        throw usage("--conference-factory: not a SIP URI: " + conferenceFactory);
      }
    }
    if (script != null && !Files.isReadable(script)) {
      throw usage("--script: cannot read " + script);
    }
    ClientAudio audio;
    int[] ports;
    try {
      audio = ClientAudio.parse(mediaSource == null ? "silence" : mediaSource, record, codecs,
          aor.user());
      ports = RtpPorts.parse(rtpPorts);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    boolean interactive = script == null && !json && System.console() != null;
    SipUri serverUri = server == null ? null : serverUri(tp);
    ListenPoint listenPoint = listenPoint(tp, serverUri);
    String secret = password != null ? password : System.getenv(PASSWORD_ENV);

    InteractiveConsole console = interactive
        ? new InteractiveConsole(history != null ? history
            : Path.of(System.getProperty("user.home"), ".parley_history"), aor.user())
        : null;
    try {
      if (console != null && secret == null && serverUri != null) {
        secret = console.readPassword("Password for " + aor + ": ");
      }
      EventLog log = new EventLog(console != null ? console::show
          : e -> {
            out.println(json ? e.toJson() : e.toText());
            out.flush();
          });
      Endpoint endpoint = endpoint(aor, serverUri, listenPoint, secret, audio, ports, log);
      ClientSessions sessions = new ClientSessions(endpoint, log, policy, traceDir, audio,
          console != null ? console::ask : e -> { });
      sessions.hasServer(serverUri != null);
      sessions.conferenceAudio(mediaSource != null || record != null);
      hook = new Thread(() -> sessions.shutdown(Duration.ofSeconds(5)), "parley-client-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      ClientCommands commands = new ClientCommands(sessions, log,
          console != null ? console::print : json ? spec.commandLine().getErr()::println : out::println);
      if (console != null) {
        console.print(serverUri != null
            ? "signing in as " + aor + " at " + serverUri + "..."
            : "starting " + aor + " on " + listenPoint + " (no server)...");
      }
      if (!signIn(endpoint, log)) {
        endpoint.close();
        return 1;
      }
      if (console != null) {
        console.print("type help for the commands; quit or Ctrl-D to leave");
        console.run(sessions, commands, log);
        console.print("signing out...");
        sessions.shutdown(Duration.ofSeconds(10));
        return 0;
      }
      boolean ok;
      try (BufferedReader in = new BufferedReader(new InputStreamReader(
          script != null ? Files.newInputStream(script) : stdin, StandardCharsets.UTF_8))) {
        ok = new ScriptRunner(commands, log, keepGoing).run(in);
      } finally {
        sessions.shutdown(Duration.ofSeconds(10));
        log.close();
      }
      return ok ? 0 : 1;
    } finally {
      if (console != null) {
        console.close();
      }
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is stopping: the hook is running
        }
      }
    }
  }

  /** Hangs up and signs out on SIGINT/SIGTERM; removed once the client has stopped by itself. */
  private Thread hook;

  /** Enables the endpoint; false (with an enable_failed event printed) if that failed. */
  private static boolean signIn(Endpoint endpoint, EventLog log) throws InterruptedException {
    try {
      endpoint.enable().get(60, TimeUnit.SECONDS);
      // the enabled event comes from the state listener; wait for it so it is printed first
      log.awaitWithoutTaking(ClientEvent.ENABLED, null, Duration.ofSeconds(5));
      return true;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (log.awaitWithoutTaking(ClientEvent.ENABLE_FAILED, null, Duration.ofSeconds(5)) == null) {
        String why = Words.cause(e);
        log.add(ClientEvent.of(ClientEvent.ENABLE_FAILED).put("user", endpoint.uri().toString())
            .put("reason", "SERVER_UNREACHABLE").put("status", 0).put("message", why)
            .put("retrying", false).text("sign-in failed: " + why).build());
      }
      return false;
    }
  }

  private Endpoint endpoint(SipUri aor, SipUri serverUri, ListenPoint lp, String secret,
      ClientAudio audio, int[] ports, EventLog log) {
    Endpoint.Builder b = Endpoint.builder(aor)
        .invitationTimeout(Duration.ofSeconds(invitationTimeout));
    if (rtpPorts != null) {
      MediaNetworkConfig.Builder media = MediaNetworkConfig.builder().threads(1)
          .portRange(ports[0], ports[1]);
      java.net.InetAddress sip = lp.address().getAddress();
      if (sip != null && !sip.isAnyLocalAddress()) {
        media.bindAddress(sip); // RTP on the address SIP listens on, as without the option
      }
      b.mediaNetwork(media.build());
    }
    audio.configure(b, (session, message) -> log.add(ClientEvent.of(ClientEvent.ERROR)
        .put("session", session).put("command", null).put("message", message)
        .text("error: " + message).build()));
    if (displayName != null) {
      b.displayName(displayName);
    }
    if (factoryUri != null) {
      b.conferenceFactory(factoryUri);
    }
    if (secret != null) {
      b.credentials(authUser != null ? authUser : aor.user(), secret);
    }
    if (serverUri != null) {
      b.server(serverUri);
    }
    if (lp.transport().isSecure()) {
      b.transport(NettyTransportLayer.builder().listen(lp).tls(TlsConfig.development(tlsDir)).build());
    } else {
      b.listen(lp.toString());
    }
    return b.build();
  }

  /** {@code HOST[:PORT]} or a SIP URI, with {@code ;transport=} from --transport when absent. */
  private SipUri serverUri(Transport tp) {
    String s = server.strip();
    SipUri uri;
    try {
      boolean isUri = s.regionMatches(true, 0, "sip:", 0, 4) || s.regionMatches(true, 0, "sips:", 0, 5);
      uri = SipUri.parse(isUri ? s : "sip:" + s);
    } catch (RuntimeException e) {
      throw usage("--server: not HOST[:PORT] or a SIP URI: " + server);
    }
    if (uri.transport() == null && tp != Transport.UDP) {
      uri = uri.toBuilder().parameter("transport", tp.name().toLowerCase(Locale.ROOT)).build();
    }
    return uri;
  }

  private ListenPoint listenPoint(Transport tp, SipUri serverUri) {
    String text = listen;
    if (text == null) {
      String host = "127.0.0.1";
      if (serverUri != null) {
        host = localAddressToward(serverUri);
      }
      text = tp.name().toLowerCase(Locale.ROOT) + ":" + host + ":0";
    }
    try {
      return ListenPoint.parse(text);
    } catch (IllegalArgumentException e) {
      throw usage("--listen: " + e.getMessage());
    }
  }

  /** The local address the system would use to reach the server (no packet is sent). */
  private static String localAddressToward(SipUri serverUri) {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(new InetSocketAddress(InetAddress.getByName(serverUri.host()),
          serverUri.port() > 0 ? serverUri.port() : 5060));
      InetAddress local = s.getLocalAddress();
      if (local == null || local.isAnyLocalAddress()) {
        return "127.0.0.1";
      }
      String h = local.getHostAddress();
      return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    } catch (IOException | RuntimeException e) {
      return "127.0.0.1";
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
