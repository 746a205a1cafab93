package dev.parley.dialog;

import dev.parley.sip.Address;
import dev.parley.sip.Event;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SubscriptionState;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Hop;
import dev.parley.transport.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A subscription we are the subscriber of (RFC 6665 §4.1): made by a SUBSCRIBE
 * ({@link UserAgent#subscribe}) or by a REFER's implicit subscription ({@link UserAgent#refer},
 * RFC 3515). NOTIFYs are answered 200 by the layer and handed to the {@link Listener}.
 *
 * <pre>
 *   SUBSCRIBE/REFER sent --2xx or first NOTIFY--> ACTIVE --NOTIFY terminated, unsubscribe,
 *          |                                       |        refresh 481/408, expiry--> TERMINATED
 *          +--non-2xx, timeout------------------------------------------------------^
 * </pre>
 *
 * <ul>
 *   <li>a NOTIFY that overtakes the 2xx creates the dialog (§4.1.2.4); NOTIFYs of other forks
 *       get 481 (we keep the first dialog);
 *   <li>a SUBSCRIBE subscription is refreshed before it expires (at 90% of its lifetime, at
 *       least 32 s before the end when that leaves more than half); a refresh answered 481 or
 *       408, or no NOTIFY within 64*T1 of the 2xx, ends it (§4.1.2.4);
 *   <li>{@link #unsubscribe()} sends SUBSCRIBE with Expires: 0 (§4.1.2.3);
 *   <li>{@link Listener#onTerminated} is called once, whatever ends it; the notifier's reason
 *       (RFC 6665 §4.1.3) or {@code terminated} when it gave none, or a local one:
 *       {@code failed} (the request got no 2xx), {@code no-notify}, {@code refresh-failed},
 *       {@code expired}, {@code unsubscribed}, {@code dialog-ended}, {@code norefersub}.
 * </ul>
 *
 * <p>Thread-safe: methods may be called from any thread and hop to the subscription's event loop,
 * where the listener is called (it must not block).
 */
public final class OutgoingSubscription implements SubscriptionTable.Usage {
  /** Hears the notifier; methods run on an event loop and must not block. */
  public interface Listener {
    /** A NOTIFY (already answered 200) with its Subscription-State; its body is the state. */
    void onNotify(OutgoingSubscription subscription, SipRequest notify, SubscriptionState state);

    /** The subscription ended, once; see the class comment for the reasons. */
    default void onTerminated(OutgoingSubscription subscription, String reason) {}
  }

  private enum State { SENT, ACTIVE, TERMINATED }

  private final UserAgent agent;
  private final SubscriptionTable table;
  private final Scheduler scheduler;
  private final Listener listener;
  private final CompletableFuture<SipResponse> accepted = new CompletableFuture<>();
  private final CompletableFuture<String> terminated = new CompletableFuture<>();
  // Confined to the scheduler.
  private SipRequest request;
  private String eventType;
  private String id;
  /** The id our SUBSCRIBEs in the dialog name: the SUBSCRIBE's, or for a REFER the one its NOTIFYs carry. */
  private String wireId;
  private boolean refer;
  private boolean referSub = true;
  private State state = State.SENT;
  private volatile DialogEntry entry;
  private final List<SubscriptionTable.Key> keys = new ArrayList<>(2);
  private SubscriptionTable.Pending pending;
  private boolean reserved;
  private boolean notified;
  private boolean unsubscribing;
  private long lastGranted = -1;
  private Scheduler.Timer refreshTimer;
  private Scheduler.Timer guardTimer;
  private Scheduler.Timer expiryTimer;

  private OutgoingSubscription(UserAgent agent, Scheduler scheduler, Listener listener) {
    this.agent = agent;
    this.table = agent.subscriptions();
    this.scheduler = scheduler;
    this.listener = listener;
  }

  /** Sends a SUBSCRIBE or REFER outside a dialog; see {@link UserAgent#subscribe}. */
  static OutgoingSubscription send(UserAgent agent, SipRequest request, Hop hop, Listener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(hop, "hop");
    boolean isRefer = request.method().equals(SipMethod.REFER);
    if (!isRefer && !request.method().equals(SipMethod.SUBSCRIBE)) {
      throw new IllegalArgumentException("not a SUBSCRIBE or REFER: " + request.method());
    }
    if (request.to().tag() != null || request.from().tag() == null) {
      throw new IllegalArgumentException("request must be outside a dialog (From tag, no To tag)");
    }
    if (request.contacts().isEmpty()) {
      throw new IllegalArgumentException("request has no Contact");
    }
    Event event = isRefer ? null : SubscriptionTable.event(request);
    if (!isRefer && event == null) {
      throw new IllegalArgumentException("SUBSCRIBE has no valid Event header");
    }
    if (isRefer && !request.headers().contains(HeaderName.REFER_TO)) {
      throw new IllegalArgumentException("REFER has no Refer-To header");
    }
    OutgoingSubscription s = new OutgoingSubscription(agent, agent.transport().nextScheduler(),
        listener == null ? (sub, n, st) -> { } : listener);
    s.scheduler.run(() -> {
      s.request = request;
      s.refer = isRefer;
      s.referSub = !isRefer || !"false".equalsIgnoreCase(
          String.valueOf(request.headers().get(Subscription.REFER_SUB)).strip());
      s.eventType = isRefer ? "refer" : event.type();
      s.id = isRefer ? Long.toString(request.cseq().sequence()) : event.id();
      s.wireId = isRefer ? null : s.id;
      if (!s.reserve()) {
        return;
      }
      s.pending = new SubscriptionTable.Pending(request.callId(), request.from().tag());
      s.table.putPending(s.pending, s);
      s.agent.request(request, hop, s.scheduler)
          .whenComplete((r, e) -> s.scheduler.run(() -> s.answered(r, e)));
    });
    return s;
  }

  /** Sends a REFER inside {@code entry}'s dialog; see {@link UserAgent#refer(Dialog, Address, Address, Listener)}. */
  static OutgoingSubscription refer(UserAgent agent, DialogEntry entry, Address referTo,
      Address referredBy, Listener listener) {
    Objects.requireNonNull(referTo, "referTo");
    OutgoingSubscription s = new OutgoingSubscription(agent, entry.scheduler,
        listener == null ? (sub, n, st) -> { } : listener);
    s.scheduler.run(() -> {
      s.refer = true;
      s.referSub = listener != null;
      s.eventType = "refer";
      s.entry = entry;
      if (entry.dialog.state() == Dialog.State.TERMINATED) {
        s.accepted.completeExceptionally(new IllegalStateException("the dialog has ended"));
        s.finish("dialog-ended");
        return;
      }
      if (!s.reserve()) {
        return;
      }
      Hop hop;
      try {
        hop = entry.nextHop();
        SipRequest.Builder b = agent.inDialog(entry.dialog, SipMethod.REFER, 0)
            .header(HeaderName.REFER_TO, referTo)
            .header(HeaderName.CONTACT, agent.contactIn(entry));
        if (referredBy != null) {
          b.header(HeaderName.REFERRED_BY, referredBy);
        }
        if (!s.referSub) {
          b.header(Subscription.REFER_SUB, "false").header(HeaderName.SUPPORTED, "norefersub");
        }
        s.request = b.build();
      } catch (RuntimeException e) {
        s.accepted.completeExceptionally(e);
        s.finish("failed");
        return;
      }
      s.id = Long.toString(s.request.cseq().sequence());
      s.state = State.ACTIVE;
      entry.subscriptions.add(s);
      s.bindKeys(s.request.cseq().sequence());
      agent.request(s.request, hop, s.scheduler)
          .whenComplete((r, e) -> s.scheduler.run(() -> s.answered(r, e)));
    });
    return s;
  }

  private boolean reserve() {
    if (table.reserve()) {
      reserved = true;
      return true;
    }
    accepted.completeExceptionally(new SipFailure(503, "too many subscriptions"));
    finish("failed");
    return false;
  }

  /** The keys NOTIFYs name us by: the event and id, and for a REFER also no id (RFC 3515 §2.4.6). */
  private void bindKeys(long cseq) {
    DialogId dialog = entry.dialog.id();
    List<SubscriptionTable.Key> add = new ArrayList<>(2);
    add.add(SubscriptionTable.Key.of(dialog, eventType, refer ? Long.toString(cseq) : id));
    if (refer) {
      add.add(SubscriptionTable.Key.of(dialog, eventType, null));
    }
    for (SubscriptionTable.Key k : add) {
      if (!keys.contains(k) && table.put(k, this)) {
        keys.add(k);
      }
    }
  }

  /** The scheduler the subscription runs on. */
  Scheduler scheduler() {
    return scheduler;
  }

  /** Whether a NOTIFY's Event names this subscription (before its dialog exists). */
  boolean matches(Event event) {
    String type = eventType;
    return type != null && type.equalsIgnoreCase(event.type())
        && (event.id() == null ? (refer || id == null) : event.id().equals(id));
  }

  /** Completes with the 2xx to the SUBSCRIBE or REFER; fails with {@link SipFailure} otherwise. */
  public CompletableFuture<SipResponse> accepted() {
    return accepted;
  }

  /** Completes with the reason once the subscription has ended. */
  public CompletableFuture<String> terminated() {
    return terminated;
  }

  /** The dialog, once a 2xx or a NOTIFY created it (or the dialog of an in-dialog REFER); else null. */
  public Dialog dialog() {
    DialogEntry e = entry;
    return e == null ? null : e.dialog;
  }

  /**
   * Ends the subscription (RFC 6665 §4.1.2.3): SUBSCRIBE with Expires: 0, then the notifier's
   * final NOTIFY (or 64*T1 without it). Returns {@link #terminated()}.
   */
  public CompletableFuture<String> unsubscribe() {
    try {
      scheduler.run(() -> {
        if (state == State.TERMINATED || unsubscribing) {
          return;
        }
        unsubscribing = true;
        cancel(refreshTimer);
        if (state == State.ACTIVE && accepted.isDone()) {
          sendUnsubscribe();
        } // else once the 2xx arrives
      });
    } catch (RejectedExecutionException e) {
      // the user agent is closed: its loop is gone, nothing can be sent, and the subscription
      // ended with it (an application ending a session as its endpoint closes gets here)
      terminated.complete("unsubscribed");
    }
    return terminated;
  }

  private void sendUnsubscribe() {
    guard(64 * agent.config().t1().toMillis(), "unsubscribed");
    subscribe(0).whenComplete((r, e) -> scheduler.run(() -> {
      if (e != null || !r.isSuccess()) {
        finish("unsubscribed");
      }
    }));
  }

  /** The final response to our SUBSCRIBE or REFER. */
  private void answered(SipResponse response, Throwable error) {
    if (state == State.TERMINATED) {
      if (error != null || !response.isSuccess()) {
        accepted.completeExceptionally(error != null ? error : new SipFailure(response));
      } else {
        accepted.complete(response); // a NOTIFY came first and ended it (e.g. a fetch)
      }
      return;
    }
    if (error != null || !response.isSuccess()) {
      accepted.completeExceptionally(error != null ? error : new SipFailure(response));
      finish("failed");
      return;
    }
    accepted.complete(response);
    if (!referSub) {
      finish("norefersub");
      return;
    }
    long cseq = response.cseq().sequence();
    if (entry == null) {
      Dialog dialog;
      try {
        dialog = Dialog.asUac(request, response);
      } catch (IllegalArgumentException e) {
        finish("failed"); // a 2xx without a To tag makes no dialog
        return;
      }
      dialog.localSeqAtLeast(cseq);
      if (!createEntry(dialog)) {
        return;
      }
    } else if (entry.subscriptionOnly) {
      entry.dialog.localSeqAtLeast(cseq);
    }
    if (refer) {
      bindKeys(cseq); // after a digest retry, the id of its NOTIFYs is the new CSeq
    }
    if (!refer) {
      long granted = response.expires();
      lastGranted = granted >= 0 ? granted : Math.max(request.expires(), 0);
      if (!notified) {
        schedule(lastGranted);
      }
    }
    if (!notified) {
      guard(64 * agent.config().t1().toMillis(), "no-notify");
    }
    if (unsubscribing) {
      sendUnsubscribe();
    }
  }

  private boolean createEntry(Dialog dialog) {
    DialogEntry fresh = new DialogEntry(agent, dialog, scheduler);
    fresh.subscriptionOnly = true;
    // the dialog is registered before the pending entry goes: a NOTIFY looked up on another
    // loop meanwhile finds one or the other (UasDispatcher looks for the dialog again)
    if (!agent.register(fresh)) {
      finish("failed");
      return false;
    }
    entry = fresh;
    state = State.ACTIVE;
    fresh.subscriptions.add(this);
    table.removePending(pending, this);
    bindKeys(request.cseq().sequence());
    return true;
  }

  /** A NOTIFY naming us whose dialog the table does not know yet (RFC 6665 §4.1.2.4). */
  void onNotifyWithoutDialog(ServerTransaction tx, SipRequest notify) {
    if (state == State.TERMINATED) {
      tx.respond(agent.response(notify, 481).build());
      return;
    }
    if (entry != null) {
      if (!entry.dialog.id().remoteTag().equals(notify.from().tag())) {
        tx.respond(agent.response(notify, 481).build()); // another fork's: we keep the first dialog
      } else if (!entry.dialog.acceptRemoteRequest(notify)) {
        tx.respond(agent.response(notify, 500).build());
      } else {
        onNotify(entry, tx, notify);
      }
      return;
    }
    Dialog dialog;
    try {
      dialog = Dialog.asUas(notify, agent.response(notify, 200).build());
    } catch (IllegalArgumentException e) {
      tx.respond(agent.response(notify, 400).reasonPhrase("Missing Contact").build());
      return;
    }
    dialog.localSeqAtLeast(request.cseq().sequence());
    if (!createEntry(dialog)) {
      tx.respond(agent.response(notify, 503).build());
      return;
    }
    onNotify(entry, tx, notify);
  }

  /** A NOTIFY in our dialog naming us (on the scheduler, CSeq checked). */
  void onNotify(DialogEntry in, ServerTransaction tx, SipRequest notify) {
    if (state == State.TERMINATED) {
      tx.respond(agent.response(notify, 481).build());
      return;
    }
    SubscriptionState subState;
    try {
      subState = notify.header(Header.SUBSCRIPTION_STATE);
    } catch (RuntimeException e) {
      subState = null; // malformed: answered as missing
    }
    if (subState == null) {
      tx.respond(agent.response(notify, 400).reasonPhrase("Missing Subscription-State").build());
      return;
    }
    tx.respond(agent.response(notify, 200).build());
    notified = true;
    Event named = SubscriptionTable.event(notify);
    if (refer && named != null && named.id() != null) {
      wireId = named.id(); // RFC 3515 §2.4.6: refresh or end it under the id its NOTIFYs use
    }
    if (!unsubscribing) {
      cancel(guardTimer);
    }
    if (subState.isTerminated()) {
      try {
        listener.onNotify(this, notify, subState);
      } finally {
        finish(subState.reason() == null ? "terminated" : subState.reason());
      }
      return;
    }
    long expires = subState.expires();
    if (expires > 0 && !unsubscribing) {
      schedule(expires);
    }
    listener.onNotify(this, notify, subState);
  }

  /** Expiry in {@code seconds}: a refresh before it (SUBSCRIBE only), the end a little after it. */
  private void schedule(long seconds) {
    cancel(refreshTimer);
    if (seconds <= 0) {
      return;
    }
    long life = seconds * 1000;
    if (!refer) {
      long at = life * 9 / 10;
      if (life - at < 32_000) {
        at = Math.max(life - 32_000, life / 2);
      }
      refreshTimer = scheduler.schedule(this::refresh, at, TimeUnit.MILLISECONDS);
    }
    cancel(expiryTimer);
    expiryTimer = scheduler.schedule(() -> finish("expired"),
        life + 64 * agent.config().t1().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void refresh() {
    if (state != State.ACTIVE || unsubscribing) {
      return;
    }
    long expires = request.expires() > 0 ? request.expires() : lastGranted;
    subscribe(expires).whenComplete((r, e) -> scheduler.run(() -> {
      if (state == State.TERMINATED || unsubscribing) {
        return;
      }
      int code = e instanceof SipFailure f ? f.statusCode() : e != null ? 408
          : r.statusCode();
      if (code == 481 || code == 408) {
        finish("refresh-failed");
      } else if (r != null && r.isSuccess()) {
        lastGranted = r.expires() >= 0 ? r.expires() : expires;
        schedule(lastGranted);
      } // other failures: still valid until it expires (the guard timer)
    }));
  }

  /** A SUBSCRIBE in our dialog with {@code expires}: a refresh, or an unsubscribe with 0. */
  private CompletableFuture<SipResponse> subscribe(long expires) {
    try {
      Hop hop = entry.nextHop();
      SipRequest.Builder b = agent.inDialog(entry.dialog, SipMethod.SUBSCRIBE, 0)
          .header(HeaderName.EVENT, wireId == null ? eventType : eventType + ";id=" + wireId)
          .header(HeaderName.EXPIRES, Long.toString(Math.max(expires, 0)))
          .header(HeaderName.CONTACT, entry.subscriptionOnly && !request.contacts().isEmpty()
              ? request.contacts().get(0) : agent.contactIn(entry));
      for (String accept : request.headers().values(HeaderName.ACCEPT)) {
        b.header(HeaderName.ACCEPT, accept);
      }
      return agent.request(b.build(), hop, scheduler);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void guard(long millis, String reason) {
    cancel(guardTimer);
    guardTimer = scheduler.schedule(() -> finish(reason), millis, TimeUnit.MILLISECONDS);
  }

  private static void cancel(Scheduler.Timer timer) {
    if (timer != null) {
      timer.cancel();
    }
  }

  @Override
  public void dialogEnded() {
    finish("dialog-ended");
  }

  private void finish(String reason) {
    if (state == State.TERMINATED) {
      return;
    }
    state = State.TERMINATED;
    cancel(refreshTimer);
    cancel(guardTimer);
    cancel(expiryTimer);
    if (pending != null) {
      table.removePending(pending, this);
    }
    for (SubscriptionTable.Key k : keys) {
      table.remove(k, this);
    }
    if (reserved) {
      table.release();
    }
    if (entry != null && entry.subscriptions.remove(this)
        && entry.subscriptionOnly && entry.subscriptions.isEmpty()) {
      agent.forget(entry);
    }
    if (!accepted.isDone() && !notified) { // once notified, the 2xx is on its way: wait for it
      accepted.completeExceptionally(new IllegalStateException("the subscription ended: " + reason));
    }
    terminated.complete(reason);
    listener.onTerminated(this, reason);
  }

  @Override
  public String toString() {
    return "OutgoingSubscription[" + eventType + (id == null ? "" : ";id=" + id) + " " + state + "]";
  }
}
