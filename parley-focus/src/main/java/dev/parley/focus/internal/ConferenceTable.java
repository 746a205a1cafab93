package dev.parley.focus.internal;

import dev.parley.focus.Focus;
import dev.parley.focus.FocusConfig;
import dev.parley.sip.SipUri;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The focus's conferences by id, with the limits on creating them: {@code max_conferences} in
 * all (503) and {@code max_conferences_per_user} per organizer (403), so that one user cannot
 * take every conference.
 *
 * <p>Thread-safe: lookups are lock-free; creating and ending take the table's lock.
 */
final class ConferenceTable {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What {@link #create} gives: the new conference, or the status and reason refusing one. */
  record Creation(Conference conference, int status, String reason) {}

  private final String domain;
  private final FocusConfig config;
  private final Map<String, Conference> byId = new ConcurrentHashMap<>();
  /** Conferences not yet ended per organizer (its URI); guarded by {@code this}. */
  private final Map<String, Integer> organized = new HashMap<>();

  ConferenceTable(String domain, FocusConfig config) {
    this.domain = domain;
    this.config = config;
  }

  /**
   * A new conference for {@code organizer} with a fresh, unguessable id (16 random bytes),
   * continuing {@code conversation} (an {@code Ms-Conversation-ID}, or null for a fresh one).
   */
  synchronized Creation create(String conversation, SipUri organizer) {
    if (byId.size() >= config.maxConferences()) {
      return new Creation(null, 503, "Service Unavailable (too many conferences)");
    }
    String who = organizer.toString();
    if (organized.getOrDefault(who, 0) >= config.maxConferencesPerUser()) {
      // theirs to end: waiting would not help, so no 503 and Retry-After
      return new Creation(null, 403, "Forbidden (you have " + config.maxConferencesPerUser()
          + " conferences, the most one user may have)");
    }
    String id;
    do {
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
    } while (byId.containsKey(id));
    if (conversation == null || conversation.isBlank() || conversation.length() > 256) {
      conversation = HexFormat.of().formatHex(randomBytes());
    }
    SipUri uri = SipUri.builder().user(Focus.CONFERENCE_PREFIX + id).host(domain).build();
    Conference c = new Conference(id, uri, conversation.trim(), organizer);
    byId.put(id, c);
    organized.merge(who, 1, Integer::sum);
    return new Creation(c, 200, null);
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** The conference with this id (the part after {@code conf-}), or null. */
  Conference get(String id) {
    return byId.get(id);
  }

  boolean contains(String id) {
    return byId.containsKey(id);
  }

  /** Takes {@code c} out (it has ended); false when it was out already. */
  synchronized boolean remove(Conference c) {
    if (!byId.remove(c.id, c)) {
      return false;
    }
    organized.computeIfPresent(c.organizer.toString(), (k, n) -> n > 1 ? n - 1 : null);
    return true;
  }

  /** A snapshot of the conferences now. */
  List<Conference> all() {
    return new ArrayList<>(byId.values());
  }

  /** Takes every conference out. */
  synchronized void clear() {
    byId.clear();
    organized.clear();
  }
}
