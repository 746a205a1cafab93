package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sdp.Direction;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.SdpParseException;
import dev.parley.sdp.SessionDescription;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AudioOffersTest {
  private static final String US = "192.0.2.10";

  private static String lines(String... lines) {
    return String.join("\r\n", lines) + "\r\n";
  }

  private static SessionDescription answerTo(AudioOffers offers, String offer) {
    return offers.answer(SessionDescription.parse(offer), null, US, 40000, 40001,
        Direction.SENDRECV);
  }

  private static SessionDescription answerTo(String offer) {
    return answerTo(AudioOffers.defaults(), offer);
  }

  @Test
  void theDefaultOfferListsOpusG711AndTelephoneEventsWithAnRtcpPortAndRtcpMux() {
    MediaDescription m = AudioOffers.defaults().offer(US, 40000, 40001, Direction.SENDRECV);
    assertThat(m.toString()).isEqualTo(lines(
        "m=audio 40000 RTP/AVP 111 0 8 110 101",
        "c=IN IP4 192.0.2.10",
        "a=rtpmap:111 opus/48000/2",
        "a=fmtp:111 minptime=10;useinbandfec=1",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:110 telephone-event/48000",
        "a=fmtp:110 0-16",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=ptime:20",
        "a=rtcp:40001",
        "a=rtcp-mux",
        "a=sendrecv"));
  }

  @Test
  void anApplicationMayPreferPcmaAndAllowOnlyG711() {
    AudioOffers g711 = AudioOffers.builder().codecs(Codecs.offered()).codecs(Codecs.PCMA,
        Codecs.PCMU, Codecs.TELEPHONE_EVENT_8000).rtcpMux(false).build();
    assertThat(g711.codecs()).containsExactly(Codecs.PCMA, Codecs.PCMU);
    MediaDescription m = g711.offer(US, 40000, 0, Direction.SENDONLY);
    assertThat(m.toString()).isEqualTo(lines(
        "m=audio 40000 RTP/AVP 8 0 101",
        "c=IN IP4 192.0.2.10",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=ptime:20",
        "a=sendonly"));
    // and it refuses an Opus-only offer
    String opusOnly = PeerOffers.BARESIP.replace("RTP/AVP 96 0 8 101", "RTP/AVP 96 101");
    assertThat(answerTo(g711, opusOnly).media().get(0).port()).isZero();
  }

  @Test
  void aWholeOfferHasOriginSessionNameConnectionAndTiming() {
    SessionDescription sdp = AudioOffers.defaults().offerSession(null, US, 40000, 40001,
        Direction.SENDRECV);
    String text = sdp.toString();
    assertThat(text).startsWith("v=0\r\no=- " + sdp.origin().sessionId() + " "
        + sdp.origin().sessionVersion() + " IN IP4 192.0.2.10\r\ns=-\r\n");
    assertThat(text).contains("\r\nt=0 0\r\nm=audio 40000 RTP/AVP ");
    assertThat(SessionDescription.parse(text)).isEqualTo(sdp);
    assertThat(sdp.connections(sdp.media().get(0)).get(0).address()).isEqualTo(US);
  }

  @Test
  void eachReofferOfTheSameSessionIncrementsTheVersionAndKeepsTheSessionId() {
    AudioOffers offers = AudioOffers.defaults();
    SessionDescription first = offers.offerSession(null, US, 40000, 40001, Direction.SENDRECV);
    SessionDescription hold = offers.offerSession(first, US, 40000, 40001, Direction.SENDONLY);
    SessionDescription resume = offers.offerSession(hold, US, 40000, 40001, Direction.SENDRECV);
    assertThat(hold.origin().sessionId()).isEqualTo(first.origin().sessionId());
    assertThat(resume.origin().sessionId()).isEqualTo(first.origin().sessionId());
    assertThat(new java.math.BigInteger(hold.origin().sessionVersion()))
        .isEqualTo(new java.math.BigInteger(first.origin().sessionVersion()).add(
            java.math.BigInteger.ONE));
    assertThat(new java.math.BigInteger(resume.origin().sessionVersion()))
        .isEqualTo(new java.math.BigInteger(first.origin().sessionVersion()).add(
            java.math.BigInteger.TWO));
    assertThat(hold.direction(hold.media().get(0))).isEqualTo(Direction.SENDONLY);
  }

  @Test
  void baresipIsAnsweredInItsCodecOrderOnItsPayloadTypesWithRtcpMux() {
    SessionDescription answer = answerTo(PeerOffers.BARESIP);
    assertThat(answer.media()).hasSize(1);
    assertThat(answer.media().get(0).toString()).isEqualTo(lines(
        "m=audio 40000 RTP/AVP 96 0 8 101",
        "c=IN IP4 192.0.2.10",
        "a=rtpmap:96 opus/48000/2",
        "a=fmtp:96 minptime=10;useinbandfec=1",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-15",
        "a=ptime:20",
        "a=rtcp-mux",
        "a=sendrecv"));
    assertThat(answer.connection()).isNull(); // the one line has its own c=
  }

  @Test
  void theAnswerFollowsThePeersOrderNotOurs() {
    String pcmaFirst = PeerOffers.BARESIP.replace("RTP/AVP 96 0 8 101", "RTP/AVP 8 0 101");
    assertThat(answerTo(pcmaFirst).media().get(0).formats()).containsExactly("8", "0", "101");
  }

  @Test
  void linphoneGetsItsAudioAnsweredAndItsVideoRefusedWithPortZero() {
    SessionDescription answer = answerTo(PeerOffers.LINPHONE);
    assertThat(answer.media()).hasSize(2);
    MediaDescription audio = answer.media().get(0);
    // opus, PCMU, PCMA kept; speex and G.729 dropped; telephone-event at 48 and 8 kHz kept,
    // the 16 kHz one dropped (no codec of ours at that rate)
    assertThat(audio.port()).isEqualTo(40000);
    assertThat(audio.formats()).containsExactly("96", "0", "8", "101", "100");
    assertThat(audio.rtpmap(101).orElseThrow().clockRate()).isEqualTo(48000);
    assertThat(audio.rtpmap(100).orElseThrow().clockRate()).isEqualTo(8000);
    assertThat(audio.fmtp(100).orElseThrow().parameters()).isEqualTo("0-15");
    assertThat(audio.rtcp().orElseThrow().port()).isEqualTo(40001); // no rtcp-mux offered
    assertThat(audio.hasAttribute("rtcp-mux")).isFalse();
    assertThat(answer.media().get(1).toString()).isEqualTo(lines("m=video 0 RTP/AVP 96 97"));
    // the refused line has no c= of its own: the session-level one covers it
    assertThat(answer.connection().address()).isEqualTo(US);
  }

  @Test
  void sippUacPcapIsAnsweredWithPcmaAndItsTelephoneEvents() {
    SessionDescription answer = answerTo(PeerOffers.SIPP_UAC_PCAP);
    assertThat(answer.media().get(0).toString()).isEqualTo(lines(
        "m=audio 40000 RTP/AVP 8 101",
        "c=IN IP4 192.0.2.10",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-11,16",
        "a=ptime:20",
        "a=rtcp:40001",
        "a=sendrecv"));
  }

  @Test
  void aStaticPayloadTypeWithoutRtpmapMatchesByNumber() {
    MediaDescription audio = answerTo(PeerOffers.SIPP_UAC).media().get(0);
    assertThat(audio.port()).isEqualTo(40000);
    assertThat(audio.formats()).containsExactly("0");
    assertThat(audio.rtpmap(0).orElseThrow().encodingName()).isEqualTo("PCMU");
  }

  @Test
  void aDynamicPayloadTypeIsMatchedByNameAndRateNotByNumber() {
    // payload type 0 renamed by an rtpmap to something we lack must not be taken as PCMU
    String odd = PeerOffers.SIPP_UAC.replace("RTP/AVP 0\n", "RTP/AVP 0 97\na=rtpmap:0 G729/8000\n"
        + "a=rtpmap:97 pcmu/8000\n");
    assertThat(answerTo(odd).media().get(0).formats()).containsExactly("97");
  }

  @Test
  void aWebRtcOfferIsRefusedWithPortZeroForNow() {
    SessionDescription offer = SessionDescription.parse(PeerOffers.WEBRTC);
    assertThat(AudioOffers.defaults().accepts(offer, 0)).isFalse();
    SessionDescription answer = answerTo(PeerOffers.WEBRTC);
    assertThat(answer.media().get(0).toString())
        .isEqualTo(lines("m=audio 0 UDP/TLS/RTP/SAVPF 111 0 8 126"));
  }

  @Test
  void srtpProfilesAreRefusedAndAvpfIsTaken() {
    String savp = PeerOffers.SIPP_UAC_PCAP.replace("RTP/AVP", "RTP/SAVP");
    String avpf = PeerOffers.SIPP_UAC_PCAP.replace("RTP/AVP", "RTP/AVPF");
    assertThat(answerTo(savp).media().get(0).port()).isZero();
    MediaDescription taken = answerTo(avpf).media().get(0);
    assertThat(taken.port()).isEqualTo(40000);
    assertThat(taken.proto()).isEqualTo("RTP/AVPF");
  }

  @Test
  void noCodecInCommonRefusesTheLineWithPortZero() {
    String g729 = PeerOffers.SIPP_UAC_PCAP.replace("RTP/AVP 8 101", "RTP/AVP 18 101")
        .replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:18 G729/8000");
    SessionDescription offer = SessionDescription.parse(g729);
    assertThat(AudioOffers.defaults().accepts(offer, 0)).isFalse();
    assertThat(answerTo(g729).media().get(0).toString())
        .isEqualTo(lines("m=audio 0 RTP/AVP 18 101"));
  }

  @Test
  void aTelephoneEventAloneIsNoCodecInCommon() {
    String dtmfOnly = PeerOffers.SIPP_UAC_PCAP.replace("RTP/AVP 8 101", "RTP/AVP 101");
    assertThat(answerTo(dtmfOnly).media().get(0).port()).isZero();
  }

  @Test
  void telephoneEventIsKeptAtTheRateOfAnAnsweredCodecElseTheLowestOffered() {
    // Opus with telephone-event/8000 only: none at 48 kHz, so /8000 rather than no DTMF
    String opusAnd8k = PeerOffers.BARESIP.replace("RTP/AVP 96 0 8 101", "RTP/AVP 96 101");
    assertThat(answerTo(opusAnd8k).media().get(0).formats()).containsExactly("96", "101");
    // Opus and PCMU with /48000 and /8000: each at its codec's rate, both kept
    String both = PeerOffers.BARESIP.replace("RTP/AVP 96 0 8 101", "RTP/AVP 96 0 110 101")
        .replace("a=rtpmap:101", "a=rtpmap:110 telephone-event/48000\na=rtpmap:101");
    assertThat(answerTo(both).media().get(0).formats()).containsExactly("96", "0", "110", "101");
    AudioOffers noDtmf = AudioOffers.builder().telephoneEvent(false).build();
    assertThat(answerTo(noDtmf, PeerOffers.BARESIP).media().get(0).formats())
        .containsExactly("96", "0", "8");
    assertThat(noDtmf.offer(US, 40000, 40001, Direction.SENDRECV).formats())
        .containsExactly("111", "0", "8");
  }

  @ParameterizedTest(name = "offer {0}, we want {1}: answer {2}")
  @CsvSource({
      "sendrecv, sendrecv, sendrecv",
      "sendonly, sendrecv, recvonly",
      "recvonly, sendrecv, sendonly",
      "inactive, sendrecv, inactive",
      "sendrecv, sendonly, sendonly",
      "sendrecv, recvonly, recvonly",
      "sendrecv, inactive, inactive",
      "sendonly, sendonly, inactive",
      "recvonly, recvonly, inactive",
  })
  void theAnswersDirectionFollowsRfc3264(String offered, String ours, String answered) {
    String offer = PeerOffers.SIPP_UAC_PCAP + "a=" + offered + "\n";
    SessionDescription answer = AudioOffers.defaults().answer(SessionDescription.parse(offer),
        null, US, 40000, 40001, Direction.fromAttributeName(ours));
    assertThat(answer.direction(answer.media().get(0)))
        .isEqualTo(Direction.fromAttributeName(answered));
  }

  @Test
  void aSessionLevelDirectionIsAnsweredToo() {
    String offer = PeerOffers.SIPP_UAC_PCAP.replace("t=0 0\n", "t=0 0\na=sendonly\n");
    SessionDescription answer = answerTo(offer);
    assertThat(answer.media().get(0).direction()).contains(Direction.RECVONLY);
  }

  @Test
  void aDisabledLineAndASecondAudioLineAreRefused() {
    String two = PeerOffers.SIPP_UAC_PCAP + "m=audio 6002 RTP/AVP 0\nm=audio 0 RTP/AVP 8\n";
    SessionDescription answer = answerTo(two);
    assertThat(answer.media()).extracting(MediaDescription::port).containsExactly(40000, 0, 0);
    String disabledFirst = "v=0\no=- 1 1 IN IP4 203.0.113.5\ns=-\nc=IN IP4 203.0.113.5\n"
        + "t=0 0\nm=audio 0 RTP/AVP 8\nm=audio 6002 RTP/AVP 0\n";
    assertThat(answerTo(disabledFirst).media()).extracting(MediaDescription::port)
        .containsExactly(0, 40000);
  }

  @Test
  void applicationAndImageLinesAreRefusedWithTheirFormats() {
    String offer = PeerOffers.SIPP_UAC_PCAP
        + "m=image 6010 udptl t38\nm=application 6020 UDP/BFCP *\n";
    SessionDescription answer = answerTo(offer);
    assertThat(answer.media().get(1).toString()).isEqualTo(lines("m=image 0 udptl t38"));
    assertThat(answer.media().get(2).toString())
        .isEqualTo(lines("m=application 0 UDP/BFCP *"));
  }

  @Test
  void anAnswerToAReofferIsTheNextVersionOfOurPreviousDescription() {
    SessionDescription offer = SessionDescription.parse(PeerOffers.BARESIP);
    AudioOffers offers = AudioOffers.defaults();
    SessionDescription first = offers.answer(offer, null, US, 40000, 40001, Direction.SENDRECV);
    SessionDescription second = offers.answer(offer, first, US, 40000, 40001, Direction.SENDRECV);
    assertThat(second.origin()).isEqualTo(first.origin().withNextVersion());
    assertThat(second.media()).isEqualTo(first.media());
  }

  @Test
  void anOfferedAudioLineWithoutConnectionIsAnErrorNamingTheLine() {
    String noC = PeerOffers.SIPP_UAC_PCAP.replace("c=IN IP4 203.0.113.5\n", "");
    SessionDescription offer = SessionDescription.parse(noC);
    assertThatThrownBy(() -> AudioOffers.defaults().answer(offer, null, US, 40000, 40001,
        Direction.SENDRECV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offered m-line 0 (audio 6000 RTP/AVP 8 101)")
        .hasMessageContaining("no c=");
  }

  @Test
  void malformedSdpFailsInTheParserWithItsLineAndReason() {
    assertThatThrownBy(() -> SessionDescription.parse("v=0\no=broken\ns=-\nt=0 0\n"))
        .isInstanceOf(SdpParseException.class)
        .satisfies(e -> assertThat(((SdpParseException) e).line()).isEqualTo(2));
  }

  @Test
  void badArgumentsAreRefusedByName() {
    AudioOffers offers = AudioOffers.defaults();
    assertThatThrownBy(() -> offers.offer(US, 0, 0, Direction.SENDRECV))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rtpPort");
    assertThatThrownBy(() -> offers.offer(US, 40000, 70000, Direction.SENDRECV))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rtcpPort");
    assertThatThrownBy(() -> offers.offer(" ", 40000, 0, Direction.SENDRECV))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("localAddress");
    assertThatThrownBy(() -> offers.offer(US, 40000, 0, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("direction");
    assertThatThrownBy(() -> AudioOffers.builder().codecs(List.of(Codecs.TELEPHONE_EVENT_8000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no audio codec");
    assertThatThrownBy(() -> AudioOffers.builder().codecs(Codecs.PCMU, Codecs.PCMU))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> AudioOffers.builder().ptime(5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ptime");
  }

  @Test
  void ourOfferAndAnswerSurviveTheWireUnchanged() {
    AudioOffers offers = AudioOffers.defaults();
    SessionDescription offer = offers.offerSession(null, "2001:db8::10", 40000, 40001,
        Direction.SENDRECV);
    assertThat(offer.toString()).contains("c=IN IP6 2001:db8::10");
    assertThat(SessionDescription.parse(offer.encode())).isEqualTo(offer);
    SessionDescription answer = answerTo(PeerOffers.LINPHONE);
    assertThat(SessionDescription.parse(answer.encode())).isEqualTo(answer);
  }
}
