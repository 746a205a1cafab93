package dev.parley.server.offline;

import dev.parley.server.internal.PeriodicTask;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.server.registrar.Aor;
import dev.parley.server.store.Store;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Tags;
import dev.parley.transport.Scheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailboxes: which MESSAGEs are stored for whom. Takes a MESSAGE in (checks it and the
 * {@link Quotas}, writes it, says what to answer: see {@link OfflineMessages}), hands the stored
 * ones to delivery and takes them out again (delivered, dropped), and drops the ones older than
 * {@code maxAge} every {@code sweepInterval}.
 *
 * <p>Threading: {@link #takes} and {@link #accept} never block and may run on event loops. Every
 * store call runs on the {@code worker}, which runs its tasks one at a time in submission order
 * (the server's store thread): that order is what keeps a message's write before its delivery.
 * The methods documented "worker" must be called there. The sweep's timer fires on the
 * {@link Scheduler}, which only hands the sweep to the worker.
 */
final class Mailboxes implements AutoCloseable {
  /** Longest From, To, Call-ID or Content-Type kept: the store's column sizes. */
  private static final int MAX_HEADER_CHARS = 1024;
  private static final int MAX_ADDRESS_CHARS = 4096;
  private static final String RETRY_AFTER_FULL = "300";
  private static final Logger log = LoggerFactory.getLogger(OfflineMessages.class);

  private final Store store;
  private final Executor worker;
  private final Predicate<Aor> knownUser;
  private final Clock clock;
  private final OfflineMessagesConfig config;
  private final Quotas quotas;
  private final Consumer<Aor> onStored;
  private final Runnable onSwept;
  private final LongAdder accepted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder refusedPerSender = new LongAdder();
  private final LongAdder unauthenticatedDeclined = new LongAdder();
  private final LongAdder unauthenticatedDiscarded = new LongAdder();
  private final PeriodicTask sweep;
  private volatile boolean closed;
  private boolean storeFailing; // worker only

  /**
   * Mailboxes over {@code store}, counted in {@code quotas}; {@code onStored} is told on the
   * worker each time a message has been written for an AOR, {@code onSwept} each time the
   * expiry sweep dropped some. Starts the expiry sweep.
   */
  Mailboxes(Store store, Executor worker, Scheduler timers, Predicate<Aor> knownUser,
      Clock clock, OfflineMessagesConfig config, Quotas quotas, Consumer<Aor> onStored,
      Runnable onSwept) {
    this.store = store;
    this.worker = worker;
    this.knownUser = knownUser;
    this.clock = clock;
    this.config = config;
    this.quotas = quotas;
    this.onStored = onStored;
    this.onSwept = onSwept;
    this.sweep = PeriodicTask.start(timers, worker, config.sweepInterval(), this::sweepQuietly);
  }

  /** See {@link OfflineMessages#takes}. */
  boolean takes(SipRequest request, Aor aor, RequestOrigin origin) {
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

  /** See {@link OfflineMessages#accept}. */
  CompletableFuture<SipResponse> accept(SipRequest message, Aor aor, RequestOrigin origin) {
    Objects.requireNonNull(aor, "aor");
    Objects.requireNonNull(origin, "origin");
    if (!message.method().equals(SipMethod.MESSAGE)) {
      throw new IllegalArgumentException("not a MESSAGE: " + message.method());
    }
    String toTag = Tags.random();
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
    // Past this point an unauthenticated sender's answer is 202, whatever happens
    boolean vouched = origin.isAuthenticated();
    if (!vouched && !config.acceptUnauthenticated()) {
      unauthenticatedDeclined.increment();
      return reject(message, toTag, 480, "Temporarily Unavailable", null);
    }
    if (!knownUser.test(aor)) {
      return vouched ? reject(message, toTag, 404, "Not Found", null) : unstored(message, toTag);
    }
    String sender = Quotas.senderKey(origin);
    switch (quotas.reserve(aor, sender, vouched, body.length)) {
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
      worker.execute(() -> write(m, message, toTag, result));
    } catch (RejectedExecutionException e) {
      quotas.release(m, false);
      return reject(message, toTag, 503, "Service Unavailable (shutting down)", "5");
    }
    return result;
  }

  /**
   * Answers 202 to an unauthenticated sender without storing anything (a quota, or no such
   * user): from the worker, as a stored message's 202 is, so that the two cannot be told apart.
   */
  private CompletableFuture<SipResponse> unstored(SipRequest message, String toTag) {
    unauthenticatedDiscarded.increment();
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    try {
      worker.execute(() -> result.complete(message.response(202, toTag).build()));
    } catch (RejectedExecutionException e) {
      return reject(message, toTag, 503, "Service Unavailable (shutting down)", "5");
    }
    return result;
  }

  /**
   * Writes a reserved message and answers; worker. An unauthenticated sender gets its 202 before
   * the write, so that it learns nothing from the outcome nor the time taken.
   */
  private void write(StoredMessage m, SipRequest message, String toTag,
      CompletableFuture<SipResponse> result) {
    boolean vouched = m.senderAuthenticated();
    if (!vouched) {
      result.complete(message.response(202, toTag).build());
    }
    OptionalLong id;
    try {
      id = store.storeMessage(m);
      storeRecovered();
    } catch (RuntimeException e) {
      storeFailed("cannot store a message", e);
      quotas.release(m, false);
      if (vouched) {
        rejected.increment();
        result.complete(message.response(503, toTag)
            .reasonPhrase("Service Unavailable (message store failed)")
            .header(HeaderName.RETRY_AFTER, "60").build());
      } else {
        unauthenticatedDiscarded.increment();
      }
      return;
    }
    quotas.release(m, id.isPresent());
    if (id.isPresent()) {
      accepted.increment();
      // the user may have registered between the proxy's lookup and this write
      onStored.accept(m.recipient());
    }
    if (vouched) {
      // last: once the sender has its 202, the message is being delivered or waits for the
      // next REGISTER, whatever happens to the bindings afterwards
      result.complete(message.response(202, toTag).build());
    }
  }

  private CompletableFuture<SipResponse> reject(SipRequest message, String toTag, int status,
      String reason, String retryAfter) {
    rejected.increment();
    SipResponse.Builder r = message.response(status, toTag).reasonPhrase(reason);
    if (retryAfter != null) {
      r.header(HeaderName.RETRY_AFTER, retryAfter);
    }
    return CompletableFuture.completedFuture(r.build());
  }

  /**
   * The next {@code max} messages of {@code aor}, oldest first; worker.
   *
   * @return the messages, or null when the store failed (logged)
   */
  List<StoredMessage> oldest(Aor aor, int max) {
    try {
      List<StoredMessage> batch = store.pendingMessages(aor.host(), aor.user(), max);
      storeRecovered();
      if (batch.isEmpty()) {
        quotas.recount(aor, List.of()); // the store has none: make the memory agree
      }
      return batch;
    } catch (RuntimeException e) {
      storeFailed("cannot read stored messages", e);
      return null;
    }
  }

  /** Takes out a delivered message; false if the store failed. Worker. */
  boolean delivered(StoredMessage m) {
    return delete(m);
  }

  /** Takes out a message undelivered (expired, refused too often); false if the store failed. */
  boolean drop(StoredMessage m) {
    if (delete(m)) {
      dropped.increment();
      return true;
    }
    return false;
  }

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
      quotas.remove(m);
    }
    return true;
  }

  /** Counts a failed delivery attempt of {@code m} in the store; worker. */
  void attemptFailed(StoredMessage m) {
    try {
      store.messageAttemptFailed(m.id());
      storeRecovered();
    } catch (RuntimeException e) {
      storeFailed("cannot update a stored message", e);
    }
  }

  private void sweepQuietly() {
    try {
      sweepNow();
      storeRecovered();
    } catch (RuntimeException e) {
      storeFailed("cannot sweep expired messages", e);
    }
  }

  /** See {@link OfflineMessages#sweepExpired}. */
  int sweepExpired() {
    try {
      return CompletableFuture.supplyAsync(this::sweepNow, worker).join();
    } catch (CompletionException e) {
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
      for (Aor aor : quotas.recipients()) {
        quotas.recount(aor, counts.getOrDefault(aor, List.of()));
      }
      onSwept.run();
    }
    return n;
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

  long accepted() {
    return accepted.sum();
  }

  long rejected() {
    return rejected.sum();
  }

  long dropped() {
    return dropped.sum();
  }

  long refusedPerSender() {
    return refusedPerSender.sum();
  }

  long unauthenticatedDeclined() {
    return unauthenticatedDeclined.sum();
  }

  long unauthenticatedDiscarded() {
    return unauthenticatedDiscarded.sum();
  }

  /** Refuses new messages and stops the expiry sweep; the store stays open. */
  @Override
  public void close() {
    closed = true;
    sweep.close();
  }
}
