package dev.parley.server;

import dev.parley.dialog.Responses;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.server.proxy.UnregisteredTargetHandler;
import dev.parley.server.registrar.Aor;
import dev.parley.server.store.Store;
import dev.parley.server.store.StoreException;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.transaction.ServerTransaction;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pager-mode store-and-forward (RFC 3428 §7, issue 5 item 5): a MESSAGE for a known user of the
 * domain who has no registration is kept in the {@link Store} and delivered when the user
 * registers again, in the order received, each once.
 *
 * <p>The proxy calls {@link #handle} (or {@link #takes} and {@link #accept}) for such a MESSAGE
 * with the {@link RequestOrigin} it established, and sends the response it completes with.
 *
 * <p>From an <em>authenticated</em> sender (a user of the domain whose digest verified, or a
 * {@code trusted} source): 202 Accepted once the message is written, 413 when its body (or a
 * header kept with it) is larger than {@code maxMessageBytes}, 480 Temporarily Unavailable when
 * the user's mailbox is full ({@code maxMessagesPerUser}, {@code maxBytesPerUser}) or holds all
 * that this sender may have in it ({@code maxPerSender}, {@code maxBytesPerSender}), 503 with
 * Retry-After when the whole store is full ({@code maxMessages}, {@code maxBytes}) or the write
 * failed. A MESSAGE sent again in a new transaction (same Call-ID and CSeq) is stored once and
 * answered 202 again.
 *
 * <p>From an <em>unauthenticated</em> sender (issue 17): declined, so the proxy answers 480 as
 * for anyone offline, unless {@code acceptUnauthenticated}. When accepted, such a MESSAGE may
 * take only a share of a mailbox ({@code maxUnauthenticatedPerUser},
 * {@code maxUnauthenticatedBytesPerUser}; one source, an IPv4 address or IPv6 /64, at most
 * {@code maxUnauthenticatedPerSource} and {@code maxBytesPerSender}) and of the store
 * ({@code maxUnauthenticatedMessages}, {@code maxUnauthenticatedBytes}), so that authenticated
 * senders keep room. Its answer must not tell whether the user exists (the proxy hands over
 * MESSAGEs for users who do not exist too, {@link UnregisteredTargetHandler}): after the checks
 * that look at the request only (400, 413) the answer is always 202, sent from the background
 * thread before the write, whether the message is stored, refused by a quota or full store
 * (dropped, counted {@code unauthenticatedDiscarded}), or for nobody (nothing written).
 *
 * <p>Quotas are counted in memory (per mailbox, and per sender within it: bounded by the
 * mailbox's own limit, so by {@code maxMessages} in all) before the write, and rebuilt from the
 * store at start from each message's sender key.
 *
 * <p>The server calls {@link #onRegistered} after each successful REGISTER that leaves the AOR
 * with bindings. If the AOR has messages, they are sent one at a time, oldest first, as new
 * MESSAGE requests through the {@link Sender} (the proxy): same From, Content-Type and body, To
 * and Request-URI the AOR, a new Call-ID and CSeq, and a {@code Date} header with the time the
 * server accepted the original (RFC 3428 §7 suggests it, so the reader sees when it was sent). A
 * message is deleted only after a 2xx. On any other outcome delivery stops, keeping the order, and
 * is tried again on the next registration or after a back-off ({@code retryInitial} doubling up
 * to {@code retryMax}) while the user stays registered. A message that the recipient itself
 * refuses (a final status other than 408, 480, 486, 5xx and 600) once it has failed
 * {@code maxRefusals} times in all is dropped, so that one bad message cannot block a mailbox
 * forever; so is a message older than {@code maxAge}.
 *
 * <p>The limits and timers named above are {@link OfflineMessagesConfig}'s.
 *
 * <p>Threading: {@link #accept}, {@link #handle}, {@link #onRegistered} and {@link #stats}
 * never block and may run on event loops; per-AOR counts are held in memory for that. Every
 * store call runs on the {@code background} executor, which must run its tasks one at a time in
 * submission order (the server's single store thread): that order is what keeps a message's
 * write before its delivery. Thread-safe.
 */
public final class OfflineMessages implements AutoCloseable {
  /** Messages read from the store per query while delivering; memory is bounded by maxBytes. */
  private static final int BATCH = 16;
  /** Longest From, To, Call-ID or Content-Type kept: the store's column sizes. */
  private static final int MAX_HEADER_CHARS = 1024;
  private static final int MAX_ADDRESS_CHARS = 4096;
  private static final String RETRY_AFTER_FULL = "300";
  private static final DateTimeFormatter SIP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final Logger log = LoggerFactory.getLogger(OfflineMessages.class);

  /**
   * Sends a delivery MESSAGE to the user's registered contacts: the server implements it with
   * its proxy (fork to every binding, first 2xx wins) and transaction layer.
   */
  @FunctionalInterface
  public interface Sender {
    /**
     * Sends {@code message} (no Via yet: the transaction layer adds it) to the contacts of its
     * Request-URI. May be called on any thread; must not block.
     *
     * @return completes with the final status code (408 on a timeout), or fails when it could
     *     not be sent
     */
    CompletableFuture<Integer> send(SipRequest message);
  }

  private final Store store;
  private final ScheduledExecutorService background;
  private final Sender sender;
  private final Predicate<Aor> registered;
  private final Predicate<Aor> knownUser;
  private final Clock clock;
  private final OfflineMessagesConfig config;

  private final ConcurrentHashMap<Aor, Mailbox> mailboxes = new ConcurrentHashMap<>();
  private final AtomicLong totalMessages = new AtomicLong();
  private final AtomicLong totalBytes = new AtomicLong();
  /** Messages (stored or being written) from unauthenticated senders, and their bytes. */
  private final AtomicLong unauthenticatedMessages = new AtomicLong();
  private final AtomicLong unauthenticatedBytes = new AtomicLong();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failedAttempts = new LongAdder();
  private final LongAdder refusedPerSender = new LongAdder();
  private final LongAdder unauthenticatedDeclined = new LongAdder();
  private final LongAdder unauthenticatedDiscarded = new LongAdder();
  private final ScheduledFuture<?> sweep;
  private volatile boolean closed;
  private boolean storeFailing; // background thread only

  private OfflineMessages(Builder b) {
    this.store = b.store;
    this.background = b.background;
    this.sender = b.sender;
    this.registered = b.registered;
    this.knownUser = b.knownUser;
    this.clock = b.clock;
    OfflineMessagesConfig c = b.config;
    this.config = c;
    for (Store.SenderCount sc : store.messageCountsBySender()) {
      Mailbox mb = mailboxes.computeIfAbsent(sc.recipient(), k -> new Mailbox());
      Store.MessageCount n = sc.count();
      mb.stored += n.messages();
      mb.storedBytes += n.bytes();
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
    long sweepMs = c.sweepInterval().toMillis();
    this.sweep = background.scheduleWithFixedDelay(this::sweepQuietly, sweepMs, sweepMs,
        TimeUnit.MILLISECONDS);
    for (Aor aor : mailboxes.keySet()) {
      if (registered.test(aor)) {
        startDelivery(aor);
      }
    }
  }

  /**
   * A builder for store-and-forward over {@code store}, doing store work on {@code background}
   * (a single-thread executor: see the class comment) and delivering through {@code sender}.
   */
  public static Builder builder(Store store, ScheduledExecutorService background, Sender sender) {
    return new Builder(store, background, sender);
  }

  /**
   * Whether {@link #handle} takes {@code request} for {@code aor} from {@code origin}: a MESSAGE
   * from an authenticated sender for a known user; a MESSAGE from an unauthenticated sender, for
   * a known user or not, when {@code acceptUnauthenticated} (counted
   * {@code unauthenticatedDeclined} when not). Never blocks.
   */
  public boolean takes(SipRequest request, Aor aor, RequestOrigin origin) {
    Objects.requireNonNull(aor, "aor");
    Objects.requireNonNull(origin, "origin");
    if (!request.method().equals(SipMethod.MESSAGE)) {
      return false;
    }
    if (origin.isAuthenticated()) {
      return knownUser.test(aor);
    }
    if (!config.acceptUnauthenticated()) {
      unauthenticatedDeclined.increment();
      return false;
    }
    return true;
  }

  /**
   * Stores a MESSAGE for {@code aor}, a user of the domain with no registration (or, from an
   * unauthenticated sender, perhaps no user at all), and says what to answer (see the class
   * comment). The limits are checked at once, in memory; the write runs on the background
   * executor and the 202 comes from there. Never blocks.
   *
   * @param origin who sent it: decides the quotas, and whether the answer may tell anything
   * @return completes, on the background thread or at once, with the response to send (202,
   *     400, 404, 413, 480 or 503); never fails
   * @throws IllegalArgumentException if {@code message} is not a MESSAGE
   */
  public CompletableFuture<SipResponse> accept(SipRequest message, Aor aor,
      RequestOrigin origin) {
    Objects.requireNonNull(aor, "aor");
    Objects.requireNonNull(origin, "origin");
    if (!message.method().equals(SipMethod.MESSAGE)) {
      throw new IllegalArgumentException("not a MESSAGE: " + message.method());
    }
    String toTag = Responses.randomToken();
    if (closed) {
      return reject(message, toTag, 503, "Service Unavailable (shutting down)", "5");
    }
    byte[] body = message.body();
    String from = message.headers().get(HeaderName.FROM);
    String to = message.headers().get(HeaderName.TO);
    String callId = message.callId();
    String contentType = message.headers().get(HeaderName.CONTENT_TYPE);
    if (from == null || to == null || callId == null || message.cseq() == null) {
      return reject(message, toTag, 400, "Bad Request (From, To, Call-ID and CSeq needed)", null);
    }
    if (body.length > config.maxMessageBytes() || from.length() > MAX_ADDRESS_CHARS
        || to.length() > MAX_ADDRESS_CHARS || callId.length() > MAX_HEADER_CHARS
        || (contentType != null && contentType.length() > MAX_HEADER_CHARS)) {
      return reject(message, toTag, 413, "Request Entity Too Large (too large to store)", null);
    }
    // Past this point an unauthenticated sender's answer is 202, whatever happens (class comment)
    boolean vouched = origin.isAuthenticated();
    if (!vouched && !config.acceptUnauthenticated()) {
      unauthenticatedDeclined.increment();
      return reject(message, toTag, 480, "Temporarily Unavailable", null);
    }
    if (!knownUser.test(aor)) {
      return vouched ? reject(message, toTag, 404, "Not Found", null) : unstored(message, toTag);
    }
    String sender = senderKey(origin);
    int size = body.length;
    Refusal[] refusal = new Refusal[1];
    mailboxes.compute(aor, (k, old) -> {
      Mailbox mb = old != null ? old : new Mailbox();
      refusal[0] = reserve(mb, sender, vouched, size);
      return mb.isIdle() ? null : mb;
    });
    switch (refusal[0]) {
      case NONE -> { }
      case MAILBOX_FULL -> {
        return vouched ? reject(message, toTag, 480, "Temporarily Unavailable (mailbox full)", null)
            : unstored(message, toTag);
      }
      case SENDER_FULL -> {
        if (!vouched) {
          return unstored(message, toTag);
        }
        refusedPerSender.increment();
        return reject(message, toTag, 480,
            "Temporarily Unavailable (mailbox full for this sender)", null);
      }
      case STORE_FULL -> {
        return vouched ? reject(message, toTag, 503, "Service Unavailable (message store full)",
            RETRY_AFTER_FULL) : unstored(message, toTag);
      }
    }
    StoredMessage m = new StoredMessage(0, aor, from, to, callId, message.cseq().sequence(),
        contentType, body, clock.millis(), 0, sender, vouched);
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    try {
      background.execute(() -> write(m, message, toTag, result));
    } catch (RejectedExecutionException e) {
      release(m, false);
      return reject(message, toTag, 503, "Service Unavailable (shutting down)", "5");
    }
    return result;
  }

  /**
   * The proxy's hook for a request to a user with no binding (the shape of
   * {@code UnregisteredTargetHandler.handle}, so {@code offlineMessages::handle} plugs in): a
   * MESSAGE that {@link #takes} takes is {@linkplain #accept accepted} and {@code transaction}
   * answered from the background thread; anything else is declined. Never blocks.
   *
   * @return true if {@code request} is answered here, false to let the proxy answer 480
   */
  public boolean handle(ServerTransaction transaction, SipRequest request, Aor aor,
      RequestOrigin origin) {
    if (!takes(request, aor, origin)) {
      return false;
    }
    accept(request, aor, origin).thenAccept(transaction::respond);
    return true;
  }

  /** Why a message cannot be reserved; NONE when it was. */
  private enum Refusal { NONE, MAILBOX_FULL, SENDER_FULL, STORE_FULL }

  /**
   * Checks every quota and reserves room for one message of {@code size} bytes from
   * {@code sender}; inside {@code mailboxes.compute} for {@code mb}.
   */
  private Refusal reserve(Mailbox mb, String sender, boolean vouched, int size) {
    if (mb.messages() + 1 > config.maxMessagesPerUser()
        || mb.bytes() + size > config.maxBytesPerUser()) {
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
    mb.reserved++;
    mb.reservedBytes += size;
    mb.senders.computeIfAbsent(sender, k -> new Tally()).reserve(size);
    if (!vouched) {
      mb.unauthenticated.reserve(size);
    }
    return Refusal.NONE;
  }

  /**
   * Answers 202 to an unauthenticated sender without storing anything (a quota, or no such
   * user): from the background thread, as a stored message's 202 is, so that the two cannot be
   * told apart.
   */
  private CompletableFuture<SipResponse> unstored(SipRequest message, String toTag) {
    unauthenticatedDiscarded.increment();
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    try {
      background.execute(() -> result.complete(Responses.to(message, 202, toTag).build()));
    } catch (RejectedExecutionException e) {
      return reject(message, toTag, 503, "Service Unavailable (shutting down)", "5");
    }
    return result;
  }

  /**
   * Writes a reserved message and answers; background thread. An unauthenticated sender gets
   * its 202 before the write, so that it learns nothing from the outcome nor the time taken.
   */
  private void write(StoredMessage m, SipRequest message, String toTag,
      CompletableFuture<SipResponse> result) {
    Aor aor = m.recipient();
    boolean vouched = m.senderAuthenticated();
    if (!vouched) {
      result.complete(Responses.to(message, 202, toTag).build());
    }
    OptionalLong id;
    try {
      id = store.storeMessage(m);
      storeRecovered();
    } catch (RuntimeException e) {
      storeFailed("cannot store a message", e);
      release(m, false);
      if (vouched) {
        rejected.increment();
        result.complete(Responses.to(message, 503, toTag)
            .reasonPhrase("Service Unavailable (message store failed)")
            .header(HeaderName.RETRY_AFTER, "60").build());
      } else {
        unauthenticatedDiscarded.increment();
      }
      return;
    }
    release(m, id.isPresent());
    if (id.isPresent()) {
      accepted.increment();
    }
    if (id.isPresent() && registered.test(aor)) {
      // the user registered between the proxy's lookup and this write: deliver now
      startDelivery(aor);
    }
    if (vouched) {
      // last: once the sender has its 202, the message is being delivered or waits for the
      // next REGISTER, whatever happens to the bindings afterwards
      result.complete(Responses.to(message, 202, toTag).build());
    }
  }

  /**
   * Moves the reservation of {@code m} to stored ({@code stored} true) or gives it back, on the
   * background thread.
   */
  private void release(StoredMessage m, boolean stored) {
    int size = m.bodySize();
    boolean vouched = m.senderAuthenticated();
    mailboxes.computeIfPresent(m.recipient(), (k, mb) -> {
      mb.reserved--;
      mb.reservedBytes -= size;
      if (stored) {
        mb.stored++;
        mb.storedBytes += size;
      }
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
      return mb.isIdle() ? null : mb;
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
   * The key a sender's messages are counted under: {@code user:NAME} for a user whose digest
   * verified, else {@code trusted:} or {@code source:} and the source's IPv4 address or IPv6 /64
   * prefix (one IPv6 subscriber gets a whole /64, as in {@link RateLimiter}).
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

  private CompletableFuture<SipResponse> reject(SipRequest message, String toTag, int status,
      String reason, String retryAfter) {
    rejected.increment();
    SipResponse.Builder r = Responses.to(message, status, toTag).reasonPhrase(reason);
    if (retryAfter != null) {
      r.header(HeaderName.RETRY_AFTER, retryAfter);
    }
    return CompletableFuture.completedFuture(r.build());
  }

  /**
   * Tells that {@code aor} has just registered (a REGISTER answered 200 left it with bindings):
   * starts delivering its stored messages, if any and if no delivery is running. Returns at once
   * (a map lookup when the AOR has no messages); may run on an event loop.
   */
  public void onRegistered(Aor aor) {
    if (!closed && mailboxes.containsKey(aor)) {
      startDelivery(aor);
    }
  }

  private void startDelivery(Aor aor) {
    boolean[] start = new boolean[1];
    mailboxes.computeIfPresent(aor, (k, mb) -> {
      if (mb.stored + mb.reserved == 0) {
        return mb.isIdle() ? null : mb;
      }
      if (mb.delivering) {
        mb.again = true;
        return mb;
      }
      mb.delivering = true;
      mb.again = false;
      if (mb.retry != null) {
        mb.retry.cancel(false);
        mb.retry = null;
      }
      start[0] = true;
      return mb;
    });
    if (start[0] && !inBackground(() -> deliverBatch(aor))) {
      finish(aor, false);
    }
  }

  /** Reads the next messages of {@code aor} and sends the first; background thread. */
  private void deliverBatch(Aor aor) {
    if (closed) {
      return;
    }
    List<StoredMessage> batch;
    try {
      batch = store.pendingMessages(aor.host(), aor.user(), BATCH);
      storeRecovered();
    } catch (RuntimeException e) {
      storeFailed("cannot read stored messages", e);
      finish(aor, true);
      return;
    }
    if (batch.isEmpty()) {
      resync(aor);
      finish(aor, false);
      return;
    }
    deliverFrom(aor, batch, 0);
  }

  /** Sends {@code batch[i]}, skipping (dropping) expired ones; background thread. */
  private void deliverFrom(Aor aor, List<StoredMessage> batch, int i) {
    long oldest = clock.millis() - config.maxAge().toMillis();
    while (i < batch.size() && batch.get(i).receivedAt() < oldest) {
      if (!drop(batch.get(i))) {
        finish(aor, true);
        return;
      }
      i++;
    }
    if (i == batch.size()) {
      deliverBatch(aor);
      return;
    }
    StoredMessage m = batch.get(i);
    CompletableFuture<Integer> sent;
    try {
      sent = sender.send(delivery(m));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    int index = i;
    sent.orTimeout(config.deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((status, error) -> {
          int code = error != null || status == null ? 0 : status;
          if (!inBackground(() -> onResult(aor, batch, index, code))) {
            finish(aor, true);
          }
        });
  }

  /** The outcome of sending {@code batch[i]}: {@code status} 0 when none came; background. */
  private void onResult(Aor aor, List<StoredMessage> batch, int i, int status) {
    if (closed) {
      return;
    }
    StoredMessage m = batch.get(i);
    if (status >= 200 && status < 300) {
      delivered.increment();
      if (!delete(m)) {
        finish(aor, true);
        return;
      }
      mailboxes.computeIfPresent(aor, (k, mb) -> {
        mb.failures = 0;
        return mb;
      });
      deliverFrom(aor, batch, i + 1);
      return;
    }
    failedAttempts.increment();
    if (!isTransient(status) && m.attempts() + 1 >= config.maxRefusals()) {
      log.debug("dropping message {} for {}: refused {} times, last {}", m.id(), aor,
          m.attempts() + 1, status);
      if (drop(m)) {
        deliverFrom(aor, batch, i + 1);
      } else {
        finish(aor, true);
      }
      return;
    }
    try {
      store.messageAttemptFailed(m.id());
      storeRecovered();
    } catch (RuntimeException e) {
      storeFailed("cannot update a stored message", e);
    }
    finish(aor, true);
  }

  /** Whether a final status (0: none) means "try again later" rather than a refusal. */
  static boolean isTransient(int status) {
    return status == 0 || status == 408 || status == 480 || status == 486 || status == 600
        || (status >= 500 && status < 600);
  }

  private boolean drop(StoredMessage m) {
    if (delete(m)) {
      dropped.increment();
      return true;
    }
    return false;
  }

  /** Deletes a message and counts it out; false if the store failed. Background thread. */
  private boolean delete(StoredMessage m) {
    boolean deleted;
    try {
      deleted = store.deleteMessage(m.id());
      storeRecovered();
    } catch (RuntimeException e) {
      storeFailed("cannot delete a stored message", e);
      return false;
    }
    if (deleted) { // else the expiry sweep took it and recounted already
      int size = m.bodySize();
      boolean vouched = m.senderAuthenticated();
      mailboxes.computeIfPresent(m.recipient(), (k, mb) -> {
        mb.stored--;
        mb.storedBytes -= size;
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
        return mb.isIdle() ? null : mb;
      });
      totalMessages.decrementAndGet();
      totalBytes.addAndGet(-size);
      if (!vouched) {
        unauthenticatedMessages.decrementAndGet();
        unauthenticatedBytes.addAndGet(-size);
      }
    }
    return true;
  }

  /** The store has no message for {@code aor}: make the memory agree. Background thread. */
  private void resync(Aor aor) {
    recount(aor, List.of());
  }

  /**
   * Sets the stored counts of {@code aor}'s mailbox, and of each sender in it, to what the store
   * holds ({@code counts}); the reservations stay. Background thread.
   */
  private void recount(Aor aor, List<Store.SenderCount> counts) {
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
      delta[0] = messages - mb.stored;
      delta[1] = bytes - mb.storedBytes;
      delta[2] = unauthMessages - mb.unauthenticated.stored;
      delta[3] = unauthBytes - mb.unauthenticated.storedBytes;
      mb.stored = (int) messages;
      mb.storedBytes = bytes;
      mb.unauthenticated.stored = (int) unauthMessages;
      mb.unauthenticated.storedBytes = unauthBytes;
      return mb.isIdle() ? null : mb;
    });
    totalMessages.addAndGet(delta[0]);
    totalBytes.addAndGet(delta[1]);
    unauthenticatedMessages.addAndGet(delta[2]);
    unauthenticatedBytes.addAndGet(delta[3]);
  }

  /** Ends a delivery run: restarts it, schedules a retry, or forgets an empty mailbox. */
  private void finish(Aor aor, boolean failed) {
    boolean[] restart = new boolean[1];
    mailboxes.computeIfPresent(aor, (k, mb) -> {
      mb.delivering = false;
      boolean again = mb.again;
      mb.again = false;
      if (closed || mb.stored + mb.reserved == 0) {
        return mb.isIdle() ? null : mb;
      }
      if (failed) {
        mb.failures++;
      }
      if (again) {
        restart[0] = true; // a REGISTER came meanwhile: maybe a new contact, try at once
      } else if (failed) {
        long delay = retryDelay(mb.failures).toMillis();
        try {
          mb.retry = background.schedule(() -> retryDue(aor), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          mb.retry = null;
        }
      }
      return mb;
    });
    if (restart[0]) {
      startDelivery(aor);
    }
  }

  private void retryDue(Aor aor) {
    mailboxes.computeIfPresent(aor, (k, mb) -> {
      mb.retry = null;
      return mb.isIdle() ? null : mb;
    });
    if (!closed && registered.test(aor)) {
      startDelivery(aor);
    }
  }

  /** The wait before the next attempt after {@code failures} failed runs in a row. */
  Duration retryDelay(int failures) {
    Duration d = config.retryInitial();
    for (int i = 1; i < failures && d.compareTo(config.retryMax()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(config.retryMax()) > 0 ? config.retryMax() : d;
  }

  /** The MESSAGE that delivers {@code m}. */
  SipRequest delivery(StoredMessage m) {
    Aor aor = m.recipient();
    SipUri uri = SipUri.builder().userDecoded(aor.user()).host(aor.host()).build();
    SipRequest.Builder b = SipRequest.builder(SipMethod.MESSAGE, uri)
        .header(HeaderName.MAX_FORWARDS, "70")
        .header(HeaderName.FROM, m.from())
        .header(HeaderName.TO, Address.of(uri).toString())
        .header(HeaderName.CALL_ID, Responses.randomToken() + "@" + aor.host())
        .header(HeaderName.CSEQ, "1 MESSAGE")
        .header(HeaderName.DATE, SIP_DATE.format(Instant.ofEpochMilli(m.receivedAt())))
        .body(m.body());
    if (m.contentType() != null) {
      b.header(HeaderName.CONTENT_TYPE, m.contentType());
    }
    return b.build();
  }

  private void sweepQuietly() {
    try {
      sweepNow();
      storeRecovered();
    } catch (RuntimeException e) {
      storeFailed("cannot sweep expired messages", e);
    }
  }

  /**
   * Drops the messages older than {@code maxAge} now (the timer does it every
   * {@code sweepInterval}). Blocks until the background executor has run it: call it off the
   * event loops and never on that executor.
   *
   * @return how many were dropped
   */
  public int sweepExpired() {
    try {
      return CompletableFuture.supplyAsync(this::sweepNow, background).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private int sweepNow() {
    int n = store.deleteMessagesReceivedBefore(clock.millis() - config.maxAge().toMillis());
    if (n > 0) {
      dropped.add(n);
      Map<Aor, List<Store.SenderCount>> counts = new HashMap<>();
      for (Store.SenderCount c : store.messageCountsBySender()) {
        counts.computeIfAbsent(c.recipient(), k -> new ArrayList<>()).add(c);
      }
      for (Aor aor : mailboxes.keySet()) {
        recount(aor, counts.getOrDefault(aor, List.of()));
      }
    }
    return n;
  }

  private boolean inBackground(Runnable task) {
    try {
      background.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private void storeFailed(String what, RuntimeException e) {
    if (!storeFailing) {
      storeFailing = true;
      log.warn("offline messages: {}: {}", what, e.getMessage());
    }
  }

  private void storeRecovered() {
    if (storeFailing) {
      storeFailing = false;
      log.info("offline messages: store recovered");
    }
  }

  /** Messages stored (or being written) for {@code aor}. */
  public int pendingCount(Aor aor) {
    int[] n = new int[1];
    mailboxes.computeIfPresent(aor, (k, mb) -> {
      n[0] = mb.messages();
      return mb;
    });
    return n[0];
  }

  /** Counters for status pages. Never blocks. */
  public Stats stats() {
    return new Stats(totalMessages.get(), totalBytes.get(), mailboxes.size(), accepted.sum(),
        rejected.sum(), delivered.sum(), failedAttempts.sum(), dropped.sum(),
        refusedPerSender.sum(), unauthenticatedMessages.get(), unauthenticatedDeclined.sum(),
        unauthenticatedDiscarded.sum());
  }

  /**
   * Store-and-forward counters: the first three now, the others since start.
   *
   * @param pending messages stored or being written
   * @param pendingBytes their body bytes
   * @param users AORs with pending messages
   * @param accepted messages stored (answered 202)
   * @param rejected messages refused (400, 404, 413, 480, 503)
   * @param delivered messages delivered (a 2xx came back)
   * @param failedAttempts delivery attempts that got no 2xx
   * @param dropped messages dropped undelivered (expired, or refused too often)
   * @param refusedPerSender messages refused 480 because their authenticated sender had all it
   *     may have in the mailbox (also counted in {@code rejected})
   * @param unauthenticatedPending messages from unauthenticated senders stored or being written
   *     (also counted in {@code pending})
   * @param unauthenticatedDeclined MESSAGEs from unauthenticated senders left to the proxy's 480
   *     because {@code acceptUnauthenticated} is off
   * @param unauthenticatedDiscarded MESSAGEs from unauthenticated senders answered 202 but not
   *     stored: over a quota, the store full or failing, or for no such user
   */
  public record Stats(long pending, long pendingBytes, int users, long accepted, long rejected,
      long delivered, long failedAttempts, long dropped, long refusedPerSender,
      long unauthenticatedPending, long unauthenticatedDeclined, long unauthenticatedDiscarded) {
    /** The counters of a server that does not keep senders (the new ones 0). */
    public Stats(long pending, long pendingBytes, int users, long accepted, long rejected,
        long delivered, long failedAttempts, long dropped) {
      this(pending, pendingBytes, users, accepted, rejected, delivered, failedAttempts, dropped,
          0, 0, 0, 0);
    }
  }

  /**
   * Stops delivering and cancels the timers; messages stay stored for the next start. Does not
   * close the store nor the executor. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    sweep.cancel(false);
    for (Mailbox mb : mailboxes.values()) {
      ScheduledFuture<?> r = mb.retry;
      if (r != null) {
        r.cancel(false);
      }
    }
  }

  /** One AOR's counts and delivery state; touched only inside {@code mailboxes.compute*}. */
  private static final class Mailbox {
    int stored;
    long storedBytes;
    int reserved;
    long reservedBytes;
    boolean delivering;
    boolean again;
    int failures;
    volatile ScheduledFuture<?> retry;
    /** Messages from unauthenticated senders. */
    final Tally unauthenticated = new Tally();
    /**
     * Messages by sender key; an entry only while it counts some, so there are at most
     * {@code maxMessagesPerUser}.
     */
    final Map<String, Tally> senders = new HashMap<>();

    int messages() {
      return stored + reserved;
    }

    long bytes() {
      return storedBytes + reservedBytes;
    }

    boolean isIdle() {
      return stored + reserved == 0 && !delivering && retry == null;
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

  /** Builds {@link OfflineMessages}; not thread-safe. */
  public static final class Builder {
    private final Store store;
    private final ScheduledExecutorService background;
    private final Sender sender;
    private Predicate<Aor> registered = aor -> false;
    private Predicate<Aor> knownUser = aor -> true;
    private Clock clock = Clock.systemUTC();
    private OfflineMessagesConfig config = OfflineMessagesConfig.defaults();

    private Builder(Store store, ScheduledExecutorService background, Sender sender) {
      this.store = Objects.requireNonNull(store, "store");
      this.background = Objects.requireNonNull(background, "background");
      this.sender = Objects.requireNonNull(sender, "sender");
    }

    /**
     * Whether an AOR has live bindings now (the server passes
     * {@code aor -> !location.lookup(aor).isEmpty()}); must not block. Consulted at start, after
     * a write and before a timed retry. Default: never, so only {@link #onRegistered} delivers.
     */
    public Builder registered(Predicate<Aor> registered) {
      this.registered = Objects.requireNonNull(registered, "registered");
      return this;
    }

    /**
     * Whether an AOR is a user of the domain (the server passes its account cache's
     * {@code contains}); must not block. Messages for other AORs are never stored: an
     * authenticated sender gets 404, an unauthenticated one the 202 it would get for a user.
     * Default: every AOR handed over is a user.
     */
    public Builder knownUser(Predicate<Aor> knownUser) {
      this.knownUser = Objects.requireNonNull(knownUser, "knownUser");
      return this;
    }

    /** The wall clock for receive times, the Date header and expiry; default UTC system. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The limits and timers; default {@link OfflineMessagesConfig#defaults()}. */
    public Builder config(OfflineMessagesConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Loads the per-user counts from the store (blocking: call it at start, off the event
     * loops), schedules the expiry sweep and starts delivery to AORs already registered.
     *
     * @throws StoreException if the counts cannot be read
     */
    public OfflineMessages build() {
      return new OfflineMessages(this);
    }
  }
}
