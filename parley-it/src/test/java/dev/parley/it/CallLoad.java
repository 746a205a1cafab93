package dev.parley.it;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Hop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Drives a Parley user agent as a load generator: {@code count} calls (INVITE, 200, ACK, then
 * BYE, 200) or requests, at most {@code concurrency} in flight, and tallies the outcomes.
 * The calling thread blocks only on the in-flight bound.
 */
final class CallLoad {
  /** What happened: how many succeeded, and the first few failures in words. */
  record Outcome(int attempted, int succeeded, List<String> failures, Duration elapsed) {
    int failed() {
      return attempted - succeeded;
    }

    @Override
    public String toString() {
      return succeeded + "/" + attempted + " succeeded in " + elapsed.toMillis() + " ms"
          + (failures.isEmpty() ? "" : "; first failures: " + failures);
    }
  }

  private static final int FAILURES_KEPT = 10;

  private final UserAgent ua;
  private final int concurrency;
  private final Duration timeout;

  CallLoad(UserAgent ua, int concurrency, Duration timeout) {
    this.ua = ua;
    this.concurrency = concurrency;
    this.timeout = timeout;
  }

  /**
   * Places {@code count} calls; call {@code i} is the INVITE {@code invite.apply(i)} sent to
   * {@code hop}. A call succeeds when the INVITE completes with a dialog and its BYE gets 200.
   */
  Outcome calls(int count, IntFunction<SipRequest> invite, Hop hop) throws InterruptedException {
    return run(count, i -> ua.invite(invite.apply(i), hop)
        .handle((dialog, e) -> {
          if (e != null) {
            throw new IllegalStateException("INVITE failed: " + describe(e), e);
          }
          return dialog;
        })
        .thenCompose((Dialog dialog) -> ua.bye(dialog).handle((bye, e) -> {
          if (e != null) {
            throw new IllegalStateException("BYE failed: " + describe(e), e);
          }
          return check("BYE", bye);
        })));
  }

  /** Sends {@code count} requests; each succeeds when its final response is 2xx. */
  Outcome requests(int count, IntFunction<SipRequest> request, Hop hop)
      throws InterruptedException {
    return run(count, i -> {
      SipRequest r = request.apply(i);
      return ua.request(r, hop).thenApply(response -> check(r.method().toString(), response));
    });
  }

  private static Void check(String what, SipResponse response) {
    if (!response.isSuccess()) {
      throw new IllegalStateException(what + " answered " + response.statusCode());
    }
    return null;
  }

  private Outcome run(int count, IntFunction<CompletableFuture<Void>> one)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(concurrency);
    AtomicInteger succeeded = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<Void>> all = new ArrayList<>(count);
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    for (int i = 0; i < count; i++) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        failures.add("not started: " + (count - i) + " calls left when the load timed out");
        break;
      }
      int n = i;
      CompletableFuture<Void> f;
      try {
        f = one.apply(i);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f = f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, e) -> {
        if (e == null) {
          succeeded.incrementAndGet();
        } else if (failures.size() < FAILURES_KEPT) {
          failures.add("#" + n + ": " + describe(e));
        }
        finished.incrementAndGet();
        inFlight.release();
      });
      all.add(f);
    }
    try {
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // tallied per call above
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    return new Outcome(count, succeeded.get(), List.copyOf(failures), elapsed);
  }

  private static String describe(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }

  /** An INVITE with an SDP offer from {@code ua}, for {@link #calls}. */
  static SipRequest invite(UserAgent ua, dev.parley.sip.SipUri target,
      dev.parley.transport.Transport transport) {
    return ua.newRequest(SipMethod.INVITE, target, Loopback.from("parley"),
            dev.parley.sip.Address.of(target), transport)
        .body(dev.parley.sip.MediaType.APPLICATION_SDP, Loopback.sdp("parley-uac"))
        .build();
  }
}
