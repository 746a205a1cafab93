package dev.parley.server.offline;

import dev.parley.server.registrar.Aor;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.server.store.Store;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the store holds, counted in memory so that the quotas of {@link OfflineMessagesConfig}
 * are checked without touching the store: per mailbox (recipient), per sender within it, for
 * unauthenticated senders in it, and in all. A message counts from its reservation, before the
 * write, so that concurrent MESSAGEs cannot overshoot a quota; the reservation then becomes a
 * stored message or is given back.
 *
 * <p>The counts are rebuilt from the store at start ({@link #load}) and after the expiry sweep
 * ({@link #recount}). A mailbox has an entry only while it counts a message, and a sender within
 * it only while that sender has one, so they are bounded by {@code maxMessages}.
 *
 * <p>Thread-safe and non-blocking (a map update per call): {@link #reserve} runs on event loops.
 * The state is this class's alone.
 */
final class Quotas {
  /** Why a message cannot be reserved; NONE when it was. */
  enum Refusal { NONE, MAILBOX_FULL, SENDER_FULL, STORE_FULL }

  private final OfflineMessagesConfig config;
  private final ConcurrentHashMap<Aor, Mailbox> mailboxes = new ConcurrentHashMap<>();
  private final AtomicLong totalMessages = new AtomicLong();
  private final AtomicLong totalBytes = new AtomicLong();
  /** Messages (stored or being written) from unauthenticated senders, and their bytes. */
  private final AtomicLong unauthenticatedMessages = new AtomicLong();
  private final AtomicLong unauthenticatedBytes = new AtomicLong();

  Quotas(OfflineMessagesConfig config) {
    this.config = config;
  }

  /** Adds what the store holds at start ({@link Store#messageCountsBySender()}). */
  void load(List<Store.SenderCount> counts) {
    for (Store.SenderCount sc : counts) {
      Mailbox mb = mailboxes.computeIfAbsent(sc.recipient(), k -> new Mailbox());
      Store.MessageCount n = sc.count();
      mb.all.stored += n.messages();
      mb.all.storedBytes += n.bytes();
      totalMessages.addAndGet(n.messages());
      totalBytes.addAndGet(n.bytes());
      if (!sc.senderAuthenticated()) {
        mb.unauthenticated.stored += n.messages();
        mb.unauthenticated.storedBytes += n.bytes();
        unauthenticatedMessages.addAndGet(n.messages());
        unauthenticatedBytes.addAndGet(n.bytes());
      }
      if (sc.senderKey() != null) {
        Tally t = mb.senders.computeIfAbsent(sc.senderKey(), k -> new Tally());
        t.stored += n.messages();
        t.storedBytes += n.bytes();
      }
    }
  }

  /**
   * Checks every quota and reserves room in {@code aor}'s mailbox for one message of
   * {@code size} bytes from {@code sender} ({@link #senderKey}); {@code vouched} when the server
   * vouches for the sender.
   */
  Refusal reserve(Aor aor, String sender, boolean vouched, int size) {
    Refusal[] refusal = new Refusal[1];
    mailboxes.compute(aor, (k, old) -> {
      Mailbox mb = old != null ? old : new Mailbox();
      refusal[0] = reserve(mb, sender, vouched, size);
      return mb.isEmpty() ? null : mb;
    });
    return refusal[0];
  }

  /** {@link #reserve(Aor, String, boolean, int)} inside {@code mailboxes.compute} of {@code mb}. */
  private Refusal reserve(Mailbox mb, String sender, boolean vouched, int size) {
    if (mb.all.messages() + 1 > config.maxMessagesPerUser()
        || mb.all.bytes() + size > config.maxBytesPerUser()) {
      return Refusal.MAILBOX_FULL;
    }
    if (!vouched && (mb.unauthenticated.messages() + 1 > config.maxUnauthenticatedPerUser()
        || mb.unauthenticated.bytes() + size > config.maxUnauthenticatedBytesPerUser())) {
      return Refusal.MAILBOX_FULL; // the share of unauthenticated senders is full
    }
    Tally s = mb.senders.getOrDefault(sender, Tally.EMPTY);
    int perSender = vouched ? config.maxPerSender() : config.maxUnauthenticatedPerSource();
    if (s.messages() + 1 > perSender || s.bytes() + size > config.maxBytesPerSender()) {
      return Refusal.SENDER_FULL;
    }
    if (!vouched && !reserve(unauthenticatedMessages, unauthenticatedBytes, size,
        config.maxUnauthenticatedMessages(), config.maxUnauthenticatedBytes())) {
      return Refusal.STORE_FULL; // the share of unauthenticated senders is full
    }
    if (!reserve(totalMessages, totalBytes, size, config.maxMessages(), config.maxBytes())) {
      if (!vouched) {
        unauthenticatedMessages.decrementAndGet();
        unauthenticatedBytes.addAndGet(-size);
      }
      return Refusal.STORE_FULL;
    }
    mb.all.reserve(size);
    mb.senders.computeIfAbsent(sender, k -> new Tally()).reserve(size);
    if (!vouched) {
      mb.unauthenticated.reserve(size);
    }
    return Refusal.NONE;
  }

  /** Adds one message of {@code size} bytes to a pair of counters unless over their limits. */
  private static boolean reserve(AtomicLong messages, AtomicLong bytes, int size,
      long maxCount, long maxBytesInAll) {
    while (true) {
      long n = messages.get();
      if (n + 1 > maxCount) {
        return false;
      }
      if (messages.compareAndSet(n, n + 1)) {
        break;
      }
    }
    while (true) {
      long b = bytes.get();
      if (b + size > maxBytesInAll) {
        messages.decrementAndGet();
        return false;
      }
      if (bytes.compareAndSet(b, b + size)) {
        return true;
      }
    }
  }

  /**
   * Turns the reservation of {@code m} into a stored message ({@code stored} true) or gives it
   * back.
   */
  void release(StoredMessage m, boolean stored) {
    int size = m.bodySize();
    boolean vouched = m.senderAuthenticated();
    mailboxes.computeIfPresent(m.recipient(), (k, mb) -> {
      mb.all.release(size, stored);
      Tally s = m.senderKey() == null ? null : mb.senders.get(m.senderKey());
      if (s != null) {
        s.release(size, stored);
        if (s.isEmpty()) {
          mb.senders.remove(m.senderKey());
        }
      }
      if (!vouched) {
        mb.unauthenticated.release(size, stored);
      }
      return mb.isEmpty() ? null : mb;
    });
    if (!stored) {
      totalMessages.decrementAndGet();
      totalBytes.addAndGet(-size);
      if (!vouched) {
        unauthenticatedMessages.decrementAndGet();
        unauthenticatedBytes.addAndGet(-size);
      }
    }
  }

  /** Counts out a stored message that was deleted. */
  void remove(StoredMessage m) {
    int size = m.bodySize();
    boolean vouched = m.senderAuthenticated();
    mailboxes.computeIfPresent(m.recipient(), (k, mb) -> {
      mb.all.remove(size);
      Tally s = m.senderKey() == null ? null : mb.senders.get(m.senderKey());
      if (s != null) {
        s.remove(size);
        if (s.isEmpty()) {
          mb.senders.remove(m.senderKey());
        }
      }
      if (!vouched) {
        mb.unauthenticated.remove(size);
      }
      return mb.isEmpty() ? null : mb;
    });
    totalMessages.decrementAndGet();
    totalBytes.addAndGet(-size);
    if (!vouched) {
      unauthenticatedMessages.decrementAndGet();
      unauthenticatedBytes.addAndGet(-size);
    }
  }

  /**
   * Sets the stored counts of {@code aor}'s mailbox, and of each sender in it, to what the store
   * holds ({@code counts}, its rows of {@link Store#messageCountsBySender()}); the reservations
   * stay.
   */
  void recount(Aor aor, List<Store.SenderCount> counts) {
    long[] delta = new long[4];
    mailboxes.computeIfPresent(aor, (k, mb) -> {
      long messages = 0;
      long bytes = 0;
      long unauthMessages = 0;
      long unauthBytes = 0;
      for (Tally t : mb.senders.values()) {
        t.stored = 0;
        t.storedBytes = 0;
      }
      for (Store.SenderCount c : counts) {
        messages += c.count().messages();
        bytes += c.count().bytes();
        if (!c.senderAuthenticated()) {
          unauthMessages += c.count().messages();
          unauthBytes += c.count().bytes();
        }
        if (c.senderKey() != null) {
          Tally t = mb.senders.computeIfAbsent(c.senderKey(), x -> new Tally());
          t.stored += c.count().messages();
          t.storedBytes += c.count().bytes();
        }
      }
      mb.senders.values().removeIf(Tally::isEmpty);
      delta[0] = messages - mb.all.stored;
      delta[1] = bytes - mb.all.storedBytes;
      delta[2] = unauthMessages - mb.unauthenticated.stored;
      delta[3] = unauthBytes - mb.unauthenticated.storedBytes;
      mb.all.stored = (int) messages;
      mb.all.storedBytes = bytes;
      mb.unauthenticated.stored = (int) unauthMessages;
      mb.unauthenticated.storedBytes = unauthBytes;
      return mb.isEmpty() ? null : mb;
    });
    totalMessages.addAndGet(delta[0]);
    totalBytes.addAndGet(delta[1]);
    unauthenticatedMessages.addAndGet(delta[2]);
    unauthenticatedBytes.addAndGet(delta[3]);
  }

  /** Messages stored or being written for {@code aor}. */
  int messages(Aor aor) {
    int[] n = new int[1];
    mailboxes.computeIfPresent(aor, (k, mb) -> {
      n[0] = mb.all.messages();
      return mb;
    });
    return n[0];
  }

  /**
   * At most {@code max} mailboxes with their messages and bytes (stored or being written), the
   * fullest first. Each read under the mailbox's lock; walks the map.
   */
  List<OfflineMessages.Queue> queues(int max) {
    List<OfflineMessages.Queue> out = new java.util.ArrayList<>();
    for (Aor aor : mailboxes.keySet()) {
      mailboxes.computeIfPresent(aor, (k, mb) -> {
        out.add(new OfflineMessages.Queue(k, mb.all.messages(), mb.all.bytes()));
        return mb;
      });
    }
    out.sort(java.util.Comparator.comparingInt(OfflineMessages.Queue::messages).reversed());
    return out.size() > max ? List.copyOf(out.subList(0, max)) : out;
  }

  /** Whether {@code aor} has messages stored or being written; a map lookup. */
  boolean hasMessages(Aor aor) {
    return mailboxes.containsKey(aor);
  }

  /** The AORs with messages stored or being written (a live view). */
  Set<Aor> recipients() {
    return mailboxes.keySet();
  }

  /** Mailboxes with messages. */
  int mailboxCount() {
    return mailboxes.size();
  }

  /** Messages stored or being written. */
  long totalMessages() {
    return totalMessages.get();
  }

  /** Their body bytes. */
  long totalBytes() {
    return totalBytes.get();
  }

  /** Messages from unauthenticated senders stored or being written. */
  long unauthenticatedMessages() {
    return unauthenticatedMessages.get();
  }

  /**
   * The key a sender's messages are counted under: {@code user:NAME} for a user whose digest
   * verified, else {@code trusted:} or {@code source:} and the source's IPv4 address or IPv6 /64
   * prefix (one IPv6 subscriber gets a whole /64, as in the rate limiter).
   */
  static String senderKey(RequestOrigin origin) {
    if (origin.authenticatedUser() != null) {
      return "user:" + origin.authenticatedUser();
    }
    return (origin.trusted() ? "trusted:" : "source:") + sourcePrefix(origin.source());
  }

  private static String sourcePrefix(InetSocketAddress source) {
    InetAddress a = source.getAddress();
    if (a == null) {
      return source.getHostString();
    }
    if (a instanceof Inet4Address) {
      return a.getHostAddress();
    }
    byte[] b = Arrays.copyOf(a.getAddress(), 16);
    Arrays.fill(b, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(b).getHostAddress() + "/64";
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }

  /** One recipient's counts; touched only inside {@code mailboxes.compute*}. */
  private static final class Mailbox {
    /** Every message of the mailbox. */
    final Tally all = new Tally();
    /** Messages from unauthenticated senders. */
    final Tally unauthenticated = new Tally();
    /**
     * Messages by sender key; an entry only while it counts some, so there are at most
     * {@code maxMessagesPerUser}.
     */
    final Map<String, Tally> senders = new HashMap<>();

    boolean isEmpty() {
      return all.isEmpty();
    }
  }

  /** Messages stored and being written, and their body bytes; inside {@code compute*} only. */
  private static final class Tally {
    /** A sender with nothing in the mailbox; read only, never changed. */
    static final Tally EMPTY = new Tally();
    int stored;
    long storedBytes;
    int reserved;
    long reservedBytes;

    int messages() {
      return stored + reserved;
    }

    long bytes() {
      return storedBytes + reservedBytes;
    }

    void reserve(int size) {
      reserved++;
      reservedBytes += size;
    }

    void release(int size, boolean nowStored) {
      reserved--;
      reservedBytes -= size;
      if (nowStored) {
        stored++;
        storedBytes += size;
      }
    }

    void remove(int size) {
      stored--;
      storedBytes -= size;
    }

    boolean isEmpty() {
      return stored + reserved == 0;
    }
  }
}
