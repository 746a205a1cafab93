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
import dev.parley.sip.Address;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipStatus;
import dev.parley.sip.SipUri;
import dev.parley.sip.SubscriptionState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A conference's requests to its focus about other users (RFC 4579 §5.5, RFC 3515): dial-out
 * ({@code REFER} with {@code Refer-To: <uri>}) and removal ({@code Refer-To: <uri;method=BYE>}),
 * each followed by the focus's {@code NOTIFY Event: refer} whose {@code message/sipfrag} carries
 * the status of the INVITE or BYE it sent: the REFER's implicit subscription, which the dialog
 * layer follows ({@code UserAgent.refer}). Guarded by the endpoint's lock.
 */
final class ConferenceReferrals {
  /** Most REFERs waiting for their outcome at once (the focus allows 10 dial-outs by default). */
  static final int MAX_PENDING = 32;

  /** One REFER and what waits for its outcome. */
  private static final class Referral {
    final DefaultParticipant target;
    /** Non-null for a removal: completes when the target's BYE is answered. */
    final CompletableFuture<Void> removed;

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
      pending.add(r);
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
      pending.add(r);
    }
    p.disconnection().thenRun(() -> r.removed.complete(null));
    SipUri target = p.uri() instanceof SipUri u ? u.toBuilder().method("BYE").build() : null;
    if (target == null) {
      answered(r, null, new SipFailure(400, "not a SIP URI: " + p.uri()));
    } else {
      send(focus, r, Address.of(target));
    }
    return r.removed;
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
            if (pending.remove(r)) { // ended without a final status: the outcome is unknown
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
    sub.accepted().whenComplete((response, error) -> answered(r, response, error));
  }

  private void answered(Referral r, SipResponse response, Throwable error) {
    synchronized (session.endpoint.lock) {
      if (!pending.contains(r)) {
        return; // the NOTIFY came first, or the session ended
      }
      if (error != null || !response.isSuccess()) {
        pending.remove(r);
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
      if (r.target == p) {
        return true;
      }
    }
    return false;
  }

  private void failLocked(Referral r, int code, String phrase) {
    if (r.removed != null) {
      session.endpoint.fail(r.removed, new SessionException("the focus did not remove "
          + r.target.uri() + ": " + code + " " + phrase, code));
      return;
    }
    session.roster.removeLocked(r.target, InviteFailures.reasonForStatus(code), code,
        new InvitationRejectedException(code, phrase));
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
    pending.remove(r);
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
