package dev.parley.media;

import dev.parley.sdp.Direction;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.Rtcp;
import dev.parley.sdp.SessionDescription;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one audio stream needs from a completed offer/answer exchange (RFC 3264), seen from our
 * side: where to send, what to send, what to expect, and whether to send at all. Made by {@link
 * #of}; a new exchange (a re-offer: hold, resume, a codec change, a new remote address) makes new
 * parameters, and {@link #changes} says what a running stream must redo.
 *
 * <p>A rejected line ({@link #rejected()}: port 0 on either side, not audio over RTP/AVP or
 * RTP/AVPF, or no codec in common) has direction {@code INACTIVE}, no addresses, no codecs.
 *
 * @param mLineIndex the m= line, counted from 0
 * @param rejected whether no stream runs on this line
 * @param direction what we may do (RFC 3264 §6.1, §8.4): we send only if our description sends
 *     and the peer's receives (and its address is not {@code 0.0.0.0}), we receive only if ours
 *     receives and the peer's sends
 * @param heldByPeer whether the peer put the stream on hold: its description says it will not
 *     receive ({@code sendonly} or {@code inactive}, not merely answering ours) or gives the
 *     RFC 2543 hold address {@code c=0.0.0.0} (RFC 3264 §8.4)
 * @param remoteRtp where to send RTP, or null (rejected, or {@code c=0.0.0.0}); unresolved when
 *     the {@code c=} is a host name (resolving it may block: the caller's business)
 * @param remoteRtcp where to send RTCP: {@code a=rtcp} (RFC 3605), the RTP address with
 *     rtcp-mux, else the RTP port + 1; null when {@code remoteRtp} is
 * @param rtcpMux whether both descriptions have {@code a=rtcp-mux} (RFC 5761)
 * @param sendPayloadType the payload type to send audio with (the peer's number), or -1
 * @param sendCodec the codec to send: the first of the answer's that both sides list, or null
 * @param receivePayloadTypes the audio payload types we may receive (our numbers, in our line's
 *     order), each with its codec: the codecs both sides list
 * @param sendTelephoneEventPayloadType the peer's telephone-event payload type to send DTMF
 *     with: the one at the send codec's clock rate (RFC 4733 §2.1); when the peer lists none at
 *     that rate (an Opus call to a peer with only {@code telephone-event/8000}), the one with
 *     the lowest clock rate, as libwebrtc does; -1 when the peer lists no telephone-event we do
 * @param sendTelephoneEventClockRate the clock rate of {@code sendTelephoneEventPayloadType}
 *     (the events' durations count in it), 0 when there is none
 * @param receiveTelephoneEventPayloadTypes our telephone-event payload types that the peer lists
 * @param ptime the packet time the peer asks for ({@code a=ptime}), else 20 ms
 */
public record StreamParameters(int mLineIndex, boolean rejected, Direction direction,
    boolean heldByPeer, InetSocketAddress remoteRtp, InetSocketAddress remoteRtcp,
    boolean rtcpMux, int sendPayloadType, Codecs.Entry sendCodec,
    Map<Integer, Codecs.Entry> receivePayloadTypes, int sendTelephoneEventPayloadType,
    int sendTelephoneEventClockRate, Set<Integer> receiveTelephoneEventPayloadTypes, int ptime) {

  private static final Pattern IP4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** What changed between two parameters of the same stream (see {@link #changes}). */
  public enum Change {
    /** The line was rejected and now runs, or the reverse: start or stop the stream. */
    REJECTED,
    /** The remote RTP or RTCP address: call {@code RtpSocket.remote(..)} again. */
    REMOTE_ADDRESS,
    /** rtcp-mux came into use ({@code RtpSocket.useRtcpMux()}) or went away. */
    RTCP_MUX,
    /** The send payload type or codec: a new encoder, a new RTP timestamp base if the rate changed. */
    SEND_CODEC,
    /** The payload types we may receive: a new decoder map. */
    RECEIVE_CODECS,
    /** A telephone-event payload type, either way. */
    TELEPHONE_EVENT,
    /** The direction or the peer's hold: start or stop sending, or receiving. */
    DIRECTION,
    /** The packet time the peer asks for. */
    PTIME
  }

  /** Validates and copies the parts. */
  public StreamParameters {
    Objects.requireNonNull(direction, "direction");
    receivePayloadTypes = Collections.unmodifiableMap(new LinkedHashMap<>(receivePayloadTypes));
    receiveTelephoneEventPayloadTypes =
        Collections.unmodifiableSet(new LinkedHashSet<>(receiveTelephoneEventPayloadTypes));
    if (mLineIndex < 0) {
      throw new IllegalArgumentException("mLineIndex is negative: " + mLineIndex);
    }
    if ((sendCodec == null) != (sendPayloadType < 0)) {
      throw new IllegalArgumentException("sendPayloadType " + sendPayloadType
          + " does not go with sendCodec " + sendCodec);
    }
  }

  /**
   * The parameters of line {@code mLineIndex} of a completed exchange.
   *
   * @param local our description (the offer we sent, or the answer we sent)
   * @param remote the peer's description (its answer, or its offer)
   * @param localIsOfferer whether {@code local} is the offer
   * @throws IllegalArgumentException if either description lacks the line, or the peer's line is
   *     taken but has no {@code c=} at media or session level (the message names the m-line)
   */
  public static StreamParameters of(SessionDescription local, SessionDescription remote,
      boolean localIsOfferer, int mLineIndex) {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(remote, "remote");
    if (mLineIndex < 0 || mLineIndex >= local.media().size()
        || mLineIndex >= remote.media().size()) {
      throw new IllegalArgumentException("mLineIndex " + mLineIndex + " out of range: local has "
          + local.media().size() + " m-lines, remote " + remote.media().size());
    }
    MediaDescription lm = local.media().get(mLineIndex);
    MediaDescription rm = remote.media().get(mLineIndex);
    MediaDescription answer = localIsOfferer ? rm : lm;
    if (lm.isDisabled() || rm.isDisabled() || !NegotiationSdp.isPlainRtpAudio(lm)
        || !NegotiationSdp.isPlainRtpAudio(rm)) {
      return rejected(mLineIndex);
    }
    Map<Integer, Codecs.Entry> localFormats = NegotiationSdp.knownFormats(lm);
    Map<Integer, Codecs.Entry> remoteFormats = NegotiationSdp.knownFormats(rm);

    int sendPt = -1;
    Codecs.Entry sendCodec = null;
    for (Codecs.Entry e : NegotiationSdp.knownFormats(answer).values()) {
      if (!e.isTelephoneEvent() && localFormats.containsValue(e)
          && remoteFormats.containsValue(e)) {
        sendCodec = e;
        sendPt = payloadTypeOf(remoteFormats, e);
        break;
      }
    }
    Map<Integer, Codecs.Entry> receive = new LinkedHashMap<>();
    Set<Integer> receiveEvents = new LinkedHashSet<>();
    localFormats.forEach((pt, e) -> {
      if (remoteFormats.containsValue(e)) {
        if (e.isTelephoneEvent()) {
          receiveEvents.add(pt);
        } else {
          receive.put(pt, e);
        }
      }
    });
    if (sendCodec == null && receive.isEmpty()) {
      return rejected(mLineIndex);
    }
    int sendEventPt = -1;
    int sendEventRate = 0;
    if (sendCodec != null) {
      for (Map.Entry<Integer, Codecs.Entry> e : remoteFormats.entrySet()) {
        Codecs.Entry te = e.getValue();
        if (!te.isTelephoneEvent() || !localFormats.containsValue(te)) {
          continue;
        }
        if (te.clockRate() == sendCodec.clockRate()) { // RFC 4733 §2.1: the audio's clock
          sendEventPt = e.getKey();
          sendEventRate = te.clockRate();
          break;
        }
        if (sendEventPt < 0 || te.clockRate() < sendEventRate) { // else the lowest rate
          sendEventPt = e.getKey();
          sendEventRate = te.clockRate();
        }
      }
    }

    String address = NegotiationSdp.connectionAddress(remote, mLineIndex, "remote");
    boolean unspecified = NegotiationSdp.isUnspecified(address);
    Direction ours = local.direction(lm);
    Direction theirs = remote.direction(rm);
    boolean send = ours.isSending() && theirs.isReceiving() && !unspecified && sendCodec != null;
    boolean receiving = ours.isReceiving() && theirs.isSending() && !receive.isEmpty();
    boolean heldByPeer = unspecified
        || !theirs.isReceiving() && (!localIsOfferer || ours.isSending());

    boolean mux = lm.hasAttribute(NegotiationSdp.RTCP_MUX)
        && rm.hasAttribute(NegotiationSdp.RTCP_MUX);
    InetSocketAddress rtp = null;
    InetSocketAddress rtcp = null;
    if (!unspecified) {
      rtp = socketAddress(address, rm.port(), remote, mLineIndex);
      if (mux) {
        rtcp = rtp;
      } else {
        Rtcp attribute = rm.rtcp().orElse(null);
        if (attribute == null) {
          rtcp = socketAddress(address, rm.port() + 1, remote, mLineIndex);
        } else {
          rtcp = socketAddress(attribute.address().orElse(address), attribute.port(), remote,
              mLineIndex);
        }
      }
    }
    int ptime = rm.ptime().isPresent() ? (int) Math.round(rm.ptime().getAsDouble())
        : AudioOffers.DEFAULT_PTIME;
    return new StreamParameters(mLineIndex, false, NegotiationSdp.of(send, receiving),
        heldByPeer, rtp, rtcp, mux, sendPt, sendCodec, receive, sendEventPt, sendEventRate,
        receiveEvents, ptime);
  }

  /** Whether we send RTP on this stream. */
  public boolean isSending() {
    return direction.isSending();
  }

  /** Whether we expect RTP on this stream. */
  public boolean isReceiving() {
    return direction.isReceiving();
  }

  /**
   * What a running stream must redo to go from {@code previous} to these parameters (empty: the
   * re-offer changed nothing for this stream, e.g. a session refresh).
   */
  public Set<Change> changes(StreamParameters previous) {
    Objects.requireNonNull(previous, "previous");
    Set<Change> out = EnumSet.noneOf(Change.class);
    if (rejected != previous.rejected) {
      out.add(Change.REJECTED);
    }
    if (!Objects.equals(remoteRtp, previous.remoteRtp)
        || !Objects.equals(remoteRtcp, previous.remoteRtcp)) {
      out.add(Change.REMOTE_ADDRESS);
    }
    if (rtcpMux != previous.rtcpMux) {
      out.add(Change.RTCP_MUX);
    }
    if (sendPayloadType != previous.sendPayloadType || sendCodec != previous.sendCodec) {
      out.add(Change.SEND_CODEC);
    }
    if (!receivePayloadTypes.equals(previous.receivePayloadTypes)) {
      out.add(Change.RECEIVE_CODECS);
    }
    if (sendTelephoneEventPayloadType != previous.sendTelephoneEventPayloadType
        || sendTelephoneEventClockRate != previous.sendTelephoneEventClockRate
        || !receiveTelephoneEventPayloadTypes.equals(previous.receiveTelephoneEventPayloadTypes)) {
      out.add(Change.TELEPHONE_EVENT);
    }
    if (direction != previous.direction || heldByPeer != previous.heldByPeer) {
      out.add(Change.DIRECTION);
    }
    if (ptime != previous.ptime) {
      out.add(Change.PTIME);
    }
    return out;
  }

  private static StreamParameters rejected(int index) {
    return new StreamParameters(index, true, Direction.INACTIVE, false, null, null, false, -1,
        null, Map.of(), -1, 0, Set.of(), AudioOffers.DEFAULT_PTIME);
  }

  private static int payloadTypeOf(Map<Integer, Codecs.Entry> formats, Codecs.Entry e) {
    for (Map.Entry<Integer, Codecs.Entry> f : formats.entrySet()) {
      if (f.getValue() == e) {
        return f.getKey();
      }
    }
    return -1;
  }

  private static boolean isIp4Literal(String address) {
    if (!IP4_LITERAL.matcher(address).matches()) {
      return false;
    }
    for (String octet : address.split("\\.")) {
      if (Integer.parseInt(octet) > 255) {
        return false; // not an address: left unresolved rather than looked up
      }
    }
    return true;
  }

  /** An IP literal as an address (no lookup), a host name left unresolved. */
  private static InetSocketAddress socketAddress(String address, int port,
      SessionDescription remote, int index) {
    if (port > 65535) {
      throw new IllegalArgumentException("remote m-line " + index + " ("
          + NegotiationSdp.describe(remote.media().get(index)) + "): RTCP port out of range: "
          + port);
    }
    if (isIp4Literal(address) || address.indexOf(':') >= 0) {
      try {
        return new InetSocketAddress(InetAddress.getByName(address), port);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("remote m-line " + index + " ("
            + NegotiationSdp.describe(remote.media().get(index)) + "): bad address "
            + address, e);
      }
    }
    return InetSocketAddress.createUnresolved(address, port);
  }
}
