package dev.parley.server.web;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The admin sessions signed in: a random cookie value (256 bits) to the user and its CSRF token
 * (another 256 bits, sent back on every POST). Bounded ({@code max}: signing in beyond it drops
 * the session used least recently) and expiring ({@code idleMillis} without a request).
 *
 * <p>Thread-safe (one lock; every operation is a map lookup).
 */
final class AdminSessions {
  /** A signed-in admin. */
  record Session(String user, String csrf) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final int max;
  private final long idleMillis;
  private final LongSupplier clock;
  private final LinkedHashMap<String, Entry> sessions;

  private record Entry(Session session, long lastSeen) {}

  AdminSessions(int max, long idleMillis, LongSupplier clock) {
    this.max = max;
    this.idleMillis = idleMillis;
    this.clock = clock;
    this.sessions = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > AdminSessions.this.max;
      }
    };
  }

  /** Signs {@code user} in: returns the cookie value of the new session. */
  synchronized String create(String user) {
    String id = token();
    sessions.put(id, new Entry(new Session(user, token()), clock.getAsLong()));
    return id;
  }

  /** The live session of cookie value {@code id}, refreshed; null when none (or expired). */
  synchronized Session find(String id) {
    if (id == null) {
      return null;
    }
    Entry e = sessions.get(id);
    long now = clock.getAsLong();
    if (e == null) {
      return null;
    }
    if (now - e.lastSeen() > idleMillis) {
      sessions.remove(id);
      return null;
    }
    sessions.put(id, new Entry(e.session(), now));
    return e.session();
  }

  /** Signs the session of {@code id} out. */
  synchronized void remove(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  /** Sessions held now (expired ones included until they are looked up or pushed out). */
  synchronized int size() {
    return sessions.size();
  }

  /** Whether {@code given} is {@code expected}, in time that does not depend on where they differ. */
  static boolean same(String expected, String given) {
    return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }

  private static String token() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
