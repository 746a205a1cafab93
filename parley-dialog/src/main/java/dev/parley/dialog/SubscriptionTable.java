package dev.parley.dialog;

import dev.parley.sip.Event;
import dev.parley.sip.Header;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.transaction.ServerTransaction;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The user agent's subscriptions (RFC 6665), both sides, at most {@code maxSubscriptions} at once:
 * notifiers ({@link Subscription}) by dialog, event type and id, so a refresh SUBSCRIBE finds
 * its subscription (§4.2.1.2); subscribers ({@link OutgoingSubscription}) the same way, so a
 * NOTIFY finds its own (§4.1.3), and, before they have a dialog, by Call-ID and From tag, so a
 * NOTIFY that overtakes the 2xx to SUBSCRIBE creates it (§4.1.2.4). Several subscriptions may
 * share a dialog (§4.5.2), told apart by Event type and id. Split out of {@link UserAgent}.
 *
 * <p>Thread-safe: maps are concurrent; each subscription's state stays on its dialog's scheduler.
 */
final class SubscriptionTable {
  /** A subscription as a usage of its dialog: told when the dialog ends under it (BYE, 481...). */
  interface Usage {
    void dialogEnded();
  }

  /** A subscription's name in its dialog (RFC 6665 §4.5.2): event type (lower case) and id ("" for none). */
  record Key(DialogId dialog, String event, String id) {
    static Key of(DialogId dialog, String event, String id) {
      return new Key(dialog, event.toLowerCase(Locale.ROOT), id == null ? "" : id);
    }
  }

  /** A subscriber's SUBSCRIBE or REFER sent outside a dialog, by Call-ID and our From tag. */
  record Pending(String callId, String localTag) {}

  final int maxSubscriptions;
  final int maxQueuedNotifies;
  /** The Allow-Events value of our 2xx to SUBSCRIBE and REFER, or null. */
  final String allowEvents;
  private final AtomicInteger count = new AtomicInteger();
  private final Map<Key, Subscription> notifiers = new ConcurrentHashMap<>();
  private final Map<Key, OutgoingSubscription> subscribers = new ConcurrentHashMap<>();
  private final Map<Pending, OutgoingSubscription> pending = new ConcurrentHashMap<>();

  SubscriptionTable(SubscriptionConfig config) {
    this.maxSubscriptions = config.maxSubscriptions();
    this.maxQueuedNotifies = config.maxQueuedNotifies();
    this.allowEvents = config.allowEvents();
  }

  /** Subscriptions alive, both sides. */
  int size() {
    return count.get();
  }

  /** Takes a place in the table; false when it is full. Each true is matched by one {@link #release}. */
  boolean reserve() {
    while (true) {
      int n = count.get();
      if (n >= maxSubscriptions) {
        return false;
      }
      if (count.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    count.decrementAndGet();
  }

  void put(Key key, Subscription s) {
    notifiers.put(key, s);
  }

  void remove(Key key, Subscription s) {
    notifiers.remove(key, s);
  }

  /** Adds a subscriber under {@code key}; false when another has it already. */
  boolean put(Key key, OutgoingSubscription s) {
    return subscribers.putIfAbsent(key, s) == null;
  }

  void remove(Key key, OutgoingSubscription s) {
    subscribers.remove(key, s);
  }

  void putPending(Pending p, OutgoingSubscription s) {
    pending.put(p, s);
  }

  void removePending(Pending p, OutgoingSubscription s) {
    pending.remove(p, s);
  }

  /**
   * A SUBSCRIBE or NOTIFY inside {@code entry}'s dialog (on its scheduler, CSeq already checked):
   * a refresh SUBSCRIBE goes to its notifier, a NOTIFY to its subscriber or gets 481 (RFC 6665
   * §4.1.3). False when the request is left to the handler (a SUBSCRIBE that starts a new
   * subscription in the dialog, or another method).
   */
  boolean inDialog(DialogEntry entry, ServerTransaction tx, SipRequest request) {
    boolean subscribe = request.method().equals(SipMethod.SUBSCRIBE);
    if (!subscribe && !request.method().equals(SipMethod.NOTIFY)) {
      return false;
    }
    Event event = event(request);
    if (event == null) {
      if (subscribe) {
        return false;
      }
      tx.respond(entry.agent.response(request, 489).build());
      return true;
    }
    Key key = Key.of(entry.dialog.id(), event.type(), event.id());
    if (subscribe) {
      Subscription s = notifiers.get(key);
      if (s == null) {
        return false;
      }
      s.onSubscribe(tx, request);
      return true;
    }
    OutgoingSubscription s = subscribers.get(key);
    if (s == null) {
      tx.respond(entry.agent.response(request, 481).build());
    } else {
      s.onNotify(entry, tx, request);
    }
    return true;
  }

  /**
   * A NOTIFY whose dialog we do not know (any event loop): when it names a SUBSCRIBE or REFER we
   * sent and that has no dialog yet, it creates the dialog (RFC 6665 §4.1.2.4). False when it
   * matches nothing (the caller answers 481).
   */
  boolean notifyWithoutDialog(ServerTransaction tx, SipRequest notify) {
    OutgoingSubscription s = pending.get(new Pending(notify.callId(), notify.to().tag()));
    if (s == null) {
      return false;
    }
    Event event = event(notify);
    if (event == null || !s.matches(event)) {
      return false;
    }
    s.scheduler().run(() -> s.onNotifyWithoutDialog(tx, notify));
    return true;
  }

  /** {@code entry}'s dialog ended (on its scheduler): each subscription in it ends too. */
  static void dialogClosed(DialogEntry entry) {
    if (entry.subscriptions.isEmpty()) {
      return;
    }
    for (Usage u : new ArrayList<>(entry.subscriptions)) {
      u.dialogEnded();
    }
  }

  /** The request's Event header, or null when absent or malformed. */
  static Event event(SipRequest request) {
    try {
      return request.header(Header.EVENT);
    } catch (RuntimeException e) {
      return null; // malformed: answered as if absent (489 Bad Event, RFC 6665 §8.3.1)
    }
  }
}
