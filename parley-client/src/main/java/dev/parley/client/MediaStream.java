package dev.parley.client;

import dev.parley.sdp.Direction;
import java.util.List;
import java.util.Objects;

/**
 * One media line of a session as negotiated by SDP offer and answer (RFC 3264): what
 * {@link Session#streams()} lists, in the order of the {@code m=} lines. An
 * {@link AudioVideoSession} carries RTP on its audio line (the ports here are real); its running
 * stream is read through {@link AudioVideoSession#audioStats()}.
 *
 * @param media the media type: {@code audio}, {@code video}, {@code message}, {@code application}...
 * @param direction the direction in effect for this side: {@code SENDONLY} means we may send and
 *     the peer will not (the peer's view is the reverse)
 * @param codecs the negotiated codecs (the answer's payload types, in its order); empty for
 *     non-RTP media
 * @param remoteAddress the peer's connection address, or null
 * @param remotePort the peer's port (0 when the peer rejected the line)
 * @param localPort our port (0 when we rejected the line)
 */
public record MediaStream(String media, Direction direction, List<Codec> codecs,
    String remoteAddress, int remotePort, int localPort) {
  /** Validates and copies the parts. */
  public MediaStream {
    Objects.requireNonNull(media, "media");
    Objects.requireNonNull(direction, "direction");
    codecs = List.copyOf(codecs);
  }

  /** Whether either side rejected the line (port 0, RFC 3264 §6): no media will flow on it. */
  public boolean isRejected() {
    return remotePort == 0 || localPort == 0;
  }

  @Override
  public String toString() {
    return media + " " + direction.attributeName() + " " + codecs + " -> " + remoteAddress + ":"
        + remotePort + (isRejected() ? " (rejected)" : "");
  }
}
