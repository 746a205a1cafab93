package dev.parley.client;

/**
 * Why a participant's state changed (UCCAPI's {@code UCC_PARTICIPANT_STATE_CHANGE_REASON}).
 *
 * <p>An invitation the invitee rejected reaches the inviter as DISCONNECTED with
 * {@link #REMOTE_HANGUP} and the {@link RejectReason} of the status code; a BYE from the other side
 * is {@link #REMOTE_HANGUP} from CONNECTED; our own terminate or reject is {@link #NORMAL}.
 */
public enum ParticipantStateChangeReason {
  /** An ordinary change: accepted, or ended by this side. */
  NORMAL,
  /** The invitee is being alerted (180 Ringing). */
  RINGING,
  /** The invitation is on its way (INVITE sent, 100 or 183 received). */
  TRYING,
  /** The other side ended it: rejected the invitation, cancelled it, or sent BYE. */
  REMOTE_HANGUP,
  /** The invitee forwarded the invitation (3xx). */
  FORWARDED,
  /** Redirected by the network. */
  REDIRECTED,
  /** Transferred (REFER). */
  TRANSFERRED,
  /** The invitation failed with a status that is not a reject reason (such as 500). */
  FAILED,
  /** A local or network error: no response in time, transport failure, no ACK. */
  ERROR,
  /** The invited address does not exist (404, 410, 484, 604). */
  ENDPOINT_NOT_EXIST
}
