package dev.parley.client.internal;

import dev.parley.client.ConferenceSession;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.dialog.DialogId;
import dev.parley.sip.Parameters;
import dev.parley.sip.Replaces;
import dev.parley.sip.SipUri;
import dev.parley.sip.UriHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The escalation of a connected two-party IM or audio session to a conference (issue 13; RFC
 * 4579, RFC 3891): a conference created at the factory with the session's conversation ID (and
 * audio, for an audio call), a REFER asking
 * the focus to invite the other party with
 * {@code Refer-To: <AOR?Replaces=CALLID;to-tag=T;from-tag=F>} (the 1:1 dialog as the other party
 * sees it: its local tag, our remote tag, is the to-tag), and, once that leg is up, the 1:1
 * session ended with BYE and the extra URIs invited by plain REFERs. A failure before that
 * leaves the conference and the 1:1 session as it was.
 */
final class Escalation {
  private static final Logger LOG = LoggerFactory.getLogger(Escalation.class);
  /** Most extra URIs one escalation invites (the focus allows 10 pending dial-outs by default). */
  static final int MAX_EXTRA = 16;

  private Escalation() {}

  /** Starts escalating {@code session}; see {@code Session.escalateToConference}. */
  static CompletableFuture<ConferenceSession> start(DefaultSession session, SipUri[] extra) {
    if (extra == null) {
      throw new NullPointerException("extra");
    }
    if (extra.length > MAX_EXTRA) {
      throw new IllegalArgumentException("extra: at most " + MAX_EXTRA + " URIs, not "
          + extra.length);
    }
    List<SipUri> extras = new ArrayList<>(extra.length);
    for (int i = 0; i < extra.length; i++) {
      if (extra[i] == null) {
        throw new NullPointerException("extra[" + i + "]");
      }
      extras.add(extra[i]);
    }
    DefaultEndpoint endpoint = session.endpoint;
    SipUri other;
    SipUri referTo;
    synchronized (endpoint.lock) {
      if (session.isTerminated()) {
        throw new IllegalStateException("the session has ended");
      }
      if (session.escalating) {
        throw new IllegalStateException("the session is being escalated already");
      }
      List<DefaultParticipant> remotes = session.remotesLocked();
      DefaultParticipant peer = remotes.isEmpty() ? null : remotes.get(0);
      if (peer == null || peer.state() != ParticipantState.CONNECTED) {
        throw new IllegalStateException("the session is not connected: nobody to escalate with");
      }
      if (session instanceof DefaultInstantMessagingSession im && im.isPagerMode()
          || peer.dialogLocked() == null) {
        throw new IllegalStateException("a pager-mode session has no dialog a conference could"
            + " replace: invite " + peer.uri() + " into a conference instead");
      }
      if (!(peer.uri() instanceof SipUri u)) {
        throw new IllegalStateException("the other party is not a SIP URI: " + peer.uri());
      }
      other = u.toBuilder().parameters(Parameters.EMPTY).headers(UriHeaders.EMPTY).build();
      for (int i = 0; i < extras.size(); i++) {
        SipUri x = extras.get(i);
        if (x.equivalentTo(other)) {
          throw new IllegalArgumentException("extra[" + i + "] is the other party, " + x
              + ", who is brought in anyway");
        }
        for (int j = 0; j < i; j++) {
          if (extras.get(j).equivalentTo(x)) {
            throw new IllegalArgumentException("extra[" + i + "] is given twice: " + x);
          }
        }
      }
      DialogId id = peer.dialogLocked().id();
      referTo = Replaces.of(id.callId(), id.remoteTag(), id.localTag()).addTo(other);
      session.escalating = true;
    }
    SessionContext.Builder context = SessionContext.builder();
    session.context().get(SessionContext.CONVERSATION_ID)
        .ifPresent(c -> context.set(SessionContext.CONVERSATION_ID, c));
    session.context().get(SessionContext.SUBJECT)
        .ifPresent(c -> context.set(SessionContext.SUBJECT, c));
    DefaultConferenceSession conference = (DefaultConferenceSession) endpoint.sessions
        .createSession(SessionType.CONFERENCE, context.build());
    CompletableFuture<ConferenceSession> result = new CompletableFuture<>();
    // an audio call continues as a conference with audio (beside the call until bob is in)
    CompletableFuture<SipUri> entered = conference.enterContinuing(session);
    entered.whenComplete((uri, error) -> {
      if (error != null) {
        failed(session, conference, result, error); // the conference has ended by itself
        return;
      }
      CompletableFuture<Participant> joined;
      try {
        joined = conference.referrals.dialOut(other, referTo);
      } catch (RuntimeException e) {
        failed(session, conference, result, e); // the focus ended the conference meanwhile
        return;
      }
      joined.whenComplete((p, failure) -> {
        if (failure != null) {
          failed(session, conference, result, failure);
        } else {
          succeeded(session, conference, extras, result);
        }
      });
    });
    return result;
  }

  private static void succeeded(DefaultSession session,
      DefaultConferenceSession conference, List<SipUri> extras,
      CompletableFuture<ConferenceSession> result) {
    session.terminate(); // the other party is in the conference: the 1:1 dialog goes (BYE)
    for (SipUri x : extras) {
      try {
        conference.addParticipant(x);
      } catch (IllegalStateException e) {
        // the conference ended (or x joined by itself) meanwhile: its participants say so
        LOG.debug("escalation of {}: not inviting {}: {}", session, x, e.getMessage());
      }
    }
    session.endpoint.complete(result, conference);
    session.endpoint.kick();
  }

  private static void failed(DefaultSession session,
      DefaultConferenceSession conference, CompletableFuture<ConferenceSession> result,
      Throwable error) {
    synchronized (session.endpoint.lock) {
      session.escalating = false;
    }
    conference.leave();
    session.endpoint.fail(result, Registration.unwrap(error));
    session.endpoint.kick();
  }
}
