package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.media.StreamParameters.Change;
import dev.parley.sdp.Direction;
import dev.parley.sdp.SessionDescription;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamParametersTest {
  private static final String US = "192.0.2.10";
  private final AudioOffers offers = AudioOffers.defaults();

  /** Our answer to {@code offerText} and the parameters it gives us (we are the answerer). */
  private StreamParameters answering(String offerText, Direction ours) {
    SessionDescription offer = SessionDescription.parse(offerText);
    SessionDescription answer = offers.answer(offer, null, US, 40000, 40001, ours);
    return StreamParameters.of(answer, offer, false, 0);
  }

  private StreamParameters answering(String offerText) {
    return answering(offerText, Direction.SENDRECV);
  }

  @Test
  void bothSidesOfAnExchangeAgree() {
    AudioOffers alice = AudioOffers.defaults();
    AudioOffers bob = AudioOffers.builder().codecs(Codecs.PCMA, Codecs.PCMU).build();
    SessionDescription offer = alice.offerSession(null, "192.0.2.1", 30000, 30001,
        Direction.SENDRECV);
    SessionDescription answer = bob.answer(offer, null, "192.0.2.2", 40000, 40001,
        Direction.SENDRECV);
    StreamParameters a = StreamParameters.of(offer, answer, true, 0);
    StreamParameters b = StreamParameters.of(answer, offer, false, 0);

    // bob answers in alice's order: PCMU first; both send it
    assertThat(answer.media().get(0).formats()).containsExactly("0", "8", "101");
    assertThat(a.sendCodec()).isSameAs(Codecs.PCMU);
    assertThat(b.sendCodec()).isSameAs(Codecs.PCMU);
    // what each sends, the other receives under the same payload type
    assertThat(b.receivePayloadTypes()).containsEntry(a.sendPayloadType(), a.sendCodec());
    assertThat(a.receivePayloadTypes()).containsEntry(b.sendPayloadType(), b.sendCodec());
    assertThat(a.receivePayloadTypes()).containsOnlyKeys(0, 8); // opus was not answered
    assertThat(b.receiveTelephoneEventPayloadTypes()).contains(a.sendTelephoneEventPayloadType());
    assertThat(a.receiveTelephoneEventPayloadTypes()).containsExactly(101);
    assertThat(a.sendTelephoneEventPayloadType()).isEqualTo(101);
    // each sends to the other's address; rtcp-mux offered and accepted
    assertThat(a.remoteRtp()).isEqualTo(new InetSocketAddress("192.0.2.2", 40000));
    assertThat(b.remoteRtp()).isEqualTo(new InetSocketAddress("192.0.2.1", 30000));
    assertThat(a.rtcpMux()).isTrue();
    assertThat(b.rtcpMux()).isTrue();
    assertThat(a.remoteRtcp()).isEqualTo(a.remoteRtp());
    assertThat(a.direction()).isEqualTo(Direction.SENDRECV);
    assertThat(b.direction()).isEqualTo(Direction.SENDRECV);
    assertThat(a.heldByPeer()).isFalse();
    assertThat(a.ptime()).isEqualTo(20);
    assertThat(a.rejected()).isFalse();
  }

  @Test
  void answeringBaresipWeSendOpusAndItsEventsAt8kHzItsOnlyRate() {
    StreamParameters p = answering(PeerOffers.BARESIP);
    assertThat(p.sendCodec()).isSameAs(Codecs.OPUS);
    assertThat(p.sendPayloadType()).isEqualTo(96);
    // none at Opus's 48 kHz (RFC 4733 §2.1): the lowest rate it has, as libwebrtc does
    assertThat(p.sendTelephoneEventPayloadType()).isEqualTo(101);
    assertThat(p.sendTelephoneEventClockRate()).isEqualTo(8000);
    assertThat(p.receivePayloadTypes()).containsExactly(Map.entry(96, Codecs.OPUS),
        Map.entry(0, Codecs.PCMU), Map.entry(8, Codecs.PCMA));
    assertThat(p.receiveTelephoneEventPayloadTypes()).containsExactly(101);
    assertThat(p.remoteRtp()).isEqualTo(new InetSocketAddress("192.0.2.7", 10054));
    assertThat(p.remoteRtcp()).isEqualTo(p.remoteRtp());
    assertThat(p.rtcpMux()).isTrue();
  }

  @Test
  void answeringLinphoneTheEventsFollowTheSendCodecsRateAndRtcpGoesToItsPort() {
    StreamParameters p = answering(PeerOffers.LINPHONE);
    assertThat(p.sendCodec()).isSameAs(Codecs.OPUS);
    assertThat(p.sendTelephoneEventPayloadType()).isEqualTo(101); // telephone-event/48000
    assertThat(p.sendTelephoneEventClockRate()).isEqualTo(48000); // not its /8000 (100)
    assertThat(p.receiveTelephoneEventPayloadTypes()).containsExactly(101, 100);
    assertThat(p.rtcpMux()).isFalse();
    assertThat(p.remoteRtcp()).isEqualTo(new InetSocketAddress("198.51.100.20", 7079));
    StreamParameters video = StreamParameters.of(
        offers.answer(SessionDescription.parse(PeerOffers.LINPHONE), null, US, 40000, 40001,
            Direction.SENDRECV), SessionDescription.parse(PeerOffers.LINPHONE), false, 1);
    assertThat(video.rejected()).isTrue();
    assertThat(video.direction()).isEqualTo(Direction.INACTIVE);
    assertThat(video.remoteRtp()).isNull();
  }

  @Test
  void withoutRtcpAttributeOrMuxRtcpGoesToTheNextPort() {
    StreamParameters p = answering(PeerOffers.SIPP_UAC_PCAP);
    assertThat(p.sendCodec()).isSameAs(Codecs.PCMA);
    assertThat(p.sendTelephoneEventPayloadType()).isEqualTo(101);
    assertThat(p.remoteRtcp()).isEqualTo(new InetSocketAddress("203.0.113.5", 6001));
  }

  @Test
  void anRtcpAttributeWithItsOwnAddressIsFollowed() {
    String offer = PeerOffers.SIPP_UAC_PCAP + "a=rtcp:7000 IN IP4 203.0.113.99\n";
    assertThat(answering(offer).remoteRtcp())
        .isEqualTo(new InetSocketAddress("203.0.113.99", 7000));
  }

  @Test
  void aMediaLevelConnectionWinsOverTheSessionOne() {
    String offer = PeerOffers.SIPP_UAC_PCAP.replace("a=rtpmap:8", "c=IN IP4 203.0.113.77\n"
        + "a=rtpmap:8");
    assertThat(answering(offer).remoteRtp()).isEqualTo(new InetSocketAddress("203.0.113.77",
        6000));
  }

  @Test
  void aHostNameInConnectionIsLeftUnresolved() {
    String offer = PeerOffers.SIPP_UAC_PCAP.replace("c=IN IP4 203.0.113.5",
        "c=IN IP4 media.example.invalid");
    InetSocketAddress rtp = answering(offer).remoteRtp();
    assertThat(rtp.isUnresolved()).isTrue();
    assertThat(rtp.getHostString()).isEqualTo("media.example.invalid");
  }

  @Test
  void thePeersPtimeIsWhatWeSend() {
    String offer = PeerOffers.SIPP_UAC_PCAP + "a=ptime:30\n";
    assertThat(answering(offer).ptime()).isEqualTo(30);
  }

  @Test
  void thePeerPuttingUsOnHoldAndResumingChangesOnlyTheDirection() {
    StreamParameters talking = answering(PeerOffers.SIPP_UAC_PCAP);
    StreamParameters held = answering(PeerOffers.SIPP_UAC_PCAP + "a=sendonly\n");
    StreamParameters inactive = answering(PeerOffers.SIPP_UAC_PCAP + "a=inactive\n");
    StreamParameters resumed = answering(PeerOffers.SIPP_UAC_PCAP + "a=sendrecv\n");

    assertThat(held.direction()).isEqualTo(Direction.RECVONLY); // it still sends: music on hold
    assertThat(held.heldByPeer()).isTrue();
    assertThat(held.changes(talking)).containsExactly(Change.DIRECTION);
    assertThat(inactive.direction()).isEqualTo(Direction.INACTIVE);
    assertThat(inactive.heldByPeer()).isTrue();
    assertThat(inactive.remoteRtp()).isEqualTo(talking.remoteRtp());
    assertThat(resumed.direction()).isEqualTo(Direction.SENDRECV);
    assertThat(resumed.heldByPeer()).isFalse();
    assertThat(resumed.changes(held)).containsExactly(Change.DIRECTION);
    assertThat(resumed.changes(talking)).isEmpty();
    assertThat(resumed).isEqualTo(talking);
  }

  @Test
  void theOldHoldFormWithConnectionZeroStopsOurSendingButNotOurReceiving() {
    String oldHold = PeerOffers.SIPP_UAC_PCAP.replace("c=IN IP4 203.0.113.5", "c=IN IP4 0.0.0.0");
    StreamParameters talking = answering(PeerOffers.SIPP_UAC_PCAP);
    StreamParameters held = answering(oldHold);
    assertThat(held.rejected()).isFalse();
    assertThat(held.direction()).isEqualTo(Direction.RECVONLY);
    assertThat(held.heldByPeer()).isTrue();
    assertThat(held.remoteRtp()).isNull();
    assertThat(held.remoteRtcp()).isNull();
    assertThat(held.changes(talking)).containsExactlyInAnyOrder(Change.DIRECTION,
        Change.REMOTE_ADDRESS);
    assertThat(talking.changes(held)).containsExactlyInAnyOrder(Change.DIRECTION,
        Change.REMOTE_ADDRESS);
  }

  @Test
  void weHoldThePeerWithSendonlyAndItAnswersRecvonly() {
    SessionDescription offer = offers.offerSession(null, US, 40000, 40001, Direction.SENDONLY);
    String answerText = PeerOffers.SIPP_UAC_PCAP.replace("RTP/AVP 8 101", "RTP/AVP 0 101")
        .replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:0 PCMU/8000") + "a=recvonly\n";
    StreamParameters p = StreamParameters.of(offer, SessionDescription.parse(answerText), true,
        0);
    assertThat(p.direction()).isEqualTo(Direction.SENDONLY);
    assertThat(p.heldByPeer()).isFalse();
    assertThat(p.rtcpMux()).isFalse(); // not in the answer

    // our inactive re-offer, answered inactive: still not the peer's hold
    SessionDescription inactive = offers.offerSession(offer, US, 40000, 40001,
        Direction.INACTIVE);
    StreamParameters q = StreamParameters.of(inactive,
        SessionDescription.parse(answerText.replace("a=recvonly", "a=inactive")), true, 0);
    assertThat(q.direction()).isEqualTo(Direction.INACTIVE);
    assertThat(q.heldByPeer()).isFalse();
  }

  @Test
  void aReofferWithAnotherCodecOrAddressGivesTheMatchingChanges() {
    StreamParameters before = answering(PeerOffers.BARESIP);
    StreamParameters pcmaFirst = answering(
        PeerOffers.BARESIP.replace("RTP/AVP 96 0 8 101", "RTP/AVP 8 0 101"));
    assertThat(pcmaFirst.sendCodec()).isSameAs(Codecs.PCMA);
    assertThat(pcmaFirst.sendTelephoneEventPayloadType()).isEqualTo(101);
    assertThat(pcmaFirst.changes(before)).containsExactlyInAnyOrder(Change.SEND_CODEC,
        Change.RECEIVE_CODECS); // telephone-event/8000 with Opus before, with PCMA now

    StreamParameters moved = answering(PeerOffers.BARESIP.replace("m=audio 10054",
        "m=audio 10100"));
    assertThat(moved.changes(before)).containsExactly(Change.REMOTE_ADDRESS);
    StreamParameters noMux = answering(PeerOffers.BARESIP.replace("a=rtcp-mux\n", ""));
    assertThat(noMux.changes(before)).containsExactlyInAnyOrder(Change.RTCP_MUX,
        Change.REMOTE_ADDRESS);
  }

  @Test
  void aRejectedLineIsRejectedFromBothSides() {
    String g729 = PeerOffers.SIPP_UAC_PCAP.replace("RTP/AVP 8 101", "RTP/AVP 18")
        .replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:18 G729/8000");
    StreamParameters p = answering(g729);
    assertThat(p.rejected()).isTrue();
    assertThat(p.isSending()).isFalse();
    assertThat(p.isReceiving()).isFalse();
    assertThat(p.sendCodec()).isNull();
    assertThat(p.sendPayloadType()).isEqualTo(-1);
    StreamParameters running = answering(PeerOffers.SIPP_UAC_PCAP);
    assertThat(p.changes(running)).contains(Change.REJECTED);
  }

  @Test
  void aRemoteLineWithoutConnectionIsAnErrorNamingTheLine() {
    SessionDescription offer = offers.offerSession(null, US, 40000, 40001, Direction.SENDRECV);
    SessionDescription answer = SessionDescription.parse(
        PeerOffers.SIPP_UAC_PCAP.replace("c=IN IP4 203.0.113.5\n", ""));
    assertThatThrownBy(() -> StreamParameters.of(offer, answer, true, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("remote m-line 0 (audio 6000 RTP/AVP 8 101) has no c= line");
  }

  @Test
  void aLineBeyondEitherDescriptionIsRefusedByIndex() {
    SessionDescription offer = offers.offerSession(null, US, 40000, 40001, Direction.SENDRECV);
    assertThatThrownBy(() -> StreamParameters.of(offer, offer, true, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mLineIndex 1 out of range");
  }
}
