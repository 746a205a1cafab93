package dev.parley.server.offline;

import dev.parley.server.registrar.Aor;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.server.store.Store;
import dev.parley.server.store.StoreException;
import dev.parley.server.proxy.UnregisteredTargetHandler;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Scheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

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
 * that look at the request only (400, 413) the answer is always 202, sent from the store
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
 * <p>The parts: {@link Mailboxes} keeps what is stored (the checks and writes above, the
 * expiry sweep) and counts it in {@link Quotas}; {@link Delivery} sends it to registered users
 * (runs, attempts, back-off); this class wires them for the server.
 *
 * <p>Threading: {@link #accept}, {@link #handle}, {@link #onRegistered} and {@link #stats}
 * never block and may run on event loops; per-AOR counts are held in memory for that. Every
 * store call runs on the {@code worker} executor, which must run its tasks one at a time in
 * submission order (the server's single store thread): that order is what keeps a message's
 * write before its delivery. Every timer (the expiry sweep, the delivery timeout, the retries)
 * runs on the injected {@link Scheduler} and only hands its work to the worker, so tests drive
 * them on virtual time. Thread-safe.
 */
public final class OfflineMessages implements AutoCloseable {
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

  private final Predicate<Aor> registered;
  private final Quotas quotas;
  private final Mailboxes mailboxes;
  private final Delivery delivery;

  private OfflineMessages(Builder b) {
    this.registered = b.registered;
    this.quotas = new Quotas(b.config);
    quotas.load(b.store.messageCountsBySender());
    this.mailboxes = new Mailboxes(b.store, b.worker, b.timers, b.knownUser, b.clock, b.config,
        quotas, this::stored, this::swept);
    this.delivery = new Delivery(mailboxes, quotas, b.worker, b.timers, b.sender, b.registered,
        b.clock, b.config);
    for (Aor aor : new ArrayList<>(quotas.recipients())) {
      if (registered.test(aor)) {
        delivery.onRegistered(aor);
      }
    }
  }

  /** The expiry sweep dropped messages (worker): forget the runs of mailboxes it emptied. */
  private void swept() {
    delivery.forgetEmpty();
  }

  /** A message was written for {@code aor} (worker): delivers it if the user registered since. */
  private void stored(Aor aor) {
    if (registered.test(aor)) {
      delivery.start(aor);
    }
  }

  /**
   * A builder for store-and-forward over {@code store}, doing store work on {@code worker} (a
   * serial executor: see the class comment), timing on {@code timers} and delivering through
   * {@code sender}.
   */
  public static Builder builder(Store store, Executor worker, Scheduler timers, Sender sender) {
    return new Builder(store, worker, timers, sender);
  }

  /**
   * Whether {@link #handle} takes {@code request} for {@code aor} from {@code origin}: a MESSAGE
   * from an authenticated sender for a known user; a MESSAGE from an unauthenticated sender, for
   * a known user or not, when {@code acceptUnauthenticated} (counted
   * {@code unauthenticatedDeclined} when not). Never blocks.
   */
  public boolean takes(SipRequest request, Aor aor, RequestOrigin origin) {
    return mailboxes.takes(request, aor, origin);
  }

  /**
   * Stores a MESSAGE for {@code aor}, a user of the domain with no registration (or, from an
   * unauthenticated sender, perhaps no user at all), and says what to answer (see the class
   * comment). The limits are checked at once, in memory; the write runs on the worker and the
   * 202 comes from there. Never blocks.
   *
   * @param origin who sent it: decides the quotas, and whether the answer may tell anything
   * @return completes, on the worker or at once, with the response to send (202, 400, 404, 413,
   *     480 or 503); never fails
   * @throws IllegalArgumentException if {@code message} is not a MESSAGE
   */
  public CompletableFuture<SipResponse> accept(SipRequest message, Aor aor,
      RequestOrigin origin) {
    return mailboxes.accept(message, aor, origin);
  }

  /**
   * The proxy's hook for a request to a user with no binding (the shape of
   * {@code UnregisteredTargetHandler.handle}, so {@code offlineMessages::handle} plugs in): a
   * MESSAGE that {@link #takes} takes is {@linkplain #accept accepted} and {@code transaction}
   * answered from the worker; anything else is declined. Never blocks.
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

  /**
   * Tells that {@code aor} has just registered (a REGISTER answered 200 left it with bindings):
   * starts delivering its stored messages, if any and if no delivery is running. Returns at once
   * (a map lookup when the AOR has no messages); may run on an event loop.
   */
  public void onRegistered(Aor aor) {
    delivery.onRegistered(aor);
  }

  /**
   * Drops the messages older than {@code maxAge} now (the timer does it every
   * {@code sweepInterval}). Blocks until the worker has run it: call it off the event loops and
   * never on the worker.
   *
   * @return how many were dropped
   */
  public int sweepExpired() {
    return mailboxes.sweepExpired();
  }

  /** Messages stored (or being written) for {@code aor}. */
  public int pendingCount(Aor aor) {
    return quotas.messages(aor);
  }

  /** At most {@code max} users' queues (messages, bytes), fullest first; for the admin page. */
  public java.util.List<Queue> queues(int max) {
    return quotas.queues(max);
  }

  /**
   * A user's queue of stored messages.
   *
   * @param aor the user
   * @param messages messages stored or being written
   * @param bytes their bytes
   */
  public record Queue(Aor aor, int messages, long bytes) {}

  /** Counters for status pages. Never blocks. */
  public Stats stats() {
    return new Stats(quotas.totalMessages(), quotas.totalBytes(), quotas.mailboxCount(),
        mailboxes.accepted(), mailboxes.rejected(), delivery.delivered(),
        delivery.failedAttempts(), mailboxes.dropped(), mailboxes.refusedPerSender(),
        quotas.unauthenticatedMessages(), mailboxes.unauthenticatedDeclined(),
        mailboxes.unauthenticatedDiscarded());
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
   * close the store nor the worker. Idempotent.
   */
  @Override
  public void close() {
    mailboxes.close();
    delivery.close();
  }

  /** Builds {@link OfflineMessages}; not thread-safe. */
  public static final class Builder {
    private final Store store;
    private final Executor worker;
    private final Scheduler timers;
    private final Sender sender;
    private Predicate<Aor> registered = aor -> false;
    private Predicate<Aor> knownUser = aor -> true;
    private Clock clock = Clock.systemUTC();
    private OfflineMessagesConfig config = OfflineMessagesConfig.defaults();

    private Builder(Store store, Executor worker, Scheduler timers, Sender sender) {
      this.store = Objects.requireNonNull(store, "store");
      this.worker = Objects.requireNonNull(worker, "worker");
      this.timers = Objects.requireNonNull(timers, "timers");
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

    /**
     * The wall clock for receive times, the Date header and expiry; default UTC system. (The
     * timers' clock is the scheduler's.)
     */
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
     * loops), starts the expiry sweep's timer and starts delivery to AORs already registered.
     *
     * @throws StoreException if the counts cannot be read
     */
    public OfflineMessages build() {
      return new OfflineMessages(this);
    }
  }
}
