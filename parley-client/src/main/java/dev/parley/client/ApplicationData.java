package dev.parley.client;

import dev.parley.sip.MediaType;
import java.time.Instant;
import java.util.Objects;

/**
 * Data of an application-defined content type received in an {@link ApplicationSession}, or the
 * body of the INVITE that opened it ({@link ApplicationSession#invitationData()}).
 *
 * @param sender the remote participant who sent it
 * @param contentType the content type, e.g. {@code application/x-game}
 * @param data the body as received (do not modify)
 * @param receivedAt when this endpoint received it (local clock)
 */
public record ApplicationData(Participant sender, MediaType contentType, byte[] data,
    Instant receivedAt) {
  /** Validates the parts. */
  public ApplicationData {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }

  @Override
  public String toString() {
    return "ApplicationData[from " + sender.uri() + " " + contentType + " " + data.length + " bytes]";
  }
}
