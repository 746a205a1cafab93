package dev.parley.client.internal;

import dev.parley.client.Codec;
import dev.parley.client.MediaStream;
import dev.parley.sdp.Connection;
import dev.parley.sdp.Direction;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.Rtpmap;
import dev.parley.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of an SDP offer/answer exchange (RFC 3264) as {@link MediaStream}s: the m= lines
 * pair up by position (§6); codecs are the answer's payload types (the answerer lists only what
 * both support, §6.1); the direction in effect for us is what our description allows intersected
 * with the reverse of the peer's (we send only if we said we send and the peer said it receives).
 */
final class Negotiation {
  private Negotiation() {}

  /**
   * The streams of {@code local} and {@code remote}, one of which answered the other.
   *
   * @param localIsOfferer whether {@code local} is the offer (then {@code remote} is the answer)
   */
  static List<MediaStream> streams(SessionDescription local, SessionDescription remote,
      boolean localIsOfferer) {
    List<MediaStream> out = new ArrayList<>();
    int n = Math.min(local.media().size(), remote.media().size());
    for (int i = 0; i < n; i++) {
      MediaDescription lm = local.media().get(i);
      MediaDescription rm = remote.media().get(i);
      MediaDescription answer = localIsOfferer ? rm : lm;
      MediaDescription offer = localIsOfferer ? lm : rm;
      boolean rejected = lm.isDisabled() || rm.isDisabled();
      List<Codec> codecs = new ArrayList<>();
      if (!rejected && answer.isRtp()) {
        for (int pt : answer.payloadTypes()) {
          Rtpmap r = answer.rtpmap(pt).or(() -> offer.rtpmap(pt))
              .or(() -> Rtpmap.ofStaticPayloadType(pt)).orElse(null);
          if (r != null) {
            codecs.add(new Codec(pt, r.encodingName(), r.clockRate(), r.channels()));
          }
        }
      }
      Direction direction = rejected ? Direction.INACTIVE
          : effective(local.direction(lm), remote.direction(rm));
      List<Connection> c = remote.connections(rm);
      String address = c.isEmpty() ? null : c.get(0).address();
      out.add(new MediaStream(lm.media(), direction, codecs, address, rm.port(), lm.port()));
    }
    return out;
  }

  /** What we may do given what we said ({@code ours}) and what the peer said ({@code theirs}). */
  static Direction effective(Direction ours, Direction theirs) {
    boolean send = ours.isSending() && theirs.isReceiving();
    boolean receive = ours.isReceiving() && theirs.isSending();
    return send && receive ? Direction.SENDRECV : send ? Direction.SENDONLY
        : receive ? Direction.RECVONLY : Direction.INACTIVE;
  }
}
