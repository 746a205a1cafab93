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

  // Written out rather than the record's generated ones: the dialog table compares ids on every
  // in-dialog request and ACK. The tags first: they differ where Call-IDs often share a suffix.
  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof DialogId other && localTag.equals(other.localTag)
        && remoteTag.equals(other.remoteTag) && callId.equals(other.callId));
  }

  @Override
  public int hashCode() {
    return (callId.hashCode() * 31 + localTag.hashCode()) * 31 + remoteTag.hashCode();
  }

  @Override
  public String toString() {
    return callId + ";local=" + localTag + ";remote=" + remoteTag;
  }
}
