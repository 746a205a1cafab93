package dev.parley.client.internal;

import dev.parley.client.InvitationCancelledException;
import dev.parley.client.InvitationRejectedException;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.RejectReason;
import dev.parley.client.SessionException;
import dev.parley.dialog.SipFailure;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Uri;

/**
 * How the inviter sees an invitation of ours that failed: the reason its participant goes
 * DISCONNECTED with (UCCAPI's participant state change reasons) and the exception {@code
 * addParticipant}'s future fails with.
 */
final class InviteFailures {
  private InviteFailures() {}

  /** The reason of a failed invitation we did not cancel. */
  static ParticipantStateChangeReason reasonFor(SipFailure f) {
    int code = f.statusCode();
    if (f.response() == null) {
      return ParticipantStateChangeReason.ERROR; // timeout, transport error
    }
    return reasonForStatus(code);
  }

  /** The reason of an invitation answered with the failure status {@code code}. */
  static ParticipantStateChangeReason reasonForStatus(int code) {
    if (code >= 300 && code < 400) {
      return ParticipantStateChangeReason.FORWARDED;
    }
    if (code == 404 || code == 410 || code == 484 || code == 604) {
      return ParticipantStateChangeReason.ENDPOINT_NOT_EXIST;
    }
    if (code == 487 || RejectReason.fromStatus(code).isPresent()) {
      return ParticipantStateChangeReason.REMOTE_HANGUP;
    }
    return ParticipantStateChangeReason.FAILED;
  }

  /**
   * The exception of a failed invitation to {@code invitee}: we cancelled it ({@code hungUp}), it
   * was answered with a failure, or no answer came (timeout, transport error).
   */
  static Exception exceptionFor(SipFailure f, Uri invitee, boolean hungUp) {
    if (hungUp) {
      return new InvitationCancelledException("the session was terminated before " + invitee
          + " answered");
    }
    SipResponse r = f.response();
    if (r == null) {
      return new SessionException("the invitation to " + invitee + " failed: " + f.getMessage(),
          f.statusCode());
    }
    return new InvitationRejectedException(f.statusCode(), r.reasonPhrase());
  }
}
