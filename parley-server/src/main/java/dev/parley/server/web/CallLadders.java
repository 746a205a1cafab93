package dev.parley.server.web;

import dev.parley.json.JsonWriter;
import dev.parley.transport.TraceEvent;
import dev.parley.transport.TraceListener;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The live ladders of the calls admins watch ({@code docs/web.md}, "Live ladder"): a
 * {@link TraceListener} on the server's transport that keeps the SIP messages of the watched
 * Call-IDs, and, while an admin page is open, the first messages of the last few calls so a ladder
 * opened during a call starts with its INVITE.
 *
 * <p>Costs nothing until an admin page asks for the state or watches a call: the listener is added
 * to the transport then (never before), and taken off again by the first message after
 * {@link #IDLE_MILLIS} without any read (when every watch has expired and the ring is no longer
 * kept), to be added again by the next read. While it is on, every message costs the transport's
 * tracer a {@link TraceEvent}, a clock read and a listener-list iteration, and this listener the
 * message's Call-ID, a clock read and the lock; expiry passes run on the reads, never here. The recent ring is open to anyone: 32 new INVITEs from any source push its
 * calls out, so a ladder opened later may lack its INVITE ({@code gap}).
 *
 * <p>Bounded: {@link #MAX_WATCHED} calls watched at once, each keeping its last
 * {@link #MAX_MESSAGES} messages of at most {@link #MAX_CHARS} characters; the recent ring holds
 * the first {@link #RECENT_MESSAGES} messages of the last {@link #RECENT_CALLS} calls begun with an
 * INVITE. A watch ends when no admin has read it for {@link #IDLE_MILLIS}, or
 * {@link #GRACE_MILLIS} after its call ended (a 2xx to BYE, or a final failure of an INVITE but a
 * 401 or 407 challenge; a later request other than ACK or BYE undoes it).
 *
 * <p>Thread-safe: messages come on any event loop, reads on the web listener's; one lock, held for
 * a map lookup and an append, or for copying a ladder's message references (its JSON is written
 * after the lock is released).
 */
public final class CallLadders implements TraceListener {
  /** Calls watched at once at most: {@value}. */
  public static final int MAX_WATCHED = 8;
  /** Messages kept per watched call (the oldest dropped beyond): {@value}. */
  public static final int MAX_MESSAGES = 200;
  /** Characters kept of a message (the rest cut): {@value}. */
  public static final int MAX_CHARS = 4096;
  /** Calls whose first messages are kept while an admin page is open: {@value}. */
  public static final int RECENT_CALLS = 32;
  /** First messages kept of each recent call: {@value}. */
  public static final int RECENT_MESSAGES = 16;
  /** A watch nobody read for this long ends, and so does an open page's ring: {@value} ms. */
  public static final long IDLE_MILLIS = 60_000;
  /** A watch ends this long after its call ended: {@value} ms. */
  public static final long GRACE_MILLIS = 30_000;

  /** One message of a ladder. */
  record Message(long seq, long timeMillis, boolean received, String transport, String remote,
      String local, String text, boolean truncated) {
    String firstLine() {
      int eol = text.indexOf('\r');
      return eol < 0 ? text : text.substring(0, eol);
    }
  }

  /** The messages of one call. */
  private static final class Call {
    final ArrayDeque<Message> messages = new ArrayDeque<>();
    long lastRead;
    long endedAt = -1;
    /** Messages not kept (past the ring's bound before the watch began, or the oldest dropped). */
    boolean gap;
  }

  private final Consumer<TraceListener> register;
  private final Consumer<TraceListener> unregister;
  private final LongSupplier clock;
  private final Map<String, Call> watched = new LinkedHashMap<>();
  private final LinkedHashMap<String, Call> recent = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Call> eldest) {
      return size() > RECENT_CALLS;
    }
  };
  /** Whether a message must be looked at: a call is watched, or a page was read lately. */
  private volatile boolean active;
  /**
   * When the last read's window ends (clock millis): every watch and the ring are idle then, so
   * the first message after it drops them all (under the lock).
   */
  private long activeUntil = Long.MIN_VALUE;
  private boolean registered;
  private long pageReadAt = Long.MIN_VALUE / 2;
  private long seq;

  /**
   * @param register adds a trace listener to the server's transport (called the first time an
   *     admin page reads the state or watches a call, and again on the first such read after an
   *     {@link #IDLE_MILLIS} nobody read anything)
   * @param unregister removes it again (called on the first message after such an idle window,
   *     on that message's event loop)
   * @param clock milliseconds, for the watches' and ring's expiry (messages carry the transport's
   *     wall-clock time)
   */
  public CallLadders(Consumer<TraceListener> register, Consumer<TraceListener> unregister,
      LongSupplier clock) {
    this.register = Objects.requireNonNull(register, "register");
    this.unregister = Objects.requireNonNull(unregister, "unregister");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** An admin page read the state: keep recent calls' first messages for a minute. */
  public synchronized void pageRead() {
    pageReadAt = clock.getAsLong();
    refreshed(pageReadAt);
  }

  /**
   * Starts watching {@code callId} (or refreshes its watch), seeded with what the recent ring
   * holds of it.
   *
   * @return false when {@link #MAX_WATCHED} other calls are watched already
   */
  public boolean watch(String callId) {
    Objects.requireNonNull(callId, "callId");
    synchronized (this) {
      long now = clock.getAsLong();
      expire(now);
      Call c = watched.get(callId);
      if (c == null) {
        if (watched.size() >= MAX_WATCHED) {
          return false;
        }
        c = recent.remove(callId);
        if (c == null) {
          c = new Call();
        }
        watched.put(callId, c);
      }
      c.lastRead = now;
      refreshed(now);
    }
    return true;
  }

  /**
   * The ladder of the watched {@code callId} as JSON, the messages after {@code since} (a
   * {@code seq} of an earlier answer; 0 for all), refreshing the watch; null when not watched.
   * The messages are copied under the lock and written after it is released, so that a long
   * ladder never holds up {@link #onTrace} on the event loops.
   */
  public String ladderJson(String callId, long since) {
    List<Message> messages;
    boolean ended;
    boolean gap;
    synchronized (this) {
      long now = clock.getAsLong();
      expire(now);
      Call c = callId == null ? null : watched.get(callId);
      if (c == null) {
        return null;
      }
      c.lastRead = now;
      refreshed(now);
      ended = c.endedAt >= 0;
      gap = c.gap;
      messages = new ArrayList<>(c.messages.size());
      for (Message m : c.messages) {
        if (m.seq() > since) {
          messages.add(m); // immutable: safe to write outside the lock
        }
      }
    }
    JsonWriter w = new JsonWriter().beginObject().field("callId", callId)
        .field("ended", ended).field("gap", gap);
    w.name("messages").beginArray();
    for (Message m : messages) {
      w.beginObject().field("seq", m.seq()).field("time", m.timeMillis())
          .field("direction", m.received() ? "in" : "out").field("transport", m.transport())
          .field("remote", m.remote()).field("local", m.local())
          .field("firstLine", m.firstLine()).field("text", m.text())
          .field("truncated", m.truncated()).endObject();
    }
    w.endArray();
    return w.endObject().toString();
  }

  /** Calls watched now. */
  public synchronized int watchedCount() {
    return watched.size();
  }

  /** Calls held in the recent ring now. */
  synchronized int recentCount() {
    return recent.size();
  }

  @Override
  public void onTrace(TraceEvent event) {
    if (!active) {
      return;
    }
    byte[] b = event.bytes();
    String callId = header(b, "call-id", "i");
    if (callId == null) {
      return;
    }
    synchronized (this) {
      long now = clock.getAsLong();
      if (now >= activeUntil) {
        idle();
        return;
      }
      Call c = watched.get(callId);
      if (c != null && expired(c, now)) {
        watched.remove(callId); // the other expired watches go on the next read
        c = null;
      }
      if (!recent.isEmpty() && now - pageReadAt >= IDLE_MILLIS) {
        recent.clear(); // once per idle page, not per message
      }
      boolean ring = false;
      if (c == null && now - pageReadAt < IDLE_MILLIS) {
        c = recent.get(callId);
        if (c == null && startsWith(b, "INVITE ")) {
          c = new Call();
          recent.put(callId, c);
        }
        ring = true;
      }
      if (c == null) {
        return;
      }
      if (ring && c.messages.size() >= RECENT_MESSAGES) {
        c.gap = true;
      } else {
        append(c, event, b);
      }
      if (c.endedAt < 0 && ends(b)) {
        c.endedAt = now;
      } else if (c.endedAt >= 0 && goesOn(b)) {
        c.endedAt = -1; // a failed re-INVITE (491, 488) did not end the call
      }
    }
  }

  private void append(Call c, TraceEvent event, byte[] b) {
    boolean cut = b.length > MAX_CHARS;
    String text = new String(b, 0, Math.min(b.length, MAX_CHARS), StandardCharsets.UTF_8);
    if (c.messages.size() >= MAX_MESSAGES) {
      c.messages.removeFirst();
      c.gap = true;
    }
    c.messages.addLast(new Message(++seq, event.timeMillis(),
        event.direction() == TraceEvent.Direction.RECEIVED, event.transport().name(),
        address(event.remote()), address(event.local()), text, cut));
  }

  /**
   * Drops watches nobody read lately and those of calls ended a grace ago; under the lock, on the
   * reads only (a pass over the watches: never on the event loops' {@link #onTrace}).
   */
  private void expire(long now) {
    watched.values().removeIf(c -> expired(c, now));
    if (now - pageReadAt >= IDLE_MILLIS) {
      recent.clear();
    }
  }

  /**
   * A page read the state or a ladder at {@code now}: messages are looked at for
   * {@link #IDLE_MILLIS} from now, and the listener is on the transport. Under the lock (the
   * transport's listener list is a copy-on-write list: adding never blocks).
   */
  private void refreshed(long now) {
    activeUntil = now + IDLE_MILLIS;
    active = true;
    if (!registered) {
      registered = true;
      register.accept(this);
    }
  }

  /**
   * Nobody read anything for {@link #IDLE_MILLIS}: every watch is expired and the ring is no
   * longer kept; drops them and takes the listener off the transport, so that messages cost its
   * tracer nothing until the next read. Under the lock, so a read at the same time registers
   * the listener again after this, never before.
   */
  private void idle() {
    watched.clear();
    recent.clear();
    active = false;
    if (registered) {
      registered = false;
      unregister.accept(this);
    }
  }

  /** Whether nobody read {@code c} lately or its call ended a grace ago. */
  private static boolean expired(Call c, long now) {
    return now - c.lastRead >= IDLE_MILLIS || (c.endedAt >= 0 && now - c.endedAt >= GRACE_MILLIS);
  }

  /** Whether the message is a request other than ACK and BYE: the call goes on. */
  private static boolean goesOn(byte[] b) {
    return !startsWith(b, "SIP/2.0 ") && !startsWith(b, "ACK ") && !startsWith(b, "BYE ");
  }

  /**
   * Whether the message is a 2xx to BYE or a final failure of an INVITE other than a challenge
   * (401, 407: the caller tries again): the call is over.
   */
  private static boolean ends(byte[] b) {
    if (!startsWith(b, "SIP/2.0 ") || b.length < 11) {
      return false;
    }
    char klass = (char) b[8];
    if (b[8] == '4' && b[9] == '0' && (b[10] == '1' || b[10] == '7')) {
      return false;
    }
    String cseq = header(b, "cseq", null);
    if (cseq == null) {
      return false;
    }
    String method = cseq.substring(cseq.lastIndexOf(' ') + 1);
    return (klass == '2' && method.equals("BYE"))
        || (klass >= '3' && klass <= '6' && method.equals("INVITE"));
  }

  private static boolean startsWith(byte[] b, String prefix) {
    if (b.length < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (b[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The value of the first header named {@code name} (or its compact form {@code compact}) in
   * the message's header section, trimmed; null when absent. ASCII names, case-insensitive.
   */
  static String header(byte[] b, String name, String compact) {
    int i = lineEnd(b, 0);
    while (i < b.length) {
      int start = i;
      int end = lineEnd(b, start);
      int contentEnd = end;
      if (contentEnd > start && b[contentEnd - 1] == '\n') {
        contentEnd--;
      }
      if (contentEnd > start && b[contentEnd - 1] == '\r') {
        contentEnd--;
      }
      int lineLength = contentEnd - start;
      if (lineLength <= 0) {
        return null; // the blank line: the body follows
      }
      int colon = -1;
      for (int k = start; k < start + lineLength; k++) {
        if (b[k] == ':') {
          colon = k;
          break;
        }
      }
      if (colon > start) {
        int nameEnd = colon;
        while (nameEnd > start && (b[nameEnd - 1] == ' ' || b[nameEnd - 1] == '\t')) {
          nameEnd--;
        }
        if (named(b, start, nameEnd, name) || (compact != null && named(b, start, nameEnd,
            compact))) {
          String v = new String(b, colon + 1, start + lineLength - colon - 1,
              StandardCharsets.UTF_8).trim();
          return v.isEmpty() ? null : v;
        }
      }
      i = end;
    }
    return null;
  }

  private static boolean named(byte[] b, int from, int to, String name) {
    if (to - from != name.length()) {
      return false;
    }
    for (int k = 0; k < name.length(); k++) {
      if (Character.toLowerCase((char) b[from + k]) != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The index after the LF ending the line at {@code from} (or the length). */
  private static int lineEnd(byte[] b, int from) {
    for (int k = from; k < b.length; k++) {
      if (b[k] == '\n') {
        return k + 1;
      }
    }
    return b.length;
  }

  private static String address(InetSocketAddress a) {
    if (a == null) {
      return "";
    }
    String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** The recent ring's and watches' messages, for tests. */
  synchronized List<Message> messages(String callId) {
    Call c = watched.containsKey(callId) ? watched.get(callId) : recent.get(callId);
    return c == null ? List.of() : new ArrayList<>(c.messages);
  }
}
