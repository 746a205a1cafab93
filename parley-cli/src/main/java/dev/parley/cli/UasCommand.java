package dev.parley.cli;

import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.Tags;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.TlsConfig;
import dev.parley.transport.Transport;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code parley uas}: a minimal user agent server that answers every INVITE with 200 OK and an
 * audio answer, and handles ACK, BYE, CANCEL, OPTIONS and MESSAGE, like SIPp's built-in
 * {@code uas}. A test peer, and the process the UAS benchmark measures.
 *
 * <p>Without {@code --media} the answer is a fixed PCMU line on port 6000 and no RTP flows. With
 * {@code --media echo|tone:HZ|file:PATH.wav} each call gets its own RTP socket from
 * {@code --rtp-ports} and that media ({@link UasMedia}); when the range is exhausted the INVITE
 * is answered 503.
 */
@Command(
    name = "uas",
    mixinStandardHelpOptions = true,
    description = {
        "Answers every INVITE with 200 OK (ACK, BYE, CANCEL, OPTIONS and MESSAGE handled too);",
        "with --media, each call gets RTP: its packets echoed, a tone or a WAV file.",
        "Prints one line when ready; stops cleanly on SIGINT or SIGTERM."})
final class UasCommand implements Callable<Integer> {
  @Option(names = "--listen", paramLabel = "TRANSPORT:HOST:PORT",
      description = "Where to listen (repeatable), e.g. udp:127.0.0.1:5080, tcp:127.0.0.1:5080, tls:..., ws:.... Default udp:127.0.0.1:5080.")
  List<String> listen = new ArrayList<>();

  @Option(names = "--threads", defaultValue = "0",
      description = "Event loop threads (0 = two per core).")
  int threads;

  @Option(names = "--tls-dir", paramLabel = "DIR", defaultValue = "data/tls",
      description = "Where the development TLS certificate is kept (made on first use) when a tls: or wss: listener is asked for.")
  Path tlsDir;

  @Option(names = "--media", paramLabel = "echo|tone:HZ|file:PATH.wav",
      description = "Media of every call: echo (each RTP packet sent back as it arrives, G.711 only),"
          + " tone:HZ (a sine), file:PATH.wav (played in a loop). Default: no RTP (a fixed answer).")
  String media;

  @Option(names = "--rtp-ports", paramLabel = "MIN-MAX",
      description = "RTP/RTCP port range of --media calls (RTP on even ports, RTCP + 1);"
          + " a call that finds no port left is answered 503. Default 16384-32767.")
  String rtpPorts;

  @Option(names = "--media-threads", paramLabel = "N", defaultValue = "2",
      description = "Event loop threads of the RTP sockets of --media calls (default 2).")
  int mediaThreads;

  @Option(names = "--media-wakeup-us", paramLabel = "US", defaultValue = "0",
      description = "Least time between two waits of a media thread for packets, 0..10000"
          + " microseconds: at high packet rates each thread wakes once per US for every packet"
          + " that came meanwhile (less CPU, up to US more delay). Default 0.")
  int mediaWakeupMicros;

  @Option(names = "--media-wakeup-batch", paramLabel = "N", defaultValue = "0",
      description = "With --media-wakeup-us: make the spacing adaptive, each media thread waking"
          + " about when N packets have come at its current packet rate, never later than US"
          + " (less delay at high rates). 0..1024; default 0: the spacing is always US.")
  int mediaWakeupBatch;

  @Option(names = "--echo-port", paramLabel = "PORT", defaultValue = "0",
      description = "With --media echo: every call's answer names this one even RTP port (RTCP on"
          + " PORT+1), which echoes the RTP of every call's offered address, reading and sending"
          + " in batches (SIPp's -rtp_echo model). Default 0: a port per call from --rtp-ports.")
  int echoPort;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong ended = new AtomicLong();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<ListenPoint> points = new ArrayList<>();
    try {
      for (String l : listen.isEmpty() ? List.of("udp:127.0.0.1:5080") : listen) {
        points.add(ListenPoint.parse(l));
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
    }
    UasMedia.Mode mode = null;
    if (media != null) {
      try {
        mode = UasMedia.Mode.parse(media);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--media: " + e.getMessage());
      }
      java.net.InetAddress first = points.get(0).address().getAddress();
      for (ListenPoint p : points) {
        java.net.InetAddress a = p.address().getAddress();
        if (a == null || a.isAnyLocalAddress() || !a.equals(first)) {
          // RTP binds one address and every answer names it: it must be where calls come in
          throw new CommandLine.ParameterException(spec.commandLine(), "--listen: with --media,"
              + " every listen point needs the same address, not a wildcard: " + p);
        }
      }
    } else if (echoPort != 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--echo-port: only with --media echo");
    } else if (rtpPorts != null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--rtp-ports: only with --media (without it no RTP flows)");
    }
    int[] range = parsePorts();
    UasMedia mediaPlane = null;
    if (mode != null) {
      try {
        mediaPlane = new UasMedia(mode, points.get(0).address().getAddress(), range[0], range[1],
            mediaThreads, mediaWakeupMicros, mediaWakeupBatch, echoPort);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    NettyLeakDetection.offUnlessAsked(); // as parley server: -Dio.netty.leakDetection.level wins
    NettyTransportLayer.Builder transport = NettyTransportLayer.builder()
        .listen(points.toArray(new ListenPoint[0])).threads(threads);
    if (points.stream().anyMatch(p -> p.transport().isSecure())) {
      transport.tls(TlsConfig.development(tlsDir));
    }
    UserAgent[] holder = new UserAgent[1];
    UserAgent agent = UserAgent.builder(transport.build()).contactUser("uas")
        .handler(new Answering(() -> holder[0], mediaPlane)).build();
    holder[0] = agent;
    try {
      agent.start().join();
    } catch (RuntimeException e) {
      agent.close();
      if (mediaPlane != null) {
        mediaPlane.close();
      }
      spec.commandLine().getErr().println("parley uas: cannot listen: " + rootMessage(e));
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    UasMedia plane = mediaPlane;
    Thread hook = new Thread(() -> {
      agent.close();
      String mediaSummary = "";
      if (plane != null) {
        plane.close();
        mediaSummary = "; " + plane.summary();
      }
      out.println("parley uas: stopped after " + answered.get() + " calls answered, "
          + ended.get() + " ended" + mediaSummary);
      out.flush();
      stopped.countDown();
    }, "parley-uas-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    List<String> bound = new ArrayList<>();
    for (ListenPoint lp : agent.transport().listenPoints()) {
      bound.add(lp.toString());
    }
    out.println("parley uas: listening on " + String.join(", ", bound)
        + (plane == null ? "" : ", " + plane.describe()) + " (Ctrl-C to stop)");
    out.flush();
    stopped.await();
    return 0;
  }

  /** The {@code --rtp-ports} range, or the media network's default. */
  private int[] parsePorts() {
    try {
      return RtpPorts.parse(rtpPorts);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** Answers INVITE with 200 + SDP, MESSAGE with 200, OPTIONS with 200. */
  private final class Answering implements UserAgent.Handler {
    private final java.util.function.Supplier<UserAgent> agent;
    private final UasMedia media;
    /** The fixed answer per local address (one per listen point): the same bytes every call. */
    private final java.util.Map<java.net.InetAddress, byte[]> answers =
        new java.util.concurrent.ConcurrentHashMap<>();

    Answering(java.util.function.Supplier<UserAgent> agent, UasMedia media) {
      this.agent = agent;
      this.media = media;
    }

    @Override
    public void onInvite(IncomingInvite invite) {
      answered.incrementAndGet();
      if (media != null) {
        media.answer(invite, localAddress(invite).getHostAddress());
      } else {
        invite.accept(MediaType.APPLICATION_SDP, answer(invite));
      }
    }

    @Override
    public void onRequest(ServerTransaction tx, SipRequest request) {
      if (request.method().equals(SipMethod.MESSAGE)) {
        tx.respond(request.response(200, Tags.random()).build());
      } else {
        UserAgent.Handler.super.onRequest(tx, request);
      }
    }

    @Override
    public void onDialogEnded(dev.parley.dialog.Dialog dialog, SipRequest bye) {
      ended.incrementAndGet();
      if (media != null) {
        media.ended(dialog.id().callId(), dialog.id().localTag());
      }
    }

    private java.net.InetAddress localAddress(IncomingInvite invite) {
      Transport t = invite.transaction().flow().transport();
      return agent.get().transport().listenPoint(t).address().getAddress();
    }

    private byte[] answer(IncomingInvite invite) {
      return answers.computeIfAbsent(localAddress(invite), Answering::answerFor);
    }

    private static byte[] answerFor(java.net.InetAddress address) {
      String ip = address.getHostAddress();
      String family = address instanceof Inet6Address ? "IP6" : "IP4";
      return ("v=0\r\no=parley 1 1 IN " + family + " " + ip + "\r\ns=parley uas\r\nc=IN " + family
          + " " + ip + "\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
          .getBytes(StandardCharsets.US_ASCII);
    }
  }
}
