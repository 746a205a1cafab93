package dev.parley.client.internal;

import dev.parley.client.InvitationCancelledException;
import dev.parley.client.InvitationRejectedException;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.SessionException;
import dev.parley.dialog.Dialog;
import dev.parley.dialog.OutgoingSubscription;
import dev.parley.dialog.ReferStatus;
import dev.parley.dialog.SipFailure;
import dev.parley.dialog.Subscription;
import dev.parley.sip.Address;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipStatus;
import dev.parley.sip.SipUri;
import dev.parley.sip.SubscriptionState;
import dev.parley.transport.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A conference's requests to its focus about other users (RFC 4579 §5.5, RFC 3515): dial-out
 * ({@code REFER} with {@code Refer-To: <uri>}) and removal ({@code Refer-To: <uri;method=BYE>}),
 * each followed by the focus's {@code NOTIFY Event: refer} whose {@code message/sipfrag} carries
 * the status of the INVITE or BYE it sent: the REFER's implicit subscription, which the dialog
 * layer follows ({@code UserAgent.refer}). Each waits for its final report {@value
 * #OUTCOME_TIMEOUT_SECONDS} s at most. Guarded by the endpoint's lock.
 */
final class ConferenceReferrals {
  /** Most REFERs waiting for their outcome at once (the focus allows 10 dial-outs by default). */
  static final int MAX_PENDING = 32;
  /**
   * How long a REFER waits for the focus's final report (the lifetime of the REFER subscription
   * Parley's focus grants, {@link Subscription#REFER_EXPIRES}): then it fails with 408, whatever
   * the focus says about the subscription's own expiry (it may give none).
   */
  static final long OUTCOME_TIMEOUT_SECONDS = Subscription.REFER_EXPIRES;
  /**
   * How long a dial-out the roster lists as disconnected still waits for the final report, which
   * the roster's NOTIFY may have overtaken (64*T1 of RFC 3261: every retransmission has come).
   */
  static final long DISCONNECTED_GRACE_SECONDS = 32;

  /** One REFER and what waits for its outcome. */
  private static final class Referral {
    final DefaultParticipant target;
    /** Non-null for a removal: completes when the target's BYE is answered. */
    final CompletableFuture<Void> removed;
    /** The REFER's subscription once sent; ended when we give up waiting. */
    OutgoingSubscription subscription;
    /** Ends the wait for the outcome. */
    Scheduler.Timer deadline;
    /** When the wait for the outcome ends at the latest ({@link Scheduler#nowMillis()}). */
    long outcomeDeadline;
    /** Set when the roster lists the target disconnected: how, or "" when it does not say. */
    String rosterDisconnection;

    Referral(DefaultParticipant target, CompletableFuture<Void> removed) {
      this.target = target;
      this.removed = removed;
    }
  }

  private final DefaultConferenceSession session;
  private final List<Referral> pending = new ArrayList<>();

  ConferenceReferrals(DefaultConferenceSession session) {
    this.session = session;
  }

  /** Asks the focus to invite {@code uri}; see {@code ConferenceSession.addParticipant}. */
  CompletableFuture<Participant> dialOut(SipUri uri) {
    return dialOut(uri, uri);
  }

  /**
   * Asks the focus to invite the participant {@code uri} by {@code referTo} (the same URI, or,
   * for an escalation, it with {@code ?Replaces=}: {@link Escalation}).
   */
  CompletableFuture<Participant> dialOut(SipUri uri, SipUri referTo) {
    DefaultParticipant focus;
    DefaultParticipant p;
    Referral r;
    synchronized (session.endpoint.lock) {
      focus = session.requireFocusLocked();
      DefaultParticipant existing = session.roster.memberLocked(uri);
      if (existing != null) {
        throw new IllegalStateException(uri + " is in the conference already ("
            + existing.state() + ")");
      }
      if (pending.size() >= MAX_PENDING) {
        throw new IllegalStateException("too many requests to the focus waiting (" + MAX_PENDING
            + "); wait for some to complete");
      }
      p = DefaultParticipant.invitee(session, uri);
      session.roster.dialingLocked(p);
      p.inviting();
      r = new Referral(p, null);
      addLocked(r);
    }
    session.endpoint.kick();
    send(focus, r, Address.of(referTo));
    return p.connection();
  }

  /** Asks the focus to remove {@code p}; see {@code ConferenceSession.removeParticipant}. */
  CompletableFuture<Void> remove(DefaultParticipant p) {
    DefaultParticipant focus;
    Referral r;
    synchronized (session.endpoint.lock) {
      focus = session.requireFocusLocked();
      if (!session.roster.containsLocked(p)) {
        throw new IllegalArgumentException("not in the conference (any more): " + p);
      }
      if (pending.size() >= MAX_PENDING) {
        throw new IllegalStateException("too many requests to the focus waiting (" + MAX_PENDING
            + "); wait for some to complete");
      }
      r = new Referral(p, new CompletableFuture<>());
      addLocked(r);
    }
    p.disconnection().thenRun(() -> removedByRoster(r));
    SipUri target = p.uri() instanceof SipUri u ? u.toBuilder().method("BYE").build() : null;
    if (target == null) {
      answered(r, null, new SipFailure(400, "not a SIP URI: " + p.uri()));
    } else {
      send(focus, r, Address.of(target));
    }
    return r.removed;
  }

  /**
   * Under the lock: {@code r} waits {@value #OUTCOME_TIMEOUT_SECONDS} s at most for its outcome.
   */
  private void addLocked(Referral r) {
    pending.add(r);
    r.outcomeDeadline = session.scheduler().nowMillis()
        + TimeUnit.SECONDS.toMillis(OUTCOME_TIMEOUT_SECONDS);
    r.deadline = session.scheduler().schedule(() -> timedOut(r), OUTCOME_TIMEOUT_SECONDS,
        TimeUnit.SECONDS);
  }

  /**
   * Outside the lock: the target of the removal {@code r} has left (the roster says so, or the
   * focus's report did): the removal completes and, when no report has ended it yet, stops
   * waiting and ends its REFER subscription, so it holds no slot until the focus's final NOTIFY.
   */
  private void removedByRoster(Referral r) {
    OutgoingSubscription sub;
    synchronized (session.endpoint.lock) {
      // a subscription not yet set: send() finds r taken and ends it
      sub = takeLocked(r) ? r.subscription : null;
    }
    r.removed.complete(null);
    if (sub != null) {
      sub.unsubscribe();
    }
  }

  /** Under the lock: {@code r} has its outcome (or never will); false when it had one already. */
  private boolean takeLocked(Referral r) {
    if (!pending.remove(r)) {
      return false;
    }
    if (r.deadline != null) {
      r.deadline.cancel();
    }
    return true;
  }

  /**
   * Under the lock: the roster lists {@code p}, whose dial-out of ours waits for the focus's
   * report, as disconnected ({@code how}: its disconnection method, or null). The report decides,
   * but only for {@value #DISCONNECTED_GRACE_SECONDS} s more: then the dial-out fails as the
   * roster says (486 when {@code busy}, else 480).
   */
  void rosterDisconnectedLocked(DefaultParticipant p, String how) {
    for (Referral r : pending) {
      if (r.target == p && r.removed == null && r.rosterDisconnection == null) {
        r.rosterDisconnection = how == null ? "" : how;
        r.deadline.cancel();
        r.deadline = session.scheduler().schedule(() -> timedOut(r), DISCONNECTED_GRACE_SECONDS,
            TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Under the lock: the roster lists {@code p}, whose dial-out of ours waits for the focus's
   * report, as not disconnected (dialled again, ringing, in): a grace a {@code disconnected} entry
   * started before ends, and the dial-out waits for its report until its own deadline.
   */
  void rosterListedLocked(DefaultParticipant p) {
    for (Referral r : pending) {
      if (r.target == p && r.removed == null && r.rosterDisconnection != null) {
        r.rosterDisconnection = null;
        r.deadline.cancel();
        long left = Math.max(0, r.outcomeDeadline - session.scheduler().nowMillis());
        r.deadline = session.scheduler().schedule(() -> timedOut(r), left, TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * No final report came in time: {@code r} fails and its subscription ends; a dial-out the
   * roster has shown CONNECTED meanwhile is in the conference, and only stops waiting.
   */
  private void timedOut(Referral r) {
    OutgoingSubscription sub;
    synchronized (session.endpoint.lock) {
      if (!takeLocked(r)) {
        return;
      }
      sub = r.subscription;
      if (r.removed != null || r.target.state() != ParticipantState.CONNECTED) {
        failUnreportedLocked(r); // else the roster shows it in: only the report is missing
      }
    }
    if (sub != null) {
      sub.unsubscribe();
    }
    session.endpoint.kick();
  }

  /** Under the lock: {@code r} fails without a final report: 408, or as the roster says. */
  private void failUnreportedLocked(Referral r) {
    String how = r.rosterDisconnection;
    if (how == null) {
      failLocked(r, 408, "Request Timeout (no outcome from the focus within "
          + OUTCOME_TIMEOUT_SECONDS + " s)", ParticipantStateChangeReason.ERROR);
      return;
    }
    String roster = "the focus lists " + r.target.uri() + " disconnected"
        + (how.isEmpty() ? "" : " (" + how + ")") + " and reported no final status";
    if ("busy".equalsIgnoreCase(how)) {
      failLocked(r, 486, "Busy Here (" + roster + ")");
    } else {
      failLocked(r, 480, "Temporarily Unavailable (" + roster + ")");
    }
  }

  private void send(DefaultParticipant focus, Referral r, Address referTo) {
    Address referredBy = Address.of(session.endpoint.uri());
    OutgoingSubscription sub;
    try {
      Dialog d;
      synchronized (session.endpoint.lock) {
        d = focus.dialogLocked();
      }
      if (d == null) {
        throw new IllegalStateException("no dialog with the focus");
      }
      sub = session.endpoint.ua.refer(d, referTo, referredBy, new OutgoingSubscription.Listener() {
        @Override
        public void onNotify(OutgoingSubscription s, SipRequest notify, SubscriptionState state) {
          ReferStatus status = ReferStatus.of(notify);
          if (status != null) {
            synchronized (session.endpoint.lock) {
              progressLocked(r, status.statusCode(), status.reasonPhrase());
            }
            session.endpoint.kick();
          }
        }

        @Override
        public void onTerminated(OutgoingSubscription s, String reason) {
          if ("failed".equals(reason)) {
            return; // the REFER got no 2xx: answered() reports its status
          }
          synchronized (session.endpoint.lock) {
            if (takeLocked(r)) { // ended without a final status: the outcome is unknown
              failLocked(r, 500, "the focus's report ended without an outcome (" + reason + ")");
            }
          }
          session.endpoint.kick();
        }
      });
    } catch (RuntimeException e) {
      answered(r, null, new SipFailure(481, String.valueOf(e.getMessage())));
      return;
    }
    boolean late;
    synchronized (session.endpoint.lock) {
      r.subscription = sub;
      late = !pending.contains(r); // it timed out or the session ended while the REFER went out
    }
    if (late) {
      sub.unsubscribe();
      return;
    }
    sub.accepted().whenComplete((response, error) -> answered(r, response, error));
  }

  private void answered(Referral r, SipResponse response, Throwable error) {
    synchronized (session.endpoint.lock) {
      if (!pending.contains(r)) {
        return; // the NOTIFY came first, or the session ended
      }
      if (error != null || !response.isSuccess()) {
        takeLocked(r);
        Throwable cause = error == null ? null : Registration.unwrap(error);
        int code = response != null ? response.statusCode()
            : cause instanceof SipFailure f ? f.statusCode() : 500;
        String phrase = response != null ? response.reasonPhrase() : String.valueOf(
            cause == null ? "" : cause.getMessage());
        failLocked(r, code, phrase);
      }
    }
    session.endpoint.kick();
  }

  /** Under the lock: whether this session's dial-out of {@code p} waits for its outcome. */
  boolean dialingLocked(DefaultParticipant p) {
    for (Referral r : pending) {
      if (r.target == p && r.removed == null) {
        return true;
      }
    }
    return false;
  }

  private void failLocked(Referral r, int code, String phrase) {
    failLocked(r, code, phrase, InviteFailures.reasonForStatus(code));
  }

  private void failLocked(Referral r, int code, String phrase, ParticipantStateChangeReason why) {
    if (r.removed != null) {
      session.endpoint.fail(r.removed, new SessionException("the focus did not remove "
          + r.target.uri() + ": " + code + " " + phrase, code));
      return;
    }
    session.roster.removeLocked(r.target, why, code, new InvitationRejectedException(code, phrase));
  }

  /** Under the lock: the focus reports {@code status} for the request {@code r} asked for. */
  private void progressLocked(Referral r, int status, String phrase) {
    if (!pending.contains(r)) {
      return;
    }
    DefaultParticipant p = r.target;
    if (status < 200) {
      if (r.removed == null) {
        p.followRoster(ParticipantState.CONNECTING, status == 180 || status == 183
            ? ParticipantStateChangeReason.RINGING : ParticipantStateChangeReason.TRYING, status);
      }
      return;
    }
    takeLocked(r);
    if (status >= 300) {
      failLocked(r, status, phrase.isEmpty() ? SipStatus.reasonPhraseOf(status) : phrase);
    } else if (r.removed != null) {
      // the focus's BYE was answered: the member has left (the roster will say so too)
      session.roster.removeLocked(p, ParticipantStateChangeReason.NORMAL, 0, null);
      session.endpoint.complete(r.removed, null);
    } else {
      p.followRoster(ParticipantState.CONNECTED, ParticipantStateChangeReason.NORMAL, status);
    }
  }

  /** Under the lock: the session ended; what waited fails. */
  void endedLocked() {
    for (Referral r : pending) {
      if (r.deadline != null) {
        r.deadline.cancel();
      }
      if (r.removed != null) {
        session.endpoint.fail(r.removed, new SessionException("the session ended", 0));
      } else {
        r.target.connectionFailed(new InvitationCancelledException(
            "the session ended before " + r.target.uri() + " joined"));
      }
    }
    pending.clear();
  }
}
