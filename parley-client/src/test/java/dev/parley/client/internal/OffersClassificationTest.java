package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.SessionType;
import dev.parley.media.AudioOffers;
import dev.parley.media.Codecs;
import dev.parley.sdp.SessionDescription;
import dev.parley.sdp.SessionOutline;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link Offers#classify} reads plain offers as {@link SessionOutline}s and builds no model: its
 * verdicts must be those of the model-based classification ({@link Offers#classifyParsed}, the
 * code every offer went through before) on every offer, malformed ones included.
 */
class OffersClassificationTest {
  private static final String SIPP = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"
      + "s=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
  private static final List<String> SAMPLES = List.of(SIPP,
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns= \r\nt=0 0\r\na=sendrecv\r\n"
          + "m=audio 49170 RTP/AVP 111 0 8 101\r\nc=IN IP4 192.0.2.1\r\n"
          + "a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\n"
          + "a=fmtp:101 0-16\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n",
      "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.2\r\ns=chat\r\nc=IN IP4 192.0.2.2\r\n"
          + "t=0 0\r\nm=message 5060 sip sip:alice@example.com\r\n"
          + "a=accept-types:text/plain\r\nm=application 5062 SIP sip:alice@example.com\r\n",
      "v=0\r\no=bob 7 8 IN IP4 host.example.com\r\ns=-\r\nt=0 0\r\n"
          + "m=audio 5004 RTP/AVPF 18 9 97\r\na=rtpmap:97 opus/48000\r\n"
          + "m=audio 5006 RTP/AVP 8\r\nc=IN IP4 192.0.2.9\r\nm=image 0 udptl t38\r\n",
      "v=0\r\no=- 2 2 IN IP4 192.0.2.3\r\ns=-\r\nc=IN IP4 192.0.2.3\r\nt=0 0\r\n"
          + "m=application 9 TCP/MSRP *\r\nm=message 0 sip sip:x@example.com\r\n"
          + "m=audio 0 RTP/AVP 0\r\nm=AUDIO 7000 RTP/AVP 0\r\nm=audio 7002 rtp/avp 0\r\n");
  private static final List<AudioOffers> AUDIO = List.of(AudioOffers.defaults(),
      AudioOffers.builder().codecs(Codecs.PCMA).build(),
      AudioOffers.builder().codecs(Codecs.OPUS).build());

  @Test
  void sippOfferIsClassifiedAudioWithoutBuildingTheModel() {
    Offers.Classification c = Offers.classify(invite(SIPP.getBytes(StandardCharsets.US_ASCII),
        false), Set.of(), AudioOffers.defaults());
    assertThat(c.type()).isEqualTo(SessionType.AUDIO_VIDEO);
    assertThat(c.sdp()).isNull(); // not parsed: no model yet
    assertThat(c.hasOffer()).isTrue();
    assertThat(c.offer()).isEqualTo(SessionDescription.parse(SIPP));
  }

  @Test
  void classificationOfEveryOfferIsTheModelBasedOne() {
    List<byte[]> bodies = bodies();
    int outlined = 0;
    for (byte[] body : bodies) {
      if (body.length == 0) {
        continue; // an offerless INVITE: decided before the offer is read, as before
      }
      boolean plain = SessionOutline.read(body) != null;
      if (plain) {
        outlined++;
      }
      for (boolean focus : new boolean[] {false, true}) {
        SipRequest invite = invite(body, focus);
        for (AudioOffers audio : AUDIO) {
          Offers.Classification now = Offers.classify(invite, Set.of(), audio);
          Offers.Classification before = Offers.classifyParsed(invite.body(), focus, audio);
          String what = new String(body, StandardCharsets.UTF_8) + " focus=" + focus;
          assertThat(now.type()).as(what).isEqualTo(before.type());
          assertThat(now.rejectStatus()).as(what).isEqualTo(before.rejectStatus());
          assertThat(now.hasOffer()).as(what).isEqualTo(before.hasOffer());
          assertThat(now.offer()).as(what).isEqualTo(before.sdp());
          assertThat(now.sdp() == null).as(what).isEqualTo(plain || before.sdp() == null);
        }
      }
    }
    assertThat(bodies.size()).isGreaterThan(5_000);
    assertThat(outlined).as("offers classified from their outline").isGreaterThan(500);
  }

  private static SipRequest invite(byte[] body, boolean focus) {
    String head = "INVITE sip:bob@192.0.2.10 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r\n"
        + "From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\n"
        + "Call-ID: c1@192.0.2.1\r\nCSeq: 1 INVITE\r\n"
        + "Contact: <sip:alice@192.0.2.1:5060>" + (focus ? ";isfocus" : "") + "\r\n"
        + "Max-Forwards: 70\r\nContent-Type: application/sdp\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    wire.writeBytes(body);
    return (SipRequest) SipParser.create().parse(wire.toByteArray());
  }

  /** The conformance corpus's SDP bodies, the samples, and variations of the samples. */
  private static List<byte[]> bodies() {
    List<String> bases = new ArrayList<>(SAMPLES);
    List<byte[]> out = new ArrayList<>();
    Path dir = conformance();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        String name = p.getFileName().toString();
        byte[] b = Files.readAllBytes(p);
        if (name.endsWith(".sdp")) {
          out.add(b);
        } else if (name.endsWith(".dat") || name.endsWith(".txt") || name.endsWith(".sip")) {
          String s = new String(b, StandardCharsets.ISO_8859_1);
          int at = s.indexOf("\r\n\r\n");
          if (at >= 0 && s.substring(0, at).toLowerCase().contains("application/sdp")) {
            out.add(s.substring(at + 4).getBytes(StandardCharsets.ISO_8859_1));
            bases.add(s.substring(at + 4));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> variants = new LinkedHashSet<>();
    for (String base : bases) {
      variants.addAll(variations(base));
    }
    for (String v : variants) {
      if (!v.isEmpty()) {
        out.add(v.getBytes(StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static Path conformance() {
    for (String c : List.of("../shared/conformance", "../../shared/conformance",
        "/work/shared/conformance")) {
      Path p = Path.of(c);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new IllegalStateException("conformance corpus not found");
  }

  private static List<String> variations(String base) {
    List<String> out = new ArrayList<>();
    out.add(base);
    out.add(base.replace("\r\n", "\n"));
    List<String> lines = List.of(base.split("\r\n", -1));
    for (int i = 0; i < lines.size(); i++) {
      List<String> l = new ArrayList<>(lines);
      l.remove(i);
      out.add(String.join("\r\n", l));
      l = new ArrayList<>(lines);
      l.add(i, lines.get(i));
      out.add(String.join("\r\n", l));
      out.add(String.join("\r\n", lines.subList(0, i)) + (i > 0 ? "\r\n" : ""));
    }
    if (base.length() < 600) {
      String[] swaps = {" ", "/", "0", "x", "\r", "", "  "};
      for (int k = 0; k < base.length(); k++) {
        for (String s : swaps) {
          out.add(base.substring(0, k) + s + base.substring(k + 1));
        }
      }
    }
    return out;
  }
}
