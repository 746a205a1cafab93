package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sdp.Direction;
import dev.parley.sdp.SessionDescription;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Settings from a completed exchange: what a focus's mixer or a session's stream is given. */
class AudioStreamSettingsTest {
  @Test
  void settingsFromAnExchangeCarryItsCodecsEventsDirectionAndAddresses() {
    AudioOffers phone = AudioOffers.builder().codecs(Codecs.PCMA, Codecs.PCMU).build();
    SessionDescription offer = phone.offerSession(null, "192.0.2.1", 30000, 30001,
        Direction.SENDONLY); // the phone holds us
    SessionDescription answer = AudioOffers.defaults().answer(offer, null, "192.0.2.2", 40000,
        40001, Direction.SENDRECV);
    StreamParameters p = StreamParameters.of(answer, offer, false, 0);

    AudioStreamSettings s = AudioStreamSettings.of(p);

    assertThat(s.sendCodec()).isSameAs(Codecs.PCMA);
    assertThat(s.sendPayloadType()).isEqualTo(8);
    assertThat(s.receiveCodecs()).containsOnlyKeys(8, 0);
    assertThat(s.telephoneEventPayloadType()).isEqualTo(101);
    assertThat(s.direction()).isEqualTo(StreamDirection.RECVONLY);
    assertThat(p.heldByPeer()).isTrue(); // a mixer's hold(true)
    assertThat(s.remoteRtp()).isEqualTo(new InetSocketAddress("192.0.2.1", 30000));
    assertThat(s.remoteRtcp()).isNull(); // rtcp-mux: the RTP address
  }

  @Test
  void aRejectedLineHasNoSettingsAndAHostNameIsLeftToTheCaller() {
    String offerText = "v=0\r\no=- 1 1 IN IP4 phone.example\r\ns=-\r\nc=IN IP4 phone.example\r\n"
        + "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\n";
    SessionDescription offer = SessionDescription.parse(offerText);
    SessionDescription answer = AudioOffers.defaults().answer(offer, null, "192.0.2.2", 40000,
        40001, Direction.SENDRECV);
    AudioStreamSettings s = AudioStreamSettings.of(StreamParameters.of(answer, offer, false, 0));
    assertThat(s.remoteRtp()).isNull();
    assertThat(s.sendCodec()).isSameAs(Codecs.PCMU);

    SessionDescription g729 = SessionDescription.parse(offerText.replace("RTP/AVP 0",
        "RTP/AVP 18"));
    SessionDescription refused = AudioOffers.defaults().answer(g729, null, "192.0.2.2", 40000,
        40001, Direction.SENDRECV);
    StreamParameters rejected = StreamParameters.of(refused, g729, false, 0);
    assertThatThrownBy(() -> AudioStreamSettings.of(rejected))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parameters of a rejected line: no stream (m-line 0)");
  }
}
