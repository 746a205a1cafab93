package dev.parley.sip.body;

import java.util.Objects;

/**
 * A subscriber's conference state (RFC 4575 §4.6): takes the conference-info documents of one
 * subscription's NOTIFYs in the order they come and keeps the full state they describe.
 *
 * <ul>
 *   <li>A full document replaces the state, unless its version is not newer than the held one
 *       ({@link Outcome#STALE}). After {@link #reset()} (a new subscription, whose versions start
 *       again) or a {@link Outcome#GAP}, any full document is taken.
 *   <li>A partial document whose version is the held one plus one is merged
 *       ({@link ConferenceInfo#apply(ConferenceInfo)}); one not newer is {@link Outcome#STALE}; one
 *       further ahead means notifications were lost: {@link Outcome#GAP} (once; re-subscribe to
 *       get full state) and the partial ones after it, until a full one comes, are
 *       {@link Outcome#AWAITING_FULL}. So are partial documents before the first full one.
 * </ul>
 *
 * <p>Not thread-safe: one owner (the subscription's handler) feeds it.
 */
public final class ConferenceRoster {
  /** What {@link #apply} did with a document. */
  public enum Outcome {
    /** The state now includes the document. */
    APPLIED,
    /** The document is older than (or as old as) the state: ignored. */
    STALE,
    /** A partial document skipped at least one version: ignored; re-subscribe for full state. */
    GAP,
    /** A partial document while no full state is held (first, or after a gap): ignored. */
    AWAITING_FULL
  }

  private ConferenceInfo current;
  private boolean awaitingFull = true;

  /** An empty roster that waits for a full document. */
  public ConferenceRoster() {}

  /** Takes one notification's document; see the class comment. */
  public Outcome apply(ConferenceInfo notification) {
    Objects.requireNonNull(notification, "notification");
    if (notification.isFull()) {
      if (!awaitingFull && notification.version() <= current.version()) {
        return Outcome.STALE;
      }
      current = RosterMerge.full(notification);
      awaitingFull = false;
      return Outcome.APPLIED;
    }
    if (awaitingFull) {
      return Outcome.AWAITING_FULL;
    }
    long held = current.version();
    if (notification.version() <= held) {
      return Outcome.STALE;
    }
    if (notification.version() > held + 1) {
      awaitingFull = true;
      return Outcome.GAP;
    }
    current = current.apply(notification);
    return Outcome.APPLIED;
  }

  /**
   * Starts a new subscription: the state held so far stays readable, and the next full document
   * is taken whatever its version.
   */
  public void reset() {
    awaitingFull = true;
  }

  /** The state (a full document), or null before the first full document. */
  public ConferenceInfo current() {
    return current;
  }

  /** Whether partial documents are being ignored until a full one comes. */
  public boolean isAwaitingFull() {
    return awaitingFull;
  }
}
