package dev.parley.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Building, changing and writing descriptions without parsing. */
class SessionDescriptionBuilderTest {
  private static Origin origin() {
    return Origin.builder().username("alice").sessionId(2890844526L).sessionVersion(2890844526L)
        .address("192.0.2.1").build();
  }

  private static SessionDescription offer() {
    return SessionDescription.builder()
        .origin(origin())
        .connection(Connection.of("192.0.2.1"))
        .addMedia(MediaDescription.builder(MediaDescription.AUDIO, 49170, MediaDescription.RTP_AVP)
            .addFormat(0).addFormat(101)
            .addRtpmap(Rtpmap.of(0, "PCMU", 8000))
            .addRtpmap(Rtpmap.of(101, "telephone-event", 8000))
            .addFmtp(Fmtp.of(101, "0-15"))
            .addAttribute(Rtcp.of(49171).toAttribute())
            .direction(Direction.SENDRECV)
            .build())
        .addMedia(MediaDescription.builder(MediaDescription.MESSAGE, 5060, MediaDescription.SIP)
            .addFormat("sip:alice@atlanta.example.com")
            .addAttribute(Attribute.of("accept-types", "text/plain"))
            .build())
        .build();
  }

  @Test
  void writesBuiltOfferInRfcOrder() {
    assertThat(offer().toString()).isEqualTo(String.join("\r\n",
        "v=0",
        "o=alice 2890844526 2890844526 IN IP4 192.0.2.1",
        "s=-",
        "c=IN IP4 192.0.2.1",
        "t=0 0",
        "m=audio 49170 RTP/AVP 0 101",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-15",
        "a=rtcp:49171",
        "a=sendrecv",
        "m=message 5060 sip sip:alice@atlanta.example.com",
        "a=accept-types:text/plain",
        ""));
  }

  @Test
  void builtOfferParsesBackStrictlyToAnEqualValue() {
    SessionDescription offer = offer();
    SessionDescription parsed = SdpParser.STRICT.parse(offer.toString());

    assertThat(parsed).isEqualTo(offer).hasSameHashCodeAs(offer);
    assertThat(parsed.violations()).isEmpty();
  }

  @Test
  void toBuilderMakesAnAnswerWithNewVersionAndDirection() {
    SessionDescription offer = offer();
    MediaDescription audio = offer.media().get(0);

    SessionDescription answer = offer.toBuilder()
        .origin(offer.origin().withNextVersion())
        .setMedia(0, audio.toBuilder().direction(Direction.SENDONLY.reverse()).build())
        .build();

    assertThat(answer.origin().sessionVersion()).isEqualTo("2890844527");
    assertThat(answer.direction(answer.media().get(0))).isEqualTo(Direction.RECVONLY);
    assertThat(answer.media().get(0).attributes()).hasSize(5);
    assertThat(answer.media().get(0).attributes().get(4)).isEqualTo(Attribute.property("recvonly"));
    assertThat(offer.toBuilder().build()).isEqualTo(offer);
  }

  @Test
  void directionNullRemovesDirectionAttributes() {
    MediaDescription m = offer().media().get(0).toBuilder().direction(null).build();
    assertThat(m.direction()).isEmpty();
  }

  @Test
  void equalityIgnoresRepairedViolations() {
    SessionDescription repaired = SessionDescription.parse(offer().toString().replace("s=-", "s="));
    assertThat(repaired.violations()).containsExactly(SdpViolation.EMPTY_SESSION_NAME);
    assertThat(repaired).isEqualTo(offer());
    assertThat(repaired.toBuilder().build().violations()).isEmpty();
  }

  @Test
  void connectionsForMediaFallBackToSession() {
    SessionDescription d = offer();
    assertThat(d.connections(d.media().get(0))).containsExactly(Connection.of("192.0.2.1"));
  }

  @Test
  void buildRequiresOrigin() {
    assertThatThrownBy(() -> SessionDescription.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("origin is missing: o= is required");
  }

  @Test
  void buildRefusesEmptySessionName() {
    assertThatThrownBy(() -> SessionDescription.builder().origin(origin()).sessionName("").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sessionName must be non-empty text without NUL, CR or LF: \"\"");
  }

  @Test
  void buildRefusesLineBreakInText() {
    assertThatThrownBy(() -> SessionDescription.builder().origin(origin())
        .information("two\r\nlines").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("information must be non-empty text without NUL, CR or LF: \"two\\x0D\\x0Alines\"");
  }

  @Test
  void originRefusesNonDigitSessionId() {
    assertThatThrownBy(() -> Origin.builder().sessionId("12a").sessionVersion("1")
        .address("h").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("origin sessionId is not a digit string: \"12a\"");
  }

  @Test
  void mediaRefusesPortOutOfRange() {
    assertThatThrownBy(() -> MediaDescription.builder("audio", 70000, "RTP/AVP").addFormat(0)
        .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("media port out of range: 70000");
  }

  @Test
  void mediaRefusesEmptyFormats() {
    assertThatThrownBy(() -> MediaDescription.builder("audio", 9, "RTP/AVP").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("media formats is empty");
  }

  @Test
  void mediaRefusesMalformedProto() {
    assertThatThrownBy(() -> MediaDescription.builder("audio", 9, "RTP/").addFormat(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("media proto is not token");
  }

  @Test
  void connectionRefusesTtlOnIp6() {
    assertThatThrownBy(() -> Connection.builder().addrType("IP6").address("FF15::1").ttl(3)
        .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connection ttl is only defined for IP4: IP6");
  }

  @Test
  void connectionOfTellsAddressTypeByColon() {
    assertThat(Connection.of("2001:db8::1").toString()).isEqualTo("IN IP6 2001:db8::1");
    assertThat(Connection.of("192.0.2.1").toString()).isEqualTo("IN IP4 192.0.2.1");
  }

  @Test
  void attributeRefusesNameThatIsNotAToken() {
    assertThatThrownBy(() -> Attribute.property("has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attribute name is not a token: \"has space\"");
  }

  @Test
  void rtpmapRefusesPayloadTypeOutOfRange() {
    assertThatThrownBy(() -> Rtpmap.of(128, "X", 8000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rtpmap payloadType out of range: 128");
  }

  @Test
  void rtpmapParseReportsColumn() {
    assertThat(Rtpmap.parse("97 opus/48000/2")).isEqualTo(Rtpmap.of(97, "opus", 48000, "2"));
    assertThatThrownBy(() -> Rtpmap.parse("97 opus/"))
        .isInstanceOfSatisfying(SdpParseException.class,
            e -> assertThat(e.column()).isEqualTo(9));
  }

  @Test
  void rtpmapKnowsStaticPayloadTypes() {
    assertThat(Rtpmap.ofStaticPayloadType(8)).hasValue(Rtpmap.of(8, "PCMA", 8000, "1"));
    assertThat(Rtpmap.ofStaticPayloadType(96)).isEmpty();
    assertThat(Rtpmap.of(0, "pcmu", 8000).sameCodecAs(Rtpmap.ofStaticPayloadType(0).orElseThrow()))
        .isTrue();
  }

  @Test
  void fmtpAndRtcpParseTheirValues() {
    assertThat(Fmtp.parse("101 0-16").parameters()).isEqualTo("0-16");
    assertThat(Rtcp.parse("9 IN IP6 ::1")).isEqualTo(Rtcp.of(9, "IN", "IP6", "::1"));
  }

  @Test
  void directionReverseSwapsSendAndReceive() {
    assertThat(Direction.SENDONLY.reverse()).isEqualTo(Direction.RECVONLY);
    assertThat(Direction.RECVONLY.reverse()).isEqualTo(Direction.SENDONLY);
    assertThat(Direction.SENDRECV.reverse()).isEqualTo(Direction.SENDRECV);
    assertThat(Direction.INACTIVE.isSending()).isFalse();
    assertThat(Direction.fromAttributeName("recvonly")).isEqualTo(Direction.RECVONLY);
  }

  @Test
  void timingKeepsRepeats() {
    Timing t = Timing.builder().start(1).stop(2).addRepeat("7d 1h 0 25h").build();
    assertThat(t.toBuilder().build()).isEqualTo(t);
    assertThat(SessionDescription.builder().origin(origin()).addTiming(t).build().toString())
        .contains("t=1 2\r\nr=7d 1h 0 25h\r\n");
  }
}
