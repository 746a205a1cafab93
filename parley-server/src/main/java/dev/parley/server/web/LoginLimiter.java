package dev.parley.server.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed admin sign-ins counted per source address (an IPv6 source by its /64) and per account
 * name, in fixed windows of {@link #WINDOW_MILLIS}: beyond {@link #PER_SOURCE} failures of a
 * source or {@link #PER_ACCOUNT} of an account in a window, sign-ins from that source (for that
 * account) are refused until the window ends, the password not even checked.
 *
 * <p>A lock only delays: it ends with its window (a minute at most after the last counted
 * failure). The account budget does not lock loopback sources out: an attacker elsewhere (with
 * {@code web.admin_allow_remote}) who fails as {@code root} does not keep a local admin from
 * signing in, and loopback guesses are still bounded by the source budget of their address.
 * Sources are the TCP peers of the HTTPS connection (nothing read from headers), so they cannot
 * be forged without completing a handshake.
 *
 * <p>Bounded: each map holds at most {@link #MAX_ENTRIES} entries. A new key makes room by dropping
 * the least recently touched entry that is not locked (or whose window ended); an entry locked in
 * an unfinished window is never dropped, so failures from many other sources or names cannot
 * reset a lock. When a map is full of such locks, new keys are counted under one shared entry
 * (one for loopback sources, one for the others) until windows end: remote sign-ins from new
 * sources then share one budget (429 beyond it), while loopback keeps its own. Thread-safe (one
 * lock; an operation is a few map lookups, and, when a map is full, a scan for an entry to drop).
 */
final class LoginLimiter {
  /** The window failures are counted in: {@value} ms. */
  static final long WINDOW_MILLIS = 60_000;
  /** Failed sign-ins a source may make in a window: {@value}. */
  static final int PER_SOURCE = 5;
  /** Failed sign-ins an account may get in a window (from sources that are not loopback): {@value}. */
  static final int PER_ACCOUNT = 10;
  /** Entries each map holds at most: {@value}. */
  static final int MAX_ENTRIES = 4096;

  private final LongSupplier clock;
  private final Counters sources = new Counters(PER_SOURCE);
  private final Counters accounts = new Counters(PER_ACCOUNT);

  /** Failures counted since {@code start}. */
  private record Window(long start, int failures) {}

  LoginLimiter(LongSupplier clock) {
    this.clock = clock;
  }

  /**
   * Whether {@code source} may try to sign in as {@code user} now: 0 when it may, else the
   * seconds until it may (at least 1), for a {@code Retry-After}.
   */
  synchronized long retryAfterSeconds(InetAddress source, String user) {
    long now = clock.getAsLong();
    boolean loopback = source.isLoopbackAddress();
    long wait = sources.wait(sourceKey(source), loopback, now);
    if (user != null && !loopback) {
      wait = Math.max(wait, accounts.wait(accountKey(user), false, now));
    }
    return wait <= 0 ? 0 : Math.max(1, (wait + 999) / 1000);
  }

  /** Counts a failed sign-in of {@code source} as {@code user} (null when none was given). */
  synchronized void failed(InetAddress source, String user) {
    long now = clock.getAsLong();
    boolean loopback = source.isLoopbackAddress();
    sources.count(sourceKey(source), loopback, now);
    if (user != null) {
      accounts.count(accountKey(user), loopback, now);
    }
  }

  /** Entries held now, the shared overflow ones aside (for the bounds' tests). */
  synchronized int size() {
    return sources.keys.size() + accounts.keys.size();
  }

  /**
   * The windows of one kind of key: at most {@link #MAX_ENTRIES} keys, never dropping a lock,
   * and the shared overflow entries of the keys that found no room.
   */
  private static final class Counters {
    private static final String REMOTE = "remote";
    private static final String LOOPBACK = "loopback";

    private final int budget;
    private final LinkedHashMap<String, Window> keys = new LinkedHashMap<>(16, 0.75f, true);
    /** At most two entries, {@link #REMOTE} and {@link #LOOPBACK}: apart, so no key can clash. */
    private final Map<String, Window> overflow = new HashMap<>(4);

    Counters(int budget) {
      this.budget = budget;
    }

    long wait(String key, boolean loopback, long now) {
      return hasRoom(key, now) ? wait(keys, key, now)
          : wait(overflow, loopback ? LOOPBACK : REMOTE, now);
    }

    void count(String key, boolean loopback, long now) {
      if (hasRoom(key, now)) {
        count(keys, key, now);
      } else {
        count(overflow, loopback ? LOOPBACK : REMOTE, now);
      }
    }

    /** Whether {@code key} has an entry or may get one (dropping one that is not a lock). */
    private boolean hasRoom(String key, long now) {
      if (keys.containsKey(key) || keys.size() < MAX_ENTRIES) {
        return true;
      }
      for (Iterator<Window> it = keys.values().iterator(); it.hasNext(); ) {
        Window w = it.next(); // least recently touched first
        if (w.failures() < budget || now - w.start() >= WINDOW_MILLIS) {
          it.remove();
          return true;
        }
      }
      return false;
    }

    private long wait(Map<String, Window> map, String key, long now) {
      Window w = map.get(key);
      if (w == null) {
        return 0;
      }
      long left = w.start() + WINDOW_MILLIS - now;
      if (left <= 0) {
        map.remove(key);
        return 0;
      }
      return w.failures() >= budget ? left : 0;
    }

    private static void count(Map<String, Window> map, String key, long now) {
      Window w = map.get(key);
      map.put(key, w == null || now - w.start() >= WINDOW_MILLIS ? new Window(now, 1)
          : new Window(w.start(), w.failures() + 1));
    }
  }

  /** The address, or for IPv6 its /64 (one host has a whole /64 to pick addresses from). */
  static String sourceKey(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address && !a.isLoopbackAddress()) {
      StringBuilder s = new StringBuilder("v6:");
      for (int i = 0; i < 8; i++) {
        s.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf,
            16));
      }
      return s.append("/64").toString();
    }
    return a.getHostAddress();
  }

  private static String accountKey(String user) {
    // bounded: the form's value is at most the body limit, and the key at most 256 chars
    String u = user.length() > 256 ? user.substring(0, 256) : user;
    return u.toLowerCase(Locale.ROOT);
  }
}
