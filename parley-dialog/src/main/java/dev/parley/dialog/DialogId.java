package dev.parley.dialog;

import java.util.Objects;

/**
 * The identity of a dialog (RFC 3261 §12): Call-ID, local tag and remote tag, as seen from this
 * side.
 *
 * @param callId the Call-ID
 * @param localTag our tag (From tag of our requests)
 * @param remoteTag the peer's tag
 */
public record DialogId(String callId, String localTag, String remoteTag) {
  /** Validates the parts. */
  public DialogId {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(localTag, "localTag");
    if (remoteTag == null) {
      remoteTag = "";
    }
  }

  @Override
  public String toString() {
    return callId + ";local=" + localTag + ";remote=" + remoteTag;
  }
}
