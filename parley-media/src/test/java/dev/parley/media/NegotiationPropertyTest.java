package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sdp.Direction;
import dev.parley.sdp.SdpParseException;
import dev.parley.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random configurations on both sides of an exchange give parameters that agree; mutated peer
 * offers give answers and parameters, or an {@link IllegalArgumentException}, nothing else.
 */
class NegotiationPropertyTest {
  private static final List<Codecs.Entry> AUDIO = List.of(Codecs.OPUS, Codecs.PCMU, Codecs.PCMA);
  private static final Direction[] DIRECTIONS = Direction.values();

  private static AudioOffers randomOffers(Random r) {
    List<Codecs.Entry> codecs = new ArrayList<>(AUDIO);
    Collections.shuffle(codecs, r);
    return AudioOffers.builder().codecs(codecs.subList(0, 1 + r.nextInt(codecs.size())))
        .telephoneEvent(r.nextBoolean()).rtcpMux(r.nextBoolean()).build();
  }

  @Property(tries = 2000)
  void bothSidesOfAnyExchangeAgree(@ForAll long seed) {
    Random r = new Random(seed);
    AudioOffers alice = randomOffers(r);
    AudioOffers bob = randomOffers(r);
    Direction aliceWants = DIRECTIONS[r.nextInt(DIRECTIONS.length)];
    Direction bobWants = DIRECTIONS[r.nextInt(DIRECTIONS.length)];
    SessionDescription offer = alice.offerSession(null, "192.0.2.1", 30000, 30001, aliceWants);
    SessionDescription answer = bob.answer(offer, null, "192.0.2.2", 40000, 40001, bobWants);
    StreamParameters a = StreamParameters.of(offer, answer, true, 0);
    StreamParameters b = StreamParameters.of(answer, offer, false, 0);

    boolean common = alice.codecs().stream().anyMatch(bob.codecs()::contains);
    assertThat(bob.accepts(offer, 0)).isEqualTo(common);
    assertThat(a.rejected()).isEqualTo(!common);
    assertThat(b.rejected()).isEqualTo(!common);
    if (!common) {
      assertThat(answer.media().get(0).port()).isZero();
      return;
    }
    assertThat(a.sendCodec()).isSameAs(b.sendCodec());
    assertThat(b.receivePayloadTypes()).containsEntry(a.sendPayloadType(), a.sendCodec());
    assertThat(a.receivePayloadTypes()).containsEntry(b.sendPayloadType(), b.sendCodec());
    assertThat(a.isSending()).isEqualTo(b.isReceiving());
    assertThat(a.isReceiving()).isEqualTo(b.isSending());
    assertThat(a.isSending()).isEqualTo(aliceWants.isSending() && bobWants.isReceiving());
    assertThat(a.isReceiving()).isEqualTo(aliceWants.isReceiving() && bobWants.isSending());
    assertThat(a.rtcpMux()).isEqualTo(b.rtcpMux())
        .isEqualTo(alice.rtcpMux() && bob.rtcpMux());
    if (a.sendTelephoneEventPayloadType() >= 0) {
      assertThat(b.receiveTelephoneEventPayloadTypes())
          .contains(a.sendTelephoneEventPayloadType());
    }
    assertThat(a.sendTelephoneEventPayloadType() >= 0).isEqualTo(b.sendTelephoneEventPayloadType()
        >= 0);
    assertThat(a.remoteRtp().getPort()).isEqualTo(40000);
    assertThat(b.remoteRtp().getPort()).isEqualTo(30000);
    assertThat(a.remoteRtcp().getPort()).isEqualTo(a.rtcpMux() ? 40000 : 40001);
    assertThat(b.remoteRtcp().getPort()).isEqualTo(b.rtcpMux() ? 30000 : 30001);
  }

  @Property(tries = 2000)
  void mutatedPeerOffersGiveAnAnswerOrAClearError(@ForAll long seed) {
    Random r = new Random(seed);
    String[] peers = {PeerOffers.BARESIP, PeerOffers.LINPHONE, PeerOffers.SIPP_UAC_PCAP,
        PeerOffers.SIPP_UAC, PeerOffers.WEBRTC};
    List<String> lines = new ArrayList<>(List.of(peers[r.nextInt(peers.length)].split("\n")));
    for (int n = 1 + r.nextInt(4); n > 0 && lines.size() > 1; n--) {
      int i = 1 + r.nextInt(lines.size() - 1);
      switch (r.nextInt(3)) {
        case 0 -> lines.remove(i);
        case 1 -> lines.add(1 + r.nextInt(lines.size() - 1), lines.get(i));
        default -> {
          String line = lines.get(i);
          int at = r.nextInt(line.length() + 1);
          lines.set(i, line.substring(0, at) + " 0.0.0.0:65535 96/0".charAt(r.nextInt(19))
              + line.substring(at));
        }
      }
    }
    SessionDescription offer;
    try {
      offer = SessionDescription.parse(String.join("\n", lines) + "\n");
    } catch (SdpParseException e) {
      return; // the parser's business, fuzzed in parley-sdp
    }
    try {
      SessionDescription answer = AudioOffers.defaults().answer(offer, null, "192.0.2.2", 40000,
          40001, Direction.SENDRECV);
      assertThat(answer.media()).hasSameSizeAs(offer.media());
      assertThat(SessionDescription.parse(answer.encode())).isEqualTo(answer);
      for (int i = 0; i < offer.media().size(); i++) {
        StreamParameters.of(answer, offer, false, i);
      }
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).contains("m-line");
    }
  }
}
