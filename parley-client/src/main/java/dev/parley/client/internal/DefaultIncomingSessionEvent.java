package dev.parley.client.internal;

import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InvitationCancelledException;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.Session;
import dev.parley.client.SessionException;
import dev.parley.dialog.Dialog;
import dev.parley.dialog.DialogId;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.SipFailure;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An invitation waiting for the application, over the dialog layer's {@link IncomingInvite}. Its
 * {@link InvitationState} decides how it ends (PENDING, then ACCEPTING until the ACK, REJECTED,
 * CANCELLED by the inviter with 487 sent by the core, or EXPIRED with 480 sent); this class sends
 * the answers and completes the acceptance.
 */
final class DefaultIncomingSessionEvent extends AbstractInvitation<DefaultSession> {

  private final IncomingInvite invite;
  /** What the INVITE is, with its SDP offer (parsed when accepted) or none. */
  private final Offers.Classification classification;
  /** The session whose dialog the INVITE's Replaces names (RFC 3891), or null. */
  private final DefaultSession replaced;

  DefaultIncomingSessionEvent(DefaultSession session, DefaultParticipant inviter,
      IncomingInvite invite, Offers.Classification classification, DefaultSession replaced) {
    super(session, inviter);
    this.invite = invite;
    this.classification = classification;
    this.replaced = replaced;
  }

  @Override
  public Optional<Session> replaces() {
    return Optional.ofNullable(replaced);
  }

  @Override
  public Optional<Uri> referredBy() {
    String value = invite.request().headers().get(HeaderName.REFERRED_BY);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Address.parse(value.strip()).uri());
    } catch (RuntimeException e) {
      return Optional.empty(); // unreadable: as good as absent
    }
  }

  private Object lock() {
    return session.endpoint.lock;
  }

  /** Starts the answer timer (480 when it fires) and watches for CANCEL. Outside the lock. */
  void start(long timeoutMillis) {
    state.start(invite.transaction().scheduler(), timeoutMillis, () -> invite.reject(480));
    invite.cancellation().thenRun(this::cancelledByInviter);
  }

  @Override
  public CompletableFuture<Session> accept(dev.parley.client.ConferenceSession.Media... media) {
    Objects.requireNonNull(media, "media");
    for (int i = 0; i < media.length; i++) {
      Objects.requireNonNull(media[i], "media[" + i + "]");
    }
    if (media.length == 0) {
      return accept();
    }
    if (!(session instanceof DefaultConferenceSession conference)) {
      throw new IllegalArgumentException("media: only a CONFERENCE invitation takes media, not "
          + session.type());
    }
    synchronized (lock()) {
      if (isPendingLocked()) {
        conference.mediaLocked(media); // read by the answer that accept() makes
      }
    }
    return accept();
  }

  @Override
  public CompletableFuture<Session> accept() {
    CompletableFuture<Session> result = new CompletableFuture<>();
    synchronized (lock()) {
      CompletableFuture<Session> refused = state.accept(true, "it was rejected with 480");
      if (refused != null) {
        return refused;
      }
      if (session instanceof DefaultConferenceSession conference && replaced != null) {
        conference.mediaLocked(conference.continues(replaced)); // a call's audio goes on there
      }
      DialogId id = new DialogId(invite.request().callId(), invite.localTag(),
          invite.request().from().tag());
      inviter.accepting(id);
      session.endpoint.sessions.addLeg(id, inviter);
    }
    if (!classification.hasOffer()) {
      invite.accept(null, null).whenComplete((dialog, error) -> accepted(dialog, error, result));
      return result;
    }
    CompletableFuture<SessionDescription> answer;
    SessionDescription offer = null;
    try {
      offer = classification.offer(); // the model, built now that it is needed
      SipUri contact = (SipUri) session.endpoint.ua.contact(
          invite.transaction().flow().transport()).uri();
      answer = session.answer(offer, contact);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    SessionDescription offered = offer;
    answer.whenComplete((sdp, error) -> {
      if (error != null) {
        // no media port, or an offer we cannot answer after all: the inviter learns it with 503
        Throwable cause = Registration.unwrap(error);
        invite.reject(503);
        accepted(null, new SipFailure(503, "cannot answer the offer: " + cause.getMessage()),
            result);
        return;
      }
      CompletableFuture<Dialog> dialog;
      try {
        synchronized (lock()) {
          session.negotiated(sdp, offered, false);
        }
        dialog = invite.accept(MediaType.APPLICATION_SDP, sdp.encode());
      } catch (RuntimeException e) {
        invite.reject(500);
        dialog = CompletableFuture.failedFuture(new SipFailure(500, "cannot accept: " + e));
      }
      dialog.whenComplete((d, e) -> accepted(d, e, result));
    });
    return result;
  }

  private void accepted(Dialog dialog, Throwable error, CompletableFuture<Session> result) {
    Runnable hangup = null;
    DefaultEndpoint ep = session.endpoint;
    synchronized (lock()) {
      if (error == null) {
        state.accepted();
        inviter.dialogConfirmed(dialog);
        if (inviter.state() == ParticipantState.DISCONNECTED) {
          ep.fail(result, new SessionException("the session ended before it was connected", 0));
        } else {
          session.connected();
          if (inviter.isHangingUp()) {
            hangup = inviter.bye(); // terminate() came while we waited for the ACK
          }
          ep.complete(result, session);
          if (replaced != null) {
            ep.afterUnlock(replaced::terminate); // RFC 3891: the replaced dialog ends with BYE
          }
        }
      } else {
        Throwable cause = Registration.unwrap(error);
        if (invite.isCancelled() && !(cause instanceof SipFailure)) {
          // the CANCEL reached the dialog layer first
          state.cancel(Reasons.of(invite.cancelRequest()), true);
          ep.fail(result, new InvitationCancelledException(
              "the inviter " + inviter.uri() + " cancelled the invitation"));
        } else {
          state.accepted();
          int code = cause instanceof SipFailure f ? f.statusCode() : 500;
          session.disconnected(inviter, ParticipantStateChangeReason.ERROR, code);
          ep.fail(result, new SessionException("accepting failed: " + cause.getMessage(), code));
        }
      }
    }
    ep.kick();
    if (hangup != null) {
      hangup.run();
    }
  }

  @Override
  Runnable rejectLocked(int statusCode) {
    return state.reject(statusCode) ? () -> invite.reject(statusCode) : null;
  }

  @Override
  public boolean forward(SipUri target) {
    Objects.requireNonNull(target, "target");
    synchronized (lock()) {
      if (!state.forward()) {
        return false;
      }
    }
    session.endpoint.kick();
    invite.reject(session.endpoint.ua.response(invite.request(), 302, invite.localTag())
        .header(HeaderName.CONTACT, Address.of(target)).build());
    return true;
  }

  private void cancelledByInviter() {
    synchronized (lock()) {
      // ACCEPTING: accepted() decides who won; otherwise already ended
      state.cancel(Reasons.of(invite.cancelRequest()), false);
    }
    session.endpoint.kick();
  }

  @Override
  public String toString() {
    return "IncomingSessionEvent[" + session.type() + " from " + inviter.uri() + "]";
  }
}
