package dev.parley.bench;

import dev.parley.client.DeliveryResult;
import dev.parley.client.Endpoint;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InstantMessage;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.RejectReason;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.sip.SipUri;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latency to the application (issue 16, target 6), measured with real Parley endpoints signed in
 * to a real {@code parley server} (run by {@code parley-bench/bench/latency.sh}):
 *
 * <ul>
 *   <li><b>invitations</b>: {@code --users} endpoints ({@code PREFIX0..}) register; SIPp sends
 *       INVITEs to them through the server, each with its send time in the From display name
 *       (SIPp's {@code [timestamp]}: date, time, and epoch seconds with microseconds). Each
 *       endpoint's {@code onIncomingSession} reads the wall clock (the same clock, same machine)
 *       and records the difference, then rejects the invitation with 486 (the SIPp scenario
 *       expects it). The first {@code --warmup} invitations are not recorded.
 *   <li><b>IM</b>: two of those endpoints set up one IM session through the server and exchange
 *       {@code --messages} MESSAGEs, one at a time (each waits for its delivery result): from the
 *       sender's {@code send} to the receiver's {@code onMessageReceived}, both in this JVM
 *       ({@code System.nanoTime}). The first {@code --im-warmup} are not recorded.
 * </ul>
 *
 * <p>Prints {@code ready} once every endpoint is ENABLED (the script starts SIPp then), and at the
 * end one line per measurement: {@code invite count=... p50=...ms p99=... p99.9=... max=...}.
 * Exit status 1 when fewer invitations than expected arrived within {@code --timeout}.
 *
 * <p>The benchmark must not measure itself: it runs in the endpoints' JVM, so what it allocates
 * per invitation or message adds to that JVM's young collections. It records into arrays sized
 * at the start (no boxed values, no growing collections) and reads the send time from the display
 * name without splitting it.
 */
public final class LatencyBench {
  private final Map<String, String> opts;
  private final long[] inviteMicros;
  private final AtomicInteger invites = new AtomicInteger();
  private final AtomicInteger unreadable = new AtomicInteger();
  private final int warmup;
  private final CountDownLatch allInvites;
  /** IM: each message's send time by its number ("m" and the number is its text). */
  private final AtomicLongArray imSentNanos;
  /** IM: send to receipt of the measured messages, by number minus the warm-up. */
  private final long[] imNanos;
  private final int imWarmup;
  private final AtomicInteger imReceived = new AtomicInteger();
  /** This JVM's allocation and young collections at the first measured invitation. */
  private volatile JvmCounters inviteStart;

  private LatencyBench(Map<String, String> opts) {
    this.opts = opts;
    this.warmup = intOpt("warmup", 5000);
    int count = intOpt("count", 15000);
    this.inviteMicros = new long[count];
    this.allInvites = new CountDownLatch(warmup + count);
    this.imWarmup = intOpt("im-warmup", 500);
    int messages = Math.max(0, intOpt("messages", 2000));
    this.imSentNanos = new AtomicLongArray(imWarmup + messages);
    this.imNanos = new long[messages];
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    System.exit(new LatencyBench(opts).run());
  }

  private int intOpt(String name, int dflt) {
    return Integer.parseInt(opts.getOrDefault(name, Integer.toString(dflt)));
  }

  private String opt(String name, String dflt) {
    return opts.getOrDefault(name, dflt);
  }

  private int run() throws Exception {
    String server = opt("server", "127.0.0.1:5060");
    String domain = opt("domain", "bench.example");
    String prefix = opt("prefix", "lat");
    int users = intOpt("users", 20);
    Duration timeout = Duration.ofSeconds(intOpt("timeout", 120));
    List<Endpoint> endpoints = new ArrayList<>();
    try {
      for (int i = 0; i < users; i++) {
        String user = prefix + i;
        Endpoint e = Endpoint.builder("sip:" + user + "@" + domain)
            .credentials(user, user + "-pw")
            .server("sip:" + server)
            .listen("udp:127.0.0.1:0")
            .registrationExpiry(Duration.ofSeconds(3600))
            .traceLimit(0)
            .build();
        e.sessionManager().setListener((source, invitation) -> onInvitation(invitation));
        endpoints.add(e);
      }
      List<CompletableFuture<Void>> enabled = new ArrayList<>();
      for (Endpoint e : endpoints) {
        enabled.add(e.enable());
      }
      CompletableFuture.allOf(enabled.toArray(CompletableFuture[]::new))
          .get(timeout.toSeconds(), TimeUnit.SECONDS);
      System.out.println("ready " + users + " endpoints");
      System.out.flush();

      boolean complete = allInvites.await(timeout.toSeconds(), TimeUnit.SECONDS);
      int recorded = Math.min(Math.max(invites.get() - warmup, 0), inviteMicros.length);
      JvmCounters inviteEnd = JvmCounters.now();
      System.out.println(summary("invite", Arrays.copyOf(inviteMicros, recorded), 1_000.0)
          + " unreadable=" + unreadable.get() + (complete ? "" : " INCOMPLETE")
          + inviteEnd.since(inviteStart, recorded));

      int messages = imNanos.length;
      if (messages > 0 && users >= 2) {
        String counters = imRun(endpoints.get(0), prefix + "1", domain, timeout);
        int measured = Math.min(Math.max(imReceived.get() - imWarmup, 0), messages);
        System.out.println(summary("im", Arrays.copyOf(imNanos, measured), 1_000_000.0)
            + counters);
      }
      System.out.flush();
      return complete ? 0 : 1;
    } finally {
      for (Endpoint e : endpoints) {
        e.close();
      }
    }
  }

  private void onInvitation(IncomingSessionEvent invitation) {
    Instant now = Instant.now();
    if (invitation.session().type() == SessionType.INSTANT_MESSAGING) {
      InstantMessagingSession s = (InstantMessagingSession) invitation.session();
      s.addListener(new InstantMessagingSession.Listener() {
        @Override
        public void onMessageReceived(InstantMessagingSession session, InstantMessage m) {
          long at = System.nanoTime();
          int i = messageNumber(m.text());
          if (i >= 0 && i < imSentNanos.length()) {
            imReceived.incrementAndGet();
            int n = i - imWarmup;
            if (n >= 0 && n < imNanos.length) {
              imNanos[n] = at - imSentNanos.get(i);
            }
          }
        }
      });
      invitation.accept();
      return;
    }
    long sentMicros = sentMicros(invitation.inviter().displayName());
    if (sentMicros < 0) {
      unreadable.incrementAndGet();
    } else {
      int n = invites.getAndIncrement() - warmup;
      if (n == 0) {
        inviteStart = JvmCounters.now();
      }
      if (n >= 0 && n < inviteMicros.length) {
        long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        inviteMicros[n] = nowMicros - sentMicros;
      }
    }
    invitation.reject(RejectReason.BUSY);
    allInvites.countDown();
  }

  /**
   * SIPp's {@code [timestamp]}: "DATE TIME EPOCH.MICROS", the last whitespace-separated word read
   * in place (no split, no substring); -1 when absent or unreadable.
   */
  static long sentMicros(String displayName) {
    if (displayName == null) {
      return -1;
    }
    int end = displayName.length();
    while (end > 0 && Character.isWhitespace(displayName.charAt(end - 1))) {
      end--;
    }
    int start = end;
    while (start > 0 && !Character.isWhitespace(displayName.charAt(start - 1))) {
      start--;
    }
    if (start == end) {
      return -1;
    }
    long seconds = 0;
    long micros = 0;
    int fractionDigits = -1; // -1: no dot yet
    int secondsDigits = 0;
    for (int i = start; i < end; i++) {
      char c = displayName.charAt(i);
      if (c == '.' && fractionDigits < 0) {
        fractionDigits = 0;
      } else if (c >= '0' && c <= '9') {
        if (fractionDigits < 0) {
          if (++secondsDigits > 12) {
            return -1;
          }
          seconds = seconds * 10 + (c - '0');
        } else if (fractionDigits++ < 6) {
          micros = micros * 10 + (c - '0');
        }
      } else {
        return -1;
      }
    }
    if (secondsDigits == 0) {
      return -1;
    }
    for (int k = Math.max(fractionDigits, 0); k < 6; k++) {
      micros *= 10;
    }
    return seconds * 1_000_000L + micros;
  }

  /** The number in an IM's text {@code m<number>}; -1 for any other text. */
  static int messageNumber(String text) {
    if (text == null || text.length() < 2 || text.length() > 10 || text.charAt(0) != 'm') {
      return -1;
    }
    int n = 0;
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** Sends the IM messages; returns this JVM's counters over the measured ones. */
  private String imRun(Endpoint from, String toUser, String domain, Duration timeout)
      throws Exception {
    InstantMessagingSession im = (InstantMessagingSession) from.sessionManager()
        .createSession(SessionType.INSTANT_MESSAGING, SessionContext.EMPTY);
    im.addParticipant(SipUri.parse("sip:" + toUser + "@" + domain))
        .get(timeout.toSeconds(), TimeUnit.SECONDS);
    JvmCounters start = null;
    for (int i = 0; i < imSentNanos.length(); i++) {
      if (i == imWarmup) {
        start = JvmCounters.now();
      }
      String text = "m" + i;
      imSentNanos.set(i, System.nanoTime());
      List<DeliveryResult> results = im.send(text).get(timeout.toSeconds(), TimeUnit.SECONDS);
      if (results.isEmpty() || !results.get(0).isDelivered()) {
        throw new IllegalStateException("message " + i + " not delivered: " + results);
      }
    }
    String counters = JvmCounters.now().since(start, imNanos.length);
    im.terminate().get(timeout.toSeconds(), TimeUnit.SECONDS);
    return counters;
  }

  /** "name count=N p50=..ms p90 p99 p99.9 max" with values divided by {@code perMs}. */
  static String summary(String name, long[] values, double perMs) {
    long[] v = values.clone();
    Arrays.sort(v);
    if (v.length == 0) {
      return name + " count=0";
    }
    return String.format(Locale.ROOT,
        "%s count=%d p50=%.3fms p90=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms", name, v.length,
        pct(v, 50) / perMs, pct(v, 90) / perMs, pct(v, 99) / perMs, pct(v, 99.9) / perMs,
        v[v.length - 1] / perMs);
  }

  /** The nearest-rank percentile of sorted {@code v}. */
  static long pct(long[] v, double p) {
    int rank = (int) Math.ceil(p * v.length / 100.0 - 1e-9); // 99.9 % of 1000 is rank 999
    return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
  }
}
