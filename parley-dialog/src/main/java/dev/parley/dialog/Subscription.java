package dev.parley.dialog;

import dev.parley.sip.Address;
import dev.parley.sip.Event;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Tags;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Hop;
import dev.parley.transport.Scheduler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A subscription we are the notifier of (RFC 6665 §4.2): accepted from a SUBSCRIBE with
 * {@link UserAgent#acceptSubscription} or from a REFER with {@link UserAgent#acceptRefer} (its
 * implicit {@code refer} subscription, RFC 3515 §2.4.4). The owner sends state with
 * {@link #notify(MediaType, byte[])}; the layer does the rest of §4.2:
 *
 * <pre>
 *   2xx to SUBSCRIBE/REFER          terminate(), expiry, unsubscribe
 *   ----------------------> ACTIVE -------------------------------> TERMINATING --final NOTIFY--> TERMINATED
 *                             |  NOTIFY answered 481/408/other failure, dialog ended          ^
 *                             +-------------------------------------------------------------+
 * </pre>
 *
 * <ul>
 *   <li>each NOTIFY carries Event (with the SUBSCRIBE's {@code id}), Subscription-State
 *       {@code active;expires=}<i>remaining</i> and our Contact; one NOTIFY is outstanding at a
 *       time, the next ones wait in a bounded queue ({@link SubscriptionConfig#maxQueuedNotifies});
 *   <li>a refresh SUBSCRIBE in the dialog gets 200 with Expires (within the {@link Expiry}), or
 *       423; the owner hears of it through {@link Listener#onSubscribe} and should NOTIFY then
 *       (§4.2.1.2); an unsubscribe (Expires: 0) is followed by a final {@code terminated} NOTIFY,
 *       the owner's if it sends one from {@code onSubscribe}, else an empty one;
 *   <li>expiry sends a final NOTIFY {@code terminated;reason=timeout}; {@link #terminate(String)}
 *       one with the owner's reason; a NOTIFY answered with a failure (481, 408, no answer...)
 *       ends the subscription at once (§4.2.2).
 * </ul>
 *
 * <p>Thread-safe: methods may be called from any thread and hop to the dialog's event loop, where
 * the state lives and the listener is called (it must not block).
 */
public final class Subscription implements SubscriptionTable.Usage {
  /** The Content-Type of REFER progress (RFC 3515 §2.4.5). */
  public static final MediaType SIPFRAG = MediaType.parse("message/sipfrag;version=2.0");
  /** The lifetime of a REFER's implicit subscription, in seconds (the notifier chooses, RFC 3515 §2.4.4). */
  public static final long REFER_EXPIRES = 300;
  /** The Refer-Sub header (RFC 4488). */
  static final HeaderName REFER_SUB = HeaderName.of("Refer-Sub");
  /** A reason parameter's value: a token (RFC 3261 §25.1). */
  private static final java.util.regex.Pattern TOKEN =
      java.util.regex.Pattern.compile("[A-Za-z0-9.!%*_+`'~-]+");

  /** Hears what the subscriber does; methods run on the dialog's event loop and must not block. */
  public interface Listener {
    /**
     * A SUBSCRIBE refreshed the subscription (already answered 200): RFC 6665 §4.2.2 wants a
     * NOTIFY now, e.g. the full state. With {@code Expires: 0} (an unsubscribe) a NOTIFY sent
     * from here is the final one.
     */
    default void onSubscribe(Subscription subscription, SipRequest subscribe) {}

    /**
     * The subscription ended: {@code timeout} (expired), {@code unsubscribed}, the owner's
     * reason, {@code notify-failed} (a NOTIFY got a failure or no answer), {@code dialog-ended},
     * {@code norefersub} (RFC 4488), or why it was refused ({@code rejected}).
     */
    default void onEnded(Subscription subscription, String reason) {}
  }

  /**
   * The lifetimes a notifier grants, in seconds (RFC 6665 §4.2.1.1): {@code defaultSeconds} when
   * the SUBSCRIBE has no Expires, at most {@code maxSeconds}; a request below {@code minSeconds}
   * (other than 0) gets 423 with Min-Expires.
   */
  public record Expiry(long defaultSeconds, long minSeconds, long maxSeconds) {
    /** Validates the range: {@code 1 <= min <= default <= max}. */
    public Expiry {
      if (minSeconds < 1 || defaultSeconds < minSeconds || maxSeconds < defaultSeconds) {
        throw new IllegalArgumentException("expiry range out of order: default " + defaultSeconds
            + ", min " + minSeconds + ", max " + maxSeconds);
      }
    }

    /** A fixed lifetime: {@code seconds} by default and at most, anything from 1 accepted. */
    public static Expiry of(long seconds) {
      return new Expiry(seconds, 1, seconds);
    }

    /** What we grant for a requested Expires ({@code -1} when absent); -1 for "too brief". */
    long grant(long requested) {
      if (requested < 0) {
        return defaultSeconds;
      }
      if (requested == 0) {
        return 0;
      }
      return requested < minSeconds ? -1 : Math.min(requested, maxSeconds);
    }
  }

  private enum State { NEW, ACTIVE, TERMINATED }

  /** A NOTIFY waiting its turn; {@code last} for the final one ({@code reason} may be null). */
  private record Outgoing(MediaType type, byte[] body, boolean last, String reason,
      CompletableFuture<SipResponse> result) {}

  private final UserAgent agent;
  private final SubscriptionTable table;
  private final ServerTransaction transaction;
  private final SipRequest request;
  private final Expiry expiry;
  private final Listener listener;
  /** The Contact of our 2xx, or null for the dialog's or the user agent's. */
  private final Address contact;
  private final boolean refer;
  private final Scheduler scheduler;
  private final CompletableFuture<String> ended = new CompletableFuture<>();
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  // Confined to the scheduler from here on.
  private State state = State.NEW;
  private volatile DialogEntry entry;
  private SubscriptionTable.Key key;
  private String eventType;
  private String id;
  private boolean reserved;
  private long expiresAtMillis;
  private Scheduler.Timer timer;
  private boolean outstanding;
  /** The final NOTIFY is queued or sent: no more NOTIFYs (TERMINATING in the figure). */
  private boolean finalQueued;
  private boolean unsubscribed;
  private int notifiesAsked;

  private Subscription(UserAgent agent, ServerTransaction tx, SipRequest request, Expiry expiry,
      Address contact, Listener listener, boolean refer, DialogEntry inDialog) {
    this.contact = contact;
    this.agent = agent;
    this.table = agent.subscriptions();
    this.transaction = tx;
    this.request = request;
    this.expiry = expiry;
    this.listener = listener;
    this.refer = refer;
    this.entry = inDialog;
    this.scheduler = inDialog != null ? inDialog.scheduler : tx.scheduler();
  }

  /** Accepts {@code request} (SUBSCRIBE, or REFER when {@code refer}); see {@link UserAgent#acceptSubscription}. */
  static Subscription accept(UserAgent agent, ServerTransaction tx, SipRequest request,
      Expiry expiry, Address contact, Listener listener, boolean refer) {
    Objects.requireNonNull(tx, "tx");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(expiry, "expiry");
    Objects.requireNonNull(listener, "listener");
    SipMethod expected = refer ? SipMethod.REFER : SipMethod.SUBSCRIBE;
    if (!request.method().equals(expected)) {
      throw new IllegalArgumentException("request is not a " + expected + ": " + request.method());
    }
    DialogEntry inDialog = null;
    if (request.to().tag() != null) {
      inDialog = agent.find(new DialogId(request.callId(), request.to().tag(), request.from().tag()));
    }
    Subscription s = new Subscription(agent, tx, request, expiry, contact, listener, refer, inDialog);
    s.scheduler.run(s::start);
    return s;
  }

  private void start() {
    if (!table.reserve()) {
      refuse(503, "rejected");
      return;
    }
    reserved = true;
    Event event = refer ? null : SubscriptionTable.event(request);
    if (!refer && event == null) {
      refuse(489, "rejected");
      return;
    }
    long granted = expiry.grant(refer ? -1 : request.expires());
    if (granted < 0) {
      respond(agent.response(request, 423, Tags.random())
          .header(HeaderName.MIN_EXPIRES, Long.toString(expiry.minSeconds())).build());
      finish("rejected");
      return;
    }
    if (request.to().tag() != null
        && (entry == null || entry.dialog.state() == Dialog.State.TERMINATED)) {
      refuse(481, "rejected");
      return;
    }
    boolean subscribed = !refer || !"false".equalsIgnoreCase(
        String.valueOf(request.headers().get(REFER_SUB)).strip());
    Address ours = contact != null ? contact
        : entry != null ? agent.contactIn(entry) : agent.contact(transaction.flow().transport());
    SipResponse.Builder b = agent.response(request, refer ? 202 : 200, Tags.random())
        .header(HeaderName.CONTACT, ours);
    if (!refer) {
      b.header(HeaderName.EXPIRES, Long.toString(granted));
    }
    if (!subscribed) {
      b.header(REFER_SUB, "false");
    }
    if (table.allowEvents != null) {
      b.header(HeaderName.ALLOW_EVENTS, table.allowEvents);
    }
    SipResponse ok = b.build();
    boolean created = entry == null;
    if (created) {
      Dialog dialog;
      try {
        dialog = Dialog.asUas(request, ok);
      } catch (IllegalArgumentException e) {
        refuse(400, "rejected");
        return;
      }
      DialogEntry fresh = new DialogEntry(agent, dialog, scheduler);
      fresh.subscriptionOnly = true;
      if (!agent.register(fresh)) {
        refuse(503, "rejected");
        return;
      }
      entry = fresh;
    }
    if (refer) {
      eventType = "refer";
      // RFC 3515 §2.4.6: NOTIFYs of the second and later REFER in a dialog carry id=CSeq.
      id = entry.refersAccepted++ > 0 ? Long.toString(request.cseq().sequence()) : null;
    } else {
      eventType = event.type();
      id = event.id();
    }
    respond(ok);
    entry.subscriptions.add(this);
    if (!subscribed) {
      finish("norefersub");
      return;
    }
    key = SubscriptionTable.Key.of(entry.dialog.id(), eventType, id);
    table.put(key, this);
    state = State.ACTIVE;
    // A fetch (Expires: 0) waits 64*T1 for the owner's NOTIFY, then ends with an empty one.
    expireIn(granted > 0 ? granted * 1000 : 64 * agent.config().t1().toMillis());
    expiresAtMillis = scheduler.nowMillis() + granted * 1000;
    pump();
  }

  private void refuse(int status, String reason) {
    respond(agent.response(request, status, Tags.random()).build());
    finish(reason);
  }

  private void respond(SipResponse response) {
    transaction.respond(response);
  }

  /** The request that created the subscription (SUBSCRIBE or REFER). */
  public SipRequest request() {
    return request;
  }

  /** The dialog the subscription lives in, or null before it was set up (or when refused). */
  public Dialog dialog() {
    DialogEntry e = entry;
    return e == null ? null : e.dialog;
  }

  /** Completes with the reason once the subscription has ended. */
  public CompletableFuture<String> ended() {
    return ended;
  }

  /** Whether the subscription still takes NOTIFYs (not ended, no final NOTIFY queued). */
  public boolean isActive() {
    return !ended.isDone() && !finalQueued;
  }

  /**
   * Sends a NOTIFY with {@code body} of {@code type} (after those still queued), Subscription-State
   * active with the remaining lifetime. Completes with its final response; fails with
   * {@link IllegalStateException} when the subscription has ended or the queue is full, and
   * with {@link SipFailure} when the NOTIFY failed (which ends the subscription).
   */
  public CompletableFuture<SipResponse> notify(MediaType type, byte[] body) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(body, "body");
    return enqueue(new Outgoing(type, body.clone(), false, null, new CompletableFuture<>()));
  }

  /**
   * REFER progress (RFC 3515 §2.4.5): a NOTIFY with the {@code message/sipfrag} status line
   * {@code SIP/2.0 status reason}; a final status (200..699) is the final NOTIFY,
   * {@code terminated;reason=noresource}.
   *
   * @throws IllegalArgumentException if {@code status} is not 100..699 or {@code reason} has a line break
   */
  public CompletableFuture<SipResponse> notifyProgress(int status, String reason) {
    if (status < 100 || status > 699) {
      throw new IllegalArgumentException("status out of range: " + status);
    }
    Objects.requireNonNull(reason, "reason");
    if (reason.indexOf('\r') >= 0 || reason.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("reason has a line break: \"" + reason + "\"");
    }
    byte[] frag = ("SIP/2.0 " + status + " " + reason + "\r\n").getBytes(StandardCharsets.UTF_8);
    return status >= 200 ? terminate("noresource", SIPFRAG, frag) : notify(SIPFRAG, frag);
  }

  /**
   * Ends the subscription with a final NOTIFY {@code terminated;reason=}{@code reason} (null for
   * none), after the NOTIFYs already queued, e.g. {@code noresource} when the resource is gone
   * (RFC 6665 §4.1.3). Completes with its response.
   */
  public CompletableFuture<SipResponse> terminate(String reason) {
    return enqueue(new Outgoing(null, null, true, reason, new CompletableFuture<>()));
  }

  /** As {@link #terminate(String)}, the final NOTIFY carrying {@code body} of {@code type}. */
  public CompletableFuture<SipResponse> terminate(String reason, MediaType type, byte[] body) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(body, "body");
    return enqueue(new Outgoing(type, body.clone(), true, reason, new CompletableFuture<>()));
  }

  private CompletableFuture<SipResponse> enqueue(Outgoing n) {
    if (n.reason() != null && !TOKEN.matcher(n.reason()).matches()) {
      throw new IllegalArgumentException("reason is not a token: \"" + n.reason() + "\"");
    }
    scheduler.run(() -> {
      if (state == State.TERMINATED || finalQueued) {
        n.result().completeExceptionally(new IllegalStateException("the subscription has ended"));
        return;
      }
      if (!n.last() && queue.size() >= table.maxQueuedNotifies) {
        n.result().completeExceptionally(new IllegalStateException(
            "NOTIFY queue full (" + table.maxQueuedNotifies + ")"));
        return;
      }
      if (n.last()) {
        finalQueued = true;
      }
      notifiesAsked++;
      queue.add(n);
      pump();
    });
    return n.result();
  }

  /** Sends the next queued NOTIFY unless one is outstanding (one at a time, in order). */
  private void pump() {
    if (state == State.NEW || state == State.TERMINATED || outstanding || queue.isEmpty()) {
      return;
    }
    Outgoing n = queue.poll();
    long remainingMillis = expiresAtMillis - scheduler.nowMillis();
    boolean last = n.last() || remainingMillis <= 0;
    String reason = n.last() ? n.reason() : unsubscribed ? null : "timeout";
    String subState = last ? "terminated" + (reason == null ? "" : ";reason=" + reason)
        : "active;expires=" + ((remainingMillis + 999) / 1000);
    if (last) {
      finalQueued = true;
      failQueued();
    }
    SipRequest notify;
    Hop hop;
    try {
      hop = entry.nextHop();
      SipRequest.Builder b = agent.inDialog(entry.dialog, SipMethod.NOTIFY, 0)
          .header(HeaderName.EVENT, id == null ? eventType : eventType + ";id=" + id)
          .header(HeaderName.SUBSCRIPTION_STATE, subState)
          .header(HeaderName.CONTACT, agent.contactIn(entry));
      if (n.type() != null) {
        b.body(n.type(), n.body());
      }
      notify = b.build();
    } catch (RuntimeException e) {
      n.result().completeExceptionally(e); // e.g. a remote target we cannot reach
      finish("notify-failed");
      return;
    }
    outstanding = true;
    String endReason = reason == null ? (unsubscribed ? "unsubscribed" : "terminated") : reason;
    agent.request(notify, hop, scheduler).whenComplete((r, e) ->
        scheduler.run(() -> notified(n, last ? endReason : null, r, e)));
  }

  private void notified(Outgoing n, String endReason, SipResponse response, Throwable error) {
    outstanding = false;
    if (error != null) {
      n.result().completeExceptionally(error);
      finish("notify-failed");
      return;
    }
    n.result().complete(response);
    if (!response.isSuccess()) {
      finish("notify-failed"); // §4.2.2: 481 must end it; any failure does here
    } else if (endReason != null) {
      finish(endReason);
    } else {
      pump();
    }
  }

  private void failQueued() {
    for (Outgoing q; (q = queue.poll()) != null; ) {
      q.result().completeExceptionally(new IllegalStateException("the subscription has ended"));
    }
  }

  /** A SUBSCRIBE in the dialog naming this subscription (on the scheduler): a refresh (§4.2.1.2). */
  void onSubscribe(ServerTransaction tx, SipRequest subscribe) {
    if (state != State.ACTIVE || finalQueued) {
      tx.respond(agent.response(subscribe, 481).build());
      return;
    }
    long granted = expiry.grant(subscribe.expires());
    if (granted < 0) {
      tx.respond(agent.response(subscribe, 423)
          .header(HeaderName.MIN_EXPIRES, Long.toString(expiry.minSeconds())).build());
      return;
    }
    tx.respond(agent.response(subscribe, 200).header(HeaderName.EXPIRES, Long.toString(granted))
        .header(HeaderName.CONTACT, agent.contactIn(entry)).build());
    expiresAtMillis = scheduler.nowMillis() + granted * 1000;
    unsubscribed = granted == 0;
    if (!unsubscribed) {
      expireIn(granted * 1000);
    }
    int before = notifiesAsked;
    try {
      listener.onSubscribe(this, subscribe);
    } finally {
      if (unsubscribed && notifiesAsked == before && state == State.ACTIVE && !finalQueued) {
        terminate(null); // RFC 6665 §4.2.1.4: an unsubscribe is followed by a NOTIFY
      }
    }
  }

  private void expireIn(long millis) {
    if (timer != null) {
      timer.cancel();
    }
    timer = scheduler.schedule(this::expired, millis, TimeUnit.MILLISECONDS);
  }

  /** The lifetime passed without a refresh: the final NOTIFY, reason=timeout (RFC 6665 §4.2.2). */
  private void expired() {
    if (state != State.ACTIVE || finalQueued) {
      return;
    }
    failQueued();
    expiresAtMillis = scheduler.nowMillis();
    unsubscribed = false;
    finalQueued = true;
    queue.add(new Outgoing(null, null, true, "timeout", new CompletableFuture<>()));
    pump();
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
    if (timer != null) {
      timer.cancel();
    }
    failQueued();
    if (key != null) {
      table.remove(key, this);
    }
    if (reserved) {
      table.release();
    }
    if (entry != null && entry.subscriptions.remove(this)
        && entry.subscriptionOnly && entry.subscriptions.isEmpty()) {
      agent.forget(entry);
    }
    ended.complete(reason);
    listener.onEnded(this, reason);
  }

  @Override
  public String toString() {
    return "Subscription[" + eventType + (id == null ? "" : ";id=" + id) + " " + state + "]";
  }
}
