package dev.parley.client;

import dev.parley.sip.MediaType;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A message received in an {@link InstantMessagingSession} (UCCAPI's
 * {@code IUccIncomingInstantMessageEvent}): who sent it, its content type and its body. Composing
 * indications (RFC 3994) are never messages: they arrive as
 * {@link InstantMessagingSession.Listener#onComposing} and {@code onIdle}.
 *
 * @param sender the remote participant who sent it
 * @param contentType the body's type, e.g. {@code text/plain;charset=UTF-8}
 * @param content the body as received (do not modify)
 * @param receivedAt when this endpoint received it (local clock)
 */
public record InstantMessage(Participant sender, MediaType contentType, byte[] content,
    Instant receivedAt) {
  /** Validates the parts. */
  public InstantMessage {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }

  /** The body decoded with the content type's {@code charset} parameter, UTF-8 when absent or unknown. */
  public String text() {
    return new String(content, charsetOf(contentType));
  }

  static Charset charsetOf(MediaType type) {
    String name = type.parameters().get("charset");
    if (name != null) {
      try {
        return Charset.forName(name.replace("\"", "").strip());
      } catch (RuntimeException e) {
        return StandardCharsets.UTF_8;
      }
    }
    return StandardCharsets.UTF_8;
  }

  @Override
  public String toString() {
    return "InstantMessage[from " + sender.uri() + " " + contentType + " " + content.length
        + " bytes]";
  }
}
