package dev.parley.focus.internal;

import dev.parley.dialog.Subscription;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipUri;
import dev.parley.sip.body.ConferenceInfo;
import dev.parley.sip.body.EndpointStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A conference's roster subscriptions (RFC 4575 over RFC 6665): each watcher gets the full state
 * when it subscribes or refreshes, then a partial document naming the one participant that
 * changed (joined, alerting, connected, left: {@code state="deleted"}), with its own version
 * counter (RFC 4575 §4.6: one more per document sent to that subscriber). A participant is a
 * user (its AOR) with one endpoint per leg: someone in with two devices is one user of two
 * endpoints, and a partial document gives that user whole (all its endpoints now), so that one
 * device leaving does not delete the user.
 *
 * <p>Thread-safe: guarded by the conference's lock; notifications are queued by the dialog layer
 * and sent on the subscription's event loop, never blocking.
 */
final class Roster {
  static final MediaType CONFERENCE_INFO = MediaType.parse(ConferenceInfo.CONTENT_TYPE);

  /** One subscriber: its subscription and the version of the last document it was sent. */
  private static final class Watcher {
    final Subscription subscription;
    final SipUri who;
    long version;

    Watcher(Subscription subscription, SipUri who) {
      this.subscription = subscription;
      this.who = who;
    }
  }

  private final Conference conference;
  private final List<Watcher> watchers = new ArrayList<>();
  /** Places taken by subscriptions being accepted ({@link #reserve}), not yet watchers. */
  private int reserved;

  Roster(Conference conference) {
    this.conference = conference;
  }

  /** Watchers now. */
  int size() {
    synchronized (conference) {
      return watchers.size();
    }
  }

  /**
   * Takes one of {@code max} places for a subscription about to be accepted: false when the
   * watchers and the places taken already make {@code max}. Checking and taking at once, so
   * that SUBSCRIBEs handled on several event loops at the same time cannot pass the bound
   * together. {@link #watch} or {@link #release} gives the place back.
   */
  boolean reserve(int max) {
    synchronized (conference) {
      if (watchers.size() + reserved >= max) {
        return false;
      }
      reserved++;
      return true;
    }
  }

  /** Gives back a place {@link #reserve} took, for a subscription that was not accepted. */
  void release() {
    synchronized (conference) {
      reserved = Math.max(0, reserved - 1);
    }
  }

  /**
   * Adds a watcher (its subscription accepted, its place {@linkplain #reserve reserved}, which
   * this gives back) and sends it the full state; false when the conference has ended (the
   * caller ends the subscription).
   */
  boolean watch(Subscription subscription, SipUri who) {
    Watcher w = new Watcher(subscription, who);
    synchronized (conference) {
      reserved = Math.max(0, reserved - 1);
      if (conference.isEnded()) {
        return false;
      }
      watchers.add(w);
      send(w, full(w)); // under the lock: before any partial made after it
    }
    return true;
  }

  /**
   * A refresh (or an unsubscribe): the full state again (RFC 6665 §4.2.2), to a watcher who is
   * still a participant; anyone else's subscription ends.
   */
  void refreshed(Subscription subscription) {
    Watcher target = null;
    boolean member;
    synchronized (conference) {
      for (Watcher w : watchers) {
        if (w.subscription == subscription) {
          target = w;
        }
      }
      member = target != null && conference.hasParticipant(target.who);
      if (member) {
        send(target, full(target)); // in version order with the partials
      }
    }
    if (target != null && !member) {
      subscription.terminate("rejected");
    }
  }

  /** {@code who} is no longer in the conference: its subscriptions end. */
  void forget(SipUri who) {
    List<Watcher> gone = new ArrayList<>();
    synchronized (conference) {
      for (Watcher w : watchers) {
        if (w.who.equivalentTo(who)) {
          gone.add(w);
        }
      }
      watchers.removeAll(gone);
    }
    for (Watcher w : gone) {
      w.subscription.terminate("rejected");
    }
  }

  /** The subscription ended: forget it. */
  void ended(Subscription subscription) {
    synchronized (conference) {
      watchers.removeIf(w -> w.subscription == subscription);
    }
  }

  /**
   * {@code leg} changed (status, joined, left): a partial document to every watcher. Made and
   * handed to the subscriptions under the conference's lock, so each watcher's NOTIFYs are queued
   * in version order (two changes on two event loops must not cross: a subscriber that sees a
   * version gap drops its roster); over a copy of the list, because a NOTIFY that fails at once
   * ends its subscription, which forgets the watcher (the lock is re-entrant).
   */
  void changed(Leg leg) {
    synchronized (conference) {
      if (watchers.isEmpty()) {
        return;
      }
      List<Leg> legs = conference.legsOf(leg.aor); // a leg that left is no longer among them
      ConferenceInfo.User user = legs.isEmpty()
          ? ConferenceInfo.User.builder(leg.aor.toString()).state(ConferenceInfo.State.DELETED)
              .build()
          : userOf(legs);
      for (Watcher w : new ArrayList<>(watchers)) {
        w.version++;
        send(w, base(w.version, ConferenceInfo.State.PARTIAL).addUser(user).build());
      }
    }
  }

  /** The conference ended: a final NOTIFY ({@code noresource}) to every watcher. */
  void closeAll() {
    List<Watcher> all;
    synchronized (conference) {
      all = new ArrayList<>(watchers);
      watchers.clear();
    }
    for (Watcher w : all) {
      w.subscription.terminate("noresource");
    }
  }

  /** The full state for {@code w}, its version one more; under the conference's lock. */
  private ConferenceInfo full(Watcher w) {
    w.version++;
    ConferenceInfo.Builder b = base(w.version, ConferenceInfo.State.FULL);
    List<List<Leg>> users = new ArrayList<>(); // legs by participant, in join order
    conference.forEachLeg(l -> {
      for (List<Leg> u : users) {
        if (u.get(0).aor.equivalentTo(l.aor)) {
          u.add(l);
          return;
        }
      }
      users.add(new ArrayList<>(List.of(l)));
    });
    users.forEach(u -> b.addUser(userOf(u)));
    return b.build();
  }

  private ConferenceInfo.Builder base(long version, ConferenceInfo.State state) {
    return ConferenceInfo.builder(conference.uri.toString(), version).state(state)
        .addConfUri(new ConferenceInfo.ConfUri(conference.uri.toString(), null, "participation"))
        .userCount(conference.userCount());
  }

  /** The user of {@code legs} (one participant's, at least one), an endpoint per leg. */
  private static ConferenceInfo.User userOf(List<Leg> legs) {
    ConferenceInfo.User.Builder u = ConferenceInfo.User.builder(legs.get(0).aor.toString());
    String displayName = null;
    for (Leg leg : legs) {
      String endpoint = leg.dialog != null ? leg.dialog.remoteTarget().toString()
          : leg.aor.toString();
      ConferenceInfo.Endpoint.Builder e = ConferenceInfo.Endpoint.builder(endpoint)
          .status(EndpointStatus.valueOf(leg.status.name()))
          .joiningMethod(leg.dialedOut ? "dialed-out" : "dialed-in");
      if (leg.audio) {
        e.addMedia(ConferenceInfo.Media.of("audio", "audio", leg.audioStatus));
      }
      u.addEndpoint(e.build());
      if (displayName == null) {
        displayName = leg.displayName;
      }
    }
    if (displayName != null) {
      u.displayText(displayName);
    }
    return u.build();
  }

  private static void send(Watcher w, ConferenceInfo doc) {
    w.subscription.notify(CONFERENCE_INFO, doc.toXml().getBytes(StandardCharsets.UTF_8));
  }
}
