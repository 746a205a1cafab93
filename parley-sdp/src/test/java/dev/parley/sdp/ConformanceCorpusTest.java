package dev.parley.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Round trips over the third-party corpus in {@code ../shared/conformance} (README §4). */
class ConformanceCorpusTest {
  /**
   * SIP messages with an application/sdp body that cannot parse, with why. (RFC 4475 dblreq,
   * whose bytes after the REGISTER are a second INVITE, is not selected: the REGISTER has no SDP
   * Content-Type; {@link #unparseableBodiesFailWithPosition} checks it directly.)
   */
  private static final Map<String, String> UNPARSEABLE_BODIES = Map.of(
      // RFC 4475 §3.1.2.18 (invalid for its CSeq): the SDP lacks s= and t=
      "rfc4475/mismatch02.dat", "missing s= line");

  /** The corpus files that break RFC 8866, with the violations the lenient parser repairs. */
  private static final Map<String, Set<SdpViolation>> QUIRKS = Map.of(
      "sdp/rfc3264/9-fig1-capabilities.sdp", Set.of(SdpViolation.FIELD_OUT_OF_ORDER));

  static Stream<Path> sdpFiles() {
    return Corpus.sdpFiles().stream();
  }

  static Stream<Path> sipMessages() {
    return Corpus.sipMessagesWithSdp().stream();
  }

  @Test
  void corpusHasTheFilesTheReadmeLists() {
    assertThat(Corpus.sdpFiles()).hasSize(10);
    // 19 in rfc4475, 3 in rfc5118, 52 in rfc3665
    assertThat(Corpus.sipMessagesWithSdp()).hasSize(74);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sdpFiles")
  void corpusFileRoundTripsToItselfOrItsRepairedForm(Path file) {
    String text = new String(Corpus.read(file), StandardCharsets.UTF_8);
    String name = Corpus.name(file);

    SessionDescription d = SessionDescription.parse(text);

    assertThat(SessionDescription.parse(d.toString())).isEqualTo(d);
    assertThat(SessionDescription.parse(d.encode())).isEqualTo(d);
    if (text.contains("\r\ns=\r\n")) {
      // RFC 3264 §10 writes an empty s=; repaired as s=- (RFC 8866 §5.3)
      assertThat(d.violations()).containsExactly(SdpViolation.EMPTY_SESSION_NAME);
      assertThat(d.sessionName()).isEqualTo("-");
      assertThat(d.toString()).isEqualTo(text.replace("\r\ns=\r\n", "\r\ns=-\r\n"));
      assertThatThrownBy(() -> SdpParser.STRICT.parse(text))
          .isInstanceOfSatisfying(SdpParseException.class, e -> {
            assertThat(e.violation()).isEqualTo(SdpViolation.EMPTY_SESSION_NAME);
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.column()).isEqualTo(3);
          });
    } else if (QUIRKS.containsKey(name)) {
      assertThat(d.violations()).isEqualTo(QUIRKS.get(name));
      assertThatThrownBy(() -> SdpParser.STRICT.parse(text)).isInstanceOf(SdpParseException.class);
    } else {
      assertThat(d.violations()).isEmpty();
      assertThat(SdpParser.STRICT.parse(text)).isEqualTo(d);
      assertThat(d.toString()).isEqualTo(text);
      assertThat(d.encode()).isEqualTo(Corpus.read(file));
    }
  }

  @Test
  void figureOneConnectionAfterTimingIsMovedBeforeIt() {
    String text = read("sdp/rfc3264/9-fig1-capabilities.sdp");
    SessionDescription d = SessionDescription.parse(text);

    assertThat(d.connection()).isEqualTo(Connection.of("192.0.2.4"));
    assertThat(d.origin().sessionId()).isEqualTo("28908764872");
    assertThat(d.toString()).isEqualTo(text.replace("t=0 0\r\nc=IN IP4 192.0.2.4\r\n",
        "c=IN IP4 192.0.2.4\r\nt=0 0\r\n"));
    assertThatThrownBy(() -> SdpParser.STRICT.parse(text))
        .isInstanceOfSatisfying(SdpParseException.class, e -> {
          assertThat(e.violation()).isEqualTo(SdpViolation.FIELD_OUT_OF_ORDER);
          assertThat(e.line()).isEqualTo(5);
          assertThat(e.column()).isEqualTo(1);
        });
  }

  @Test
  void rfc4566ExampleHasTypedFields() {
    SessionDescription d = SessionDescription.parse(read("sdp/rfc4566/5-example.sdp"));

    assertThat(d.origin().username()).isEqualTo("jdoe");
    assertThat(d.sessionName()).isEqualTo("SDP Seminar");
    assertThat(d.information()).isEqualTo("A Seminar on the session description protocol");
    assertThat(d.uri()).isEqualTo("http://www.example.com/seminars/sdp.pdf");
    assertThat(d.emails()).containsExactly("j.doe@example.com (Jane Doe)");
    assertThat(d.connection().address()).isEqualTo("224.2.17.12");
    assertThat(d.connection().ttl()).hasValue(127);
    assertThat(d.connection().numberOfAddresses()).isEmpty();
    assertThat(d.timings()).containsExactly(Timing.of(2873397496L, 2873404696L));
    assertThat(d.direction()).hasValue(Direction.RECVONLY);
    assertThat(d.media()).hasSize(2);
    MediaDescription video = d.media().get(1);
    assertThat(d.direction(video)).isEqualTo(Direction.RECVONLY);
    assertThat(video.rtpmap(99)).hasValue(Rtpmap.of(99, "h263-1998", 90000));
  }

  @Test
  void rfc3264OneOfNOffersInactiveCodecs() {
    SessionDescription d = SessionDescription.parse(read("sdp/rfc3264/10.2-a-offer-alice-inactive.sdp"));
    MediaDescription audio = d.media().get(0);

    assertThat(audio.payloadTypes()).containsExactly(0, 4, 18);
    assertThat(audio.formatsWithRtpmap()).extracting(Rtpmap::encodingName)
        .containsExactly("PCMU", "G723", "G729");
    assertThat(d.direction(audio)).isEqualTo(Direction.INACTIVE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sipMessages")
  void sdpBodyOfSipMessageParsesAndRoundTrips(Path file) {
    String name = Corpus.name(file);
    byte[] body = Corpus.body(Corpus.read(file));
    String text = new String(body, StandardCharsets.UTF_8);

    if (UNPARSEABLE_BODIES.containsKey(name)) {
      assertThatThrownBy(() -> SessionDescription.parse(body))
          .isInstanceOf(SdpParseException.class)
          .hasMessageContaining(UNPARSEABLE_BODIES.get(name));
      return;
    }
    SessionDescription d = SessionDescription.parse(body);

    assertThat(SessionDescription.parse(d.encode())).isEqualTo(d);
    String repaired = text.replace("\r\ns=\r\n", "\r\ns=-\r\n");
    while (repaired.endsWith("\r\n\r\n")) {
      repaired = repaired.substring(0, repaired.length() - 2);
    }
    assertThat(d.toString()).isEqualTo(repaired);
    if (name.startsWith("rfc3665/")) {
      assertThat(d.violations()).isEmpty();
      assertThat(SdpParser.STRICT.parse(body)).isEqualTo(d);
    }
  }

  @Test
  void unparseableBodiesFailWithPosition() {
    SdpParseException dblreq = parseError("rfc4475/dblreq.dat");
    assertThat(dblreq.line()).isEqualTo(2);
    assertThat(dblreq.reason()).contains("expected <type>=<value>");

    SdpParseException mismatch = parseError("rfc4475/mismatch02.dat");
    assertThat(mismatch.line()).isEqualTo(3);
    assertThat(mismatch.column()).isEqualTo(1);
    assertThat(mismatch.reason()).isEqualTo("missing s= line (session name, RFC 8866 §5.3)");
  }

  @Test
  void rfc4475Sdp01KeepsRtpmapWithoutClockRate() {
    SessionDescription d = sipBody("rfc4475/sdp01.dat");
    MediaDescription video = d.media().get(1);

    assertThat(d.violations()).containsExactly(SdpViolation.RTPMAP_WITHOUT_CLOCK_RATE);
    assertThat(video.attributes()).containsExactly(Attribute.of("rtpmap", "31 LPC"));
    Rtpmap lpc = video.rtpmap(31).orElseThrow();
    assertThat(lpc.encodingName()).isEqualTo("LPC");
    assertThat(lpc.hasClockRate()).isFalse();
    assertThat(lpc.clockRate()).isZero();
    assertThat(d.media().get(0).payloadTypes()).containsExactly(0, 12);
    assertThatThrownBy(() -> SdpParser.STRICT.parse(Corpus.body(read(Corpus.dir()
        .resolve("rfc4475/sdp01.dat")))))
        .isInstanceOfSatisfying(SdpParseException.class, e -> {
          assertThat(e.violation()).isEqualTo(SdpViolation.RTPMAP_WITHOUT_CLOCK_RATE);
          assertThat(e.line()).isEqualTo(8);
          assertThat(e.column()).isEqualTo(16);
        });
  }

  @Test
  void multi01TrailingEmptyLineIsSkipped() {
    SessionDescription d = sipBody("rfc4475/multi01.dat");
    assertThat(d.violations()).containsExactly(SdpViolation.EMPTY_LINE,
        SdpViolation.RTPMAP_WITHOUT_CLOCK_RATE);
  }

  @Test
  void rfc5118Ipv6InSdpHasIp6OriginAndConnection() {
    SessionDescription d = sipBody("rfc5118/ipv6-in-sdp.dat");

    assertThat(d.violations()).isEmpty();
    assertThat(d.origin().addrType()).isEqualTo("IP6");
    assertThat(d.origin().address()).isEqualTo("2001:db8::20");
    assertThat(d.origin().sessionId()).isEqualTo("971731711378798081");
    assertThat(d.sessionName()).isEqualTo("Live video feed for today's meeting");
    assertThat(d.connection().isIp6()).isTrue();
    assertThat(d.connection().address()).isEqualTo("2001:db8::20");
    assertThat(d.timings()).containsExactly(Timing.of(3338481189L, 3370017201L));
    assertThat(d.media().get(0).rtpmap(2)).hasValue(Rtpmap.of(2, "G726-32", 8000));
    assertThat(d.media().get(1).rtpmap(107)).hasValue(Rtpmap.of(107, "H263-1998", 90000));
  }

  @Test
  void rfc5118Ipv4MappedAddressIsKept() {
    SessionDescription d = sipBody("rfc5118/ipv4-mapped-ipv6.dat");
    assertThat(d.connection()).isEqualTo(
        Connection.builder().addrType("IP6").address("::ffff:192.0.2.2").build());
  }

  @Test
  void rfc5118MultipleIpsGiveEachMediaItsOwnConnection() {
    SessionDescription d = sipBody("rfc5118/mult-ip-in-sdp.dat");

    assertThat(d.violations()).containsExactly(SdpViolation.EMPTY_SESSION_NAME);
    assertThat(d.connection()).isNull();
    List<MediaDescription> media = d.media();
    assertThat(media.get(0).connections()).containsExactly(Connection.of("192.0.2.1"));
    assertThat(media.get(1).connections()).containsExactly(Connection.of("2001:db8::1"));
    assertThat(media.get(1).connections().get(0).addrType()).isEqualTo("IP6");
    assertThat(d.connections(media.get(1))).containsExactly(Connection.of("2001:db8::1"));
    assertThat(d.direction(media.get(0))).isEqualTo(Direction.SENDRECV);
  }

  private static SdpParseException parseError(String name) {
    byte[] body = Corpus.body(read(Corpus.dir().resolve(name)));
    try {
      SessionDescription.parse(body);
    } catch (SdpParseException e) {
      return e;
    }
    throw new AssertionError(name + " parsed");
  }

  private static SessionDescription sipBody(String name) {
    return SessionDescription.parse(Corpus.body(read(Corpus.dir().resolve(name))));
  }

  private static byte[] read(Path p) {
    return Corpus.read(p);
  }

  private static String read(String name) {
    return new String(Corpus.read(Corpus.dir().resolve(name)), StandardCharsets.UTF_8);
  }
}
