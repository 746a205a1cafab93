package dev.parley.media;

import java.util.Map;

/**
 * A snapshot of an {@link AudioStream}'s statistics, read by name; immutable.
 *
 * <p>Receive counts cover every source heard since the stream started (a new SSRC resets the
 * RFC 3550 statistics of the source, not these totals); {@code fractionLost} and {@code jitterMillis}
 * are those of the current source.
 *
 * @param codec the send codec's name ("PCMU", "PCMA", "opus")
 * @param packetsSent RTP packets sent (audio and telephone-events)
 * @param bytesSent RTP payload octets sent (RFC 3550 6.4.1: no headers)
 * @param packetsReceived RTP packets received and parsed, of any source
 * @param bytesReceived their payload octets
 * @param lost packets lost, cumulative over every source (RFC 3550 A.3; duplicates can make a
 *     source's count negative)
 * @param fractionLost the fraction lost in the last RTCP report interval, 0..1
 * @param jitterMillis the interarrival jitter of the current source (RFC 3550 A.8), in ms
 * @param rttMillis the round-trip time from the last report block about us (RFC 3550 6.4.1), in
 *     ms; -1 before the first
 * @param peerFractionLost the fraction of our packets the peer reported lost, 0..1; -1 before
 *     its first report
 * @param peerCumulativeLost our packets the peer reported lost in all
 * @param late packets the jitter buffer got too late to play
 * @param duplicate duplicate packets dropped by the jitter buffer
 * @param concealed 20 ms slots filled by the codec's loss concealment
 * @param ssrcChanges times a new SSRC replaced the one heard before
 * @param malformed packets dropped as malformed RTP or RTCP, by reason
 * @param unknownPayloadType RTP packets dropped for a payload type not in the receive map
 * @param undecodable audio payloads the codec refused (concealed instead)
 * @param dtmfSent digits sent as RFC 4733 events
 * @param dtmfReceived digits received
 * @param dtmfDropped telephone-event packets dropped because the hand-off to the worker was full
 * @param rtcpSent RTCP compound packets sent
 * @param rtcpReceived RTCP compound packets received and parsed
 * @param receiveStalls times the peer's RTP stopped for {@link AudioStream#RECEIVE_STALL_MILLIS}
 *     while we expected it (each logged once)
 */
public record AudioStreamStats(String codec, long packetsSent, long bytesSent,
    long packetsReceived, long bytesReceived, long lost, double fractionLost, double jitterMillis,
    double rttMillis, double peerFractionLost, long peerCumulativeLost, long late, long duplicate,
    long concealed, long ssrcChanges, Map<MediaPacketException.Reason, Long> malformed,
    long unknownPayloadType, long undecodable, long dtmfSent, long dtmfReceived, long dtmfDropped, long rtcpSent,
    long rtcpReceived, long receiveStalls) {

  /** Copies the map of malformed counts. */
  public AudioStreamStats {
    malformed = Map.copyOf(malformed);
  }

  /** All malformed packets, whatever the reason. */
  public long malformedTotal() {
    return malformed.values().stream().mapToLong(Long::longValue).sum();
  }
}
