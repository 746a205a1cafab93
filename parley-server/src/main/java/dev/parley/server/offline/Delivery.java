package dev.parley.server.offline;

import dev.parley.server.registrar.Aor;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.transport.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery of the stored messages to a user who is registered: one run per AOR at a time, one
 * message at a time, oldest first, each as a new MESSAGE through the {@link
 * OfflineMessages.Sender}. A message leaves its mailbox only after a 2xx. On any other outcome
 * (no final status within {@code deliveryTimeout} counts as one) the run stops, keeping the
 * order, and is tried again on the next registration or after a back-off ({@code retryInitial}
 * doubling up to {@code retryMax}) while the user stays registered. A message the recipient
 * itself refuses {@code maxRefusals} times in all is dropped, and so is one older than
 * {@code maxAge}.
 *
 * <p>Threading: the state of the runs is confined to the {@code worker} (the server's store
 * thread), so it needs no lock: {@link #onRegistered} may be called on any thread and hands the
 * start over; {@link #start} runs on the worker. The delivery timeout and the retries are
 * timers on the {@link Scheduler}, which hand their outcome to the worker too.
 */
final class Delivery implements AutoCloseable {
  /** Messages read from the store per query; memory is bounded by maxBytes. */
  private static final int BATCH = 16;
  private static final DateTimeFormatter SIP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final Logger log = LoggerFactory.getLogger(OfflineMessages.class);

  private final Mailboxes mailboxes;
  private final Quotas quotas;
  private final Executor worker;
  private final Scheduler timers;
  private final OfflineMessages.Sender sender;
  private final Predicate<Aor> registered;
  private final Clock clock;
  private final OfflineMessagesConfig config;
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failedAttempts = new LongAdder();
  /** The runs: worker only. An entry while delivering, waiting to retry, or counting failures. */
  private final Map<Aor, Run> runs = new HashMap<>();
  private volatile boolean closed;

  Delivery(Mailboxes mailboxes, Quotas quotas, Executor worker, Scheduler timers,
      OfflineMessages.Sender sender, Predicate<Aor> registered, Clock clock,
      OfflineMessagesConfig config) {
    this.mailboxes = mailboxes;
    this.quotas = quotas;
    this.worker = worker;
    this.timers = timers;
    this.sender = sender;
    this.registered = registered;
    this.clock = clock;
    this.config = config;
  }

  /**
   * Starts delivering to {@code aor} if it has messages and no run is going; any thread, never
   * blocks (a map lookup when the AOR has no messages).
   */
  void onRegistered(Aor aor) {
    if (!closed && quotas.hasMessages(aor)) {
      onWorker(() -> start(aor));
    }
  }

  /** {@link #onRegistered} on the worker: starts a run, or asks the running one to go again. */
  void start(Aor aor) {
    if (closed) {
      return;
    }
    Run run = runs.get(aor);
    if (!quotas.hasMessages(aor)) {
      if (run != null && !run.delivering) { // nothing left: forget the run and its retry
        if (run.retry != null) {
          run.retry.cancel();
        }
        runs.remove(aor);
      }
      return;
    }
    if (run == null) {
      run = new Run();
      runs.put(aor, run);
    }
    if (run.delivering) {
      run.again = true; // a REGISTER came meanwhile: maybe a new contact
      return;
    }
    run.delivering = true;
    run.again = false;
    if (run.retry != null) {
      run.retry.cancel();
      run.retry = null;
    }
    deliverBatch(aor);
  }

  /** Reads the next messages of {@code aor} and sends the first; worker. */
  private void deliverBatch(Aor aor) {
    if (closed) {
      return;
    }
    List<StoredMessage> batch = mailboxes.oldest(aor, BATCH);
    if (batch == null) {
      finish(aor, true);
    } else if (batch.isEmpty()) {
      finish(aor, false);
    } else {
      deliverFrom(aor, batch, 0);
    }
  }

  /** Sends {@code batch[i]}, skipping (dropping) expired ones; worker. */
  private void deliverFrom(Aor aor, List<StoredMessage> batch, int i) {
    long oldest = clock.millis() - config.maxAge().toMillis();
    while (i < batch.size() && batch.get(i).receivedAt() < oldest) {
      if (!mailboxes.drop(batch.get(i))) {
        finish(aor, true);
        return;
      }
      i++;
    }
    if (i == batch.size()) {
      deliverBatch(aor);
      return;
    }
    int index = i;
    CompletableFuture<Integer> outcome = new CompletableFuture<>();
    outcome.thenAccept(code -> onWorker(() -> onResult(aor, batch, index, code)));
    Scheduler.Timer timeout;
    try {
      timeout = timers.schedule(() -> outcome.complete(0), config.deliveryTimeout().toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) { // the server is stopping
      finish(aor, true);
      return;
    }
    CompletableFuture<Integer> sent;
    try {
      sent = sender.send(delivery(batch.get(i)));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((status, error) -> {
      timeout.cancel();
      outcome.complete(error != null || status == null ? 0 : status);
    });
  }

  /** The outcome of sending {@code batch[i]}: {@code status} 0 when none came; worker. */
  private void onResult(Aor aor, List<StoredMessage> batch, int i, int status) {
    if (closed) {
      return;
    }
    StoredMessage m = batch.get(i);
    if (status >= 200 && status < 300) {
      delivered.increment();
      if (!mailboxes.delivered(m)) {
        finish(aor, true);
        return;
      }
      Run run = runs.get(aor);
      if (run != null) {
        run.failures = 0;
      }
      deliverFrom(aor, batch, i + 1);
      return;
    }
    failedAttempts.increment();
    if (!isTransient(status) && m.attempts() + 1 >= config.maxRefusals()) {
      log.debug("dropping message {} for {}: refused {} times, last {}", m.id(), aor,
          m.attempts() + 1, status);
      if (mailboxes.drop(m)) {
        deliverFrom(aor, batch, i + 1);
      } else {
        finish(aor, true);
      }
      return;
    }
    mailboxes.attemptFailed(m);
    finish(aor, true);
  }

  /** Ends a run: starts it again, schedules a retry, or forgets it; worker. */
  private void finish(Aor aor, boolean failed) {
    Run run = runs.get(aor);
    if (run == null) {
      return;
    }
    run.delivering = false;
    boolean again = run.again;
    run.again = false;
    if (closed || !quotas.hasMessages(aor)) {
      runs.remove(aor);
      return;
    }
    if (failed) {
      run.failures++;
    }
    if (again) {
      start(aor); // a REGISTER came meanwhile: maybe a new contact, try at once
    } else if (failed) {
      long retry = ++run.retries;
      try {
        run.retry = timers.schedule(() -> onWorker(() -> retryDue(aor, retry)),
            retryDelay(config, run.failures).toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) { // the server is stopping
        run.retry = null;
      }
    }
  }

  /** The timed retry number {@code retry} fell due; worker. */
  private void retryDue(Aor aor, long retry) {
    Run run = runs.get(aor);
    if (run == null || closed || run.retry == null || run.retries != retry) {
      return; // cancelled (a run started meanwhile) after it fell due
    }
    run.retry = null;
    if (registered.test(aor)) {
      start(aor);
    } else if (!run.delivering && !quotas.hasMessages(aor)) {
      runs.remove(aor);
    }
  }

  /**
   * Forgets the runs that wait for nothing and whose mailbox is empty (the expiry sweep emptied
   * it); worker.
   */
  void forgetEmpty() {
    runs.entrySet().removeIf(e -> !e.getValue().delivering && e.getValue().retry == null
        && !quotas.hasMessages(e.getKey()));
  }

  /** The wait before the next attempt after {@code failures} failed runs in a row. */
  static Duration retryDelay(OfflineMessagesConfig config, int failures) {
    Duration d = config.retryInitial();
    for (int i = 1; i < failures && d.compareTo(config.retryMax()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(config.retryMax()) > 0 ? config.retryMax() : d;
  }

  /** Whether a final status (0: none) means "try again later" rather than a refusal. */
  static boolean isTransient(int status) {
    return status == 0 || status == 408 || status == 480 || status == 486 || status == 600
        || (status >= 500 && status < 600);
  }

  /** The MESSAGE that delivers {@code m}. */
  static SipRequest delivery(StoredMessage m) {
    Aor aor = m.recipient();
    SipUri uri = SipUri.builder().userDecoded(aor.user()).host(aor.host()).build();
    SipRequest.Builder b = SipRequest.builder(SipMethod.MESSAGE, uri)
        .header(HeaderName.MAX_FORWARDS, "70")
        .header(HeaderName.FROM, m.from())
        .header(HeaderName.TO, Address.of(uri).toString())
        .header(HeaderName.CALL_ID, Tags.random() + "@" + aor.host())
        .header(HeaderName.CSEQ, "1 MESSAGE")
        .header(HeaderName.DATE, SIP_DATE.format(Instant.ofEpochMilli(m.receivedAt())))
        .body(m.body());
    if (m.contentType() != null) {
      b.header(HeaderName.CONTENT_TYPE, m.contentType());
    }
    return b.build();
  }

  private void onWorker(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException e) {
      // the server is stopping: the messages stay stored for the next start
    }
  }

  long delivered() {
    return delivered.sum();
  }

  long failedAttempts() {
    return failedAttempts.sum();
  }

  /** Stops delivering and cancels the retries; messages stay stored. Any thread. */
  @Override
  public void close() {
    closed = true;
    onWorker(() -> {
      for (Run run : runs.values()) {
        if (run.retry != null) {
          run.retry.cancel();
        }
      }
      runs.clear();
    });
  }

  /** One AOR's delivery: running or not, asked to go again, failures in a row, its retry. */
  private static final class Run {
    boolean delivering;
    boolean again;
    int failures;
    Scheduler.Timer retry;
    /** Retries scheduled so far: tells the live one from one cancelled after it fell due. */
    long retries;
  }
}
