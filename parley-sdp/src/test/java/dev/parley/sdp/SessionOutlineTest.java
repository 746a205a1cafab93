package dev.parley.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionOutlineTest {
  /** SIPp's offer in parley-bench's latency scenario. */
  static final String SIPP = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\n"
      + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

  /** Offers in the plain form, one per kind of line the outline reads. */
  static final List<String> PLAIN = List.of(SIPP,
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns= \r\nt=0 0\r\na=sendrecv\r\n"
          + "m=audio 49170 RTP/AVP 111 0 8 101\r\nc=IN IP4 192.0.2.1\r\n"
          + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
          + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
          + "a=rtcp-mux\r\na=sendonly\r\n"
          + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n",
      "v=0\r\no=alice 2890844526 2890844526 IN IP6 2001:db8::1\r\ns=chat\r\n"
          + "c=IN IP6 2001:db8::1\r\nt=0 0\r\nm=message 5060 sip sip:alice@example.com\r\n"
          + "a=accept-types:text/plain text/html\r\n"
          + "m=application 5060 SIP sip:alice@example.com\r\n",
      "v=0\r\no=bob 7 8 IN IP4 host.example.com\r\ns=-\r\nt=0 0\r\n"
          + "m=audio 5004 RTP/AVPF 8 9 18\r\na=rtpmap:8 pcma/8000/1\r\na=x-y:\r\n"
          + "m=audio 5006 RTP/SAVP 0\r\nc=IN IP4 192.0.2.9\r\n"
          + "m=image 0 udptl t38\r\n");

  @Test
  void sippOfferIsReadWithItsOneAudioLine() {
    SessionOutline o = SessionOutline.read(SIPP.getBytes(StandardCharsets.US_ASCII));
    assertThat(o).isNotNull();
    assertThat(o.size()).isEqualTo(1);
    assertThat(o.media(0)).isEqualTo("audio");
    assertThat(o.port(0)).isEqualTo(6000);
    assertThat(o.proto(0)).isEqualTo("RTP/AVP");
    assertThat(o.formatsWithRtpmap(0)).containsExactly(Rtpmap.of(0, "PCMU", 8000, null));
  }

  @Test
  void everyPlainSampleIsReadAsTheParserReadsIt() {
    for (String s : PLAIN) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      assertThat(SessionOutline.read(b)).as(s).isNotNull();
      assertSameAsModel(b);
    }
  }

  @Test
  void descriptionsOutsideThePlainFormAreLeftToTheParser() {
    for (String s : List.of("", "v=0\r\n", SIPP.replace("\r\n", "\n"),
        SIPP.substring(0, SIPP.length() - 2), SIPP.replace("t=0 0", "t=0  0"),
        SIPP.replace("c=IN IP4 127.0.0.1", "c=IN IP4 224.2.1.1/127"),
        SIPP.replace("t=0 0\r\n", "b=AS:64\r\nt=0 0\r\n"),
        SIPP.replace("s=-\r\n", ""), SIPP.replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:0 PCMU"),
        SIPP.replace("a=rtpmap:0 PCMU/8000", "a=RTPMAP:0 PCMU/8000"),
        SIPP.replace("m=audio 6000", "m=audio 6000/2"), SIPP.replace("s=-", "s=\u00e9"),
        SIPP.replace("m=audio 6000 RTP/AVP 0\r\n", "m=audio 6000 RTP/AVP 0\r\ni=x\r\n"))) {
      assertThat(SessionOutline.read(s.getBytes(StandardCharsets.UTF_8))).as(s).isNull();
    }
  }

  /**
   * Over the conformance corpus, the samples and thousands of variations of them (lines removed,
   * repeated, swapped, characters replaced or inserted, truncations, bare LFs), malformed ones
   * included: whatever the outline reads, the parser accepts, with the same media lines.
   */
  @Test
  void whatTheOutlineReadsTheParserAcceptsWithTheSameMediaLines() {
    List<byte[]> bodies = bodies();
    int read = 0;
    for (byte[] b : bodies) {
      if (assertSameAsModel(b)) {
        read++;
      }
    }
    assertThat(bodies.size()).isGreaterThan(10_000);
    assertThat(read).as("variations read as outlines").isGreaterThan(1_000);
  }

  /** Whether the outline read {@code b}; if so, checks it against the parsed model. */
  static boolean assertSameAsModel(byte[] b) {
    SessionOutline o = SessionOutline.read(b);
    if (o == null) {
      return false;
    }
    String text = new String(b, StandardCharsets.UTF_8);
    SessionDescription sdp;
    try {
      sdp = SessionDescription.parse(b);
    } catch (SdpParseException e) {
      throw new AssertionError("outline read what the parser rejects (" + e.getMessage() + "):\n"
          + text, e);
    }
    assertThat(o.size()).as(text).isEqualTo(sdp.media().size());
    for (int i = 0; i < o.size(); i++) {
      MediaDescription m = sdp.media().get(i);
      assertThat(o.media(i)).as(text).isEqualTo(m.media());
      assertThat(o.port(i)).as(text).isEqualTo(m.port());
      assertThat(o.isDisabled(i)).as(text).isEqualTo(m.isDisabled());
      assertThat(o.proto(i)).as(text).isEqualTo(m.proto());
      assertThat(o.formatsWithRtpmap(i)).as(text).isEqualTo(m.formatsWithRtpmap());
    }
    return true;
  }

  /** The corpus's descriptions, the samples, and variations of the samples. */
  static List<byte[]> bodies() {
    List<String> bases = new ArrayList<>(PLAIN);
    bases.add(Corpus.RICH);
    List<byte[]> out = new ArrayList<>();
    for (Path p : Corpus.sdpFiles()) {
      out.add(Corpus.read(p));
    }
    for (Path p : Corpus.sipMessagesWithSdp()) {
      byte[] msg = Corpus.read(p);
      String s = new String(msg, StandardCharsets.ISO_8859_1);
      int at = s.indexOf("\r\n\r\n");
      if (at >= 0) {
        out.add(s.substring(at + 4).getBytes(StandardCharsets.ISO_8859_1));
        bases.add(s.substring(at + 4));
      }
    }
    Set<String> variants = new LinkedHashSet<>();
    for (String base : bases) {
      variants.addAll(variations(base));
    }
    for (String v : variants) {
      out.add(v.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  static List<String> variations(String base) {
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
      if (i + 1 < lines.size()) {
        l = new ArrayList<>(lines);
        l.set(i, lines.get(i + 1));
        l.set(i + 1, lines.get(i));
        out.add(String.join("\r\n", l));
      }
      out.add(String.join("\r\n", lines.subList(0, i)) + (i > 0 ? "\r\n" : ""));
    }
    if (base.length() < 1_200) {
      String[] swaps = {" ", "/", "0", "9", "x", "\t", ":", "=", "\r", "\n", "\u00e9", "", "  "};
      for (int k = 0; k < base.length(); k++) {
        for (String s : swaps) {
          out.add(base.substring(0, k) + s + base.substring(k + 1));
        }
        out.add(base.substring(0, k) + " " + base.substring(k));
        out.add(base.substring(0, k) + "0" + base.substring(k));
      }
    }
    return out;
  }
}
