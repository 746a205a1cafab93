package dev.parley.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Field by field and error by error behaviour of {@link SdpParser}. */
class SdpParserTest {
  private static final String HEAD = "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\n";
  private static final String MINIMAL = HEAD + "c=IN IP4 192.0.2.1\r\nt=0 0\r\n";

  private static SessionDescription lenient(String text) {
    return SdpParser.DEFAULT.parse(text);
  }

  private static SessionDescription strict(String text) {
    return SdpParser.STRICT.parse(text);
  }

  private static SdpParseException error(ThrowingCallable call) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(() -> {
      try {
        call.call();
      } catch (Throwable t) {
        caught[0] = t;
        throw t;
      }
    }).isInstanceOf(SdpParseException.class);
    return (SdpParseException) caught[0];
  }

  private static void assertError(SdpParseException e, int line, int column, String reasonPart) {
    assertThat(e.line()).as("line of %s", e.getMessage()).isEqualTo(line);
    assertThat(e.column()).as("column of %s", e.getMessage()).isEqualTo(column);
    assertThat(e.reason()).contains(reasonPart);
    assertThat(e.getMessage()).contains(" at " + line + ":" + column);
  }

  @Nested
  class SessionFields {
    @Test
    void parsesMinimalDescription() {
      SessionDescription d = strict(MINIMAL);

      assertThat(d.version()).isZero();
      assertThat(d.origin()).isEqualTo(Origin.builder().sessionId("1").sessionVersion("2")
          .address("192.0.2.1").build());
      assertThat(d.sessionName()).isEqualTo("-");
      assertThat(d.timings()).containsExactly(Timing.UNBOUNDED);
      assertThat(d.media()).isEmpty();
      assertThat(d.violations()).isEmpty();
      assertThat(d.toString()).isEqualTo(MINIMAL);
    }

    @Test
    void parsesEveryFieldOfARichDescription() {
      SessionDescription d = strict(Corpus.RICH);

      assertThat(d.information()).isEqualTo("A session using every field");
      assertThat(d.uri()).isEqualTo("http://www.example.com/seminars/sdp.pdf");
      assertThat(d.emails()).containsExactly("j.doe@example.com (Jane Doe)", "alice@example.com");
      assertThat(d.phones()).containsExactly("+1 617 555-6011");
      assertThat(d.connection().ttl()).hasValue(127);
      assertThat(d.connection().numberOfAddresses()).hasValue(2);
      assertThat(d.bandwidths()).containsExactly(Bandwidth.of("CT", 128), Bandwidth.of("AS", 64));
      assertThat(d.timings()).hasSize(2);
      assertThat(d.timings().get(0).repeats()).containsExactly("604800 3600 0 90000",
          "7d 1h 0 25h");
      assertThat(d.timings().get(1)).isEqualTo(Timing.UNBOUNDED);
      assertThat(d.zoneAdjustments()).isEqualTo("2882844526 -1h 2898848070 0");
      assertThat(d.key()).isEqualTo("prompt");
      assertThat(d.attribute("tool")).hasValue(Attribute.of("tool", "parley 0.1"));
      assertThat(d.media()).extracting(MediaDescription::media)
          .containsExactly("audio", "video", "message", "message", "application");
      assertThat(d.toString()).isEqualTo(Corpus.RICH);
    }

    @Test
    void readsBareLfLinesEvenWhenStrict() {
      SessionDescription d = strict(MINIMAL.replace("\r\n", "\n"));

      assertThat(d.violations()).containsExactly(SdpViolation.BARE_LF);
      assertThat(d.toString()).isEqualTo(MINIMAL);
    }

    @Test
    void parsesFromUtf8Bytes() {
      String text = MINIMAL.replace("s=-", "s=Ça va \u263A");
      SessionDescription d = strict(text);

      assertThat(SdpParser.STRICT.parse(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(d);
      assertThat(d.sessionName()).isEqualTo("Ça va \u263A");
      assertThat(d.encode()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsSessionNameOfOneSpace() {
      assertThat(strict(MINIMAL.replace("s=-", "s= ")).sessionName()).isEqualTo(" ");
    }

    @Test
    void repairsEmptySessionNameAsDash() {
      String text = MINIMAL.replace("s=-", "s=");
      SessionDescription d = lenient(text);

      assertThat(d.sessionName()).isEqualTo("-");
      assertThat(d.violations()).containsExactly(SdpViolation.EMPTY_SESSION_NAME);
      assertError(error(() -> strict(text)), 3, 3, "empty session name");
    }

    @Test
    void keepsOriginIdsLongerThanALong() {
      SessionDescription d = strict(MINIMAL.replace("o=- 1 2", "o=- 123456789012345678901234 9"));
      assertThat(d.origin().sessionId()).isEqualTo("123456789012345678901234");
      assertThat(d.origin().withNextVersion().sessionVersion()).isEqualTo("10");
    }

    @Test
    void parsesIp6Connection() {
      Connection c = strict(MINIMAL.replace("c=IN IP4 192.0.2.1", "c=IN IP6 2001:db8::1"))
          .connection();
      assertThat(c.addrType()).isEqualTo("IP6");
      assertThat(c.address()).isEqualTo("2001:db8::1");
      assertThat(c.ttl()).isEmpty();
    }

    @Test
    void parsesIp6MulticastWithNumberOfAddresses() {
      Connection c = strict(MINIMAL.replace("c=IN IP4 192.0.2.1", "c=IN IP6 FF15::101/3"))
          .connection();
      assertThat(c.address()).isEqualTo("FF15::101");
      assertThat(c.numberOfAddresses()).hasValue(3);
      assertThat(c.toString()).isEqualTo("IN IP6 FF15::101/3");
    }

    @Test
    void parsesIp4MulticastTtlAndNumberOfAddresses() {
      Connection c = strict(MINIMAL.replace("c=IN IP4 192.0.2.1", "c=IN IP4 224.2.1.1/127/3"))
          .connection();
      assertThat(c.address()).isEqualTo("224.2.1.1");
      assertThat(c.ttl()).hasValue(127);
      assertThat(c.numberOfAddresses()).hasValue(3);
    }

    @Test
    void keepsAddressOfUnknownTypeVerbatim() {
      Connection c = strict(MINIMAL.replace("c=IN IP4 192.0.2.1", "c=ATM NSAP 47/00/1"))
          .connection();
      assertThat(c.netType()).isEqualTo("ATM");
      assertThat(c.address()).isEqualTo("47/00/1");
    }

    @Test
    void rejectsTtlOutOfRange() {
      assertError(error(() -> strict(MINIMAL.replace("192.0.2.1\r\nt", "224.2.1.1/256\r\nt"))),
          4, 20, "TTL out of range 0..255");
    }

    @Test
    void rejectsTtlOnIp6() {
      assertError(error(() -> strict(MINIMAL.replace("c=IN IP4 192.0.2.1", "c=IN IP6 FF15::1/3/2"))),
          4, 19, "IP6 multicast takes only");
    }

    @Test
    void rejectsUnsupportedVersion() {
      assertError(error(() -> strict(MINIMAL.replace("v=0", "v=1"))), 1, 3,
          "only v=0");
    }

    @Test
    void rejectsMissingVersionLine() {
      assertError(error(() -> lenient(MINIMAL.substring(5))), 1, 1, "starts with v=0");
    }

    @Test
    void rejectsEmptyBody() {
      assertError(error(() -> lenient("")), 1, 1, "empty body");
    }

    @Test
    void rejectsMissingOrigin() {
      assertError(error(() -> lenient("v=0\r\ns=-\r\nt=0 0\r\n")), 2, 1, "missing o= line");
    }

    @Test
    void rejectsMissingTiming() {
      assertError(error(() -> lenient(HEAD + "c=IN IP4 192.0.2.1\r\n")), 5, 1, "missing t= line");
      assertError(error(() -> lenient(HEAD + "a=x\r\n")), 4, 1, "missing t= line");
    }

    @Test
    void rejectsSecondSessionName() {
      assertError(error(() -> lenient(MINIMAL + "s=again\r\n")), 6, 1, "second s= line");
    }

    @Test
    void rejectsOriginWithLettersInSessionId() {
      assertError(error(() -> strict(MINIMAL.replace("o=- 1 2", "o=- 1x 2"))), 2, 6,
          "expected a space before session version, found 'x'");
    }

    @Test
    void rejectsOriginMissingAddress() {
      assertError(error(() -> strict(MINIMAL.replace(" 192.0.2.1\r\ns", "\r\ns"))), 2, 15,
          "expected a space before unicast address, found end of line");
    }

    @Test
    void parsesBandwidthAndRejectsMissingColon() {
      assertThat(strict(MINIMAL.replace("t=0", "b=AS:64\r\nt=0")).bandwidths())
          .containsExactly(Bandwidth.of("AS", 64));
      assertError(error(() -> strict(MINIMAL.replace("t=0", "b=AS64\r\nt=0"))), 5, 7,
          "':' after the bandwidth type");
    }

    @Test
    void rejectsTimeTooLarge() {
      assertError(error(() -> strict(MINIMAL.replace("t=0 0", "t=0 99999999999999999999"))),
          5, 5, "stop time too large");
    }

    @Test
    void rejectsRepeatBeforeTiming() {
      assertError(error(() -> lenient(HEAD + "r=7d 1h 0 25h\r\nt=0 0\r\n")), 4, 1,
          "r= line without a preceding t= line");
    }

    @Test
    void rejectsLineWithoutEquals() {
      assertError(error(() -> lenient(MINIMAL + "m audio\r\n")), 6, 2, "expected <type>=<value>");
      assertError(error(() -> lenient(MINIMAL + "m =video 0 RTP/AVP 0\r\n")), 6, 2,
          "expected <type>=<value>");
    }

    @Test
    void quotesOnlyTheFirstTwentyCharactersOfALineWithoutEquals() {
      SdpParseException e = error(() -> lenient(MINIMAL + "m audio 49170 RTP/AVP 0 8 97\r\n"));
      assertError(e, 6, 2, "expected <type>=<value>");
      assertThat(e.reason()).endsWith("found \"m audio 49170 RTP/AV\"");
    }

    @Test
    void readsEachValueWithinItsOwnLineWhateverTheLineEnds() {
      String text = "v=0\no=- 1 2 IN IP4 192.0.2.1\r\ns=talk\nc=IN IP4 192.0.2.1\r\nt=0 0";
      SessionDescription d = lenient(text);
      assertThat(d.sessionName()).isEqualTo("talk");
      assertThat(d.origin().address()).isEqualTo("192.0.2.1");
      assertThat(d.connection().address()).isEqualTo("192.0.2.1");
      assertThat(d.violations()).containsExactlyInAnyOrder(SdpViolation.BARE_LF,
          SdpViolation.MISSING_FINAL_LINE_END);
    }

    @Test
    void rejectsNulCharacter() {
      assertError(error(() -> lenient(MINIMAL.replace("s=-", "s=a\0b"))), 3, 4, "NUL");
    }

    @Test
    void rejectsLoneCarriageReturn() {
      assertError(error(() -> lenient(MINIMAL.replace("s=-", "s=a\rb"))), 3, 4, "CR not followed");
    }
  }

  @Nested
  class Ordering {
    @Test
    void acceptsConnectionAfterTimingWhenLenient() {
      String text = HEAD + "t=0 0\r\nc=IN IP4 192.0.2.1\r\n";
      SessionDescription d = lenient(text);

      assertThat(d.connection()).isEqualTo(Connection.of("192.0.2.1"));
      assertThat(d.violations()).containsExactly(SdpViolation.FIELD_OUT_OF_ORDER);
      assertThat(d.toString()).isEqualTo(MINIMAL);
      SdpParseException e = error(() -> strict(text));
      assertError(e, 5, 1, "c= line after t= line");
      assertThat(e.violation()).isEqualTo(SdpViolation.FIELD_OUT_OF_ORDER);
    }

    @Test
    void movesSessionOnlyFieldAfterMediaToSessionWhenLenient() {
      String text = MINIMAL + "m=audio 9 RTP/AVP 0\r\nu=http://example.com/\r\na=sendonly\r\n";
      SessionDescription d = lenient(text);

      assertThat(d.uri()).isEqualTo("http://example.com/");
      assertThat(d.media().get(0).direction()).hasValue(Direction.SENDONLY);
      assertError(error(() -> strict(text)), 7, 1, "u= line inside a media description");
    }

    @Test
    void reordersMediaLevelFieldsWhenLenient() {
      String text = MINIMAL + "m=audio 9 RTP/AVP 0\r\na=sendonly\r\nc=IN IP4 192.0.2.9\r\n";
      SessionDescription d = lenient(text);

      assertThat(d.media().get(0).connections()).containsExactly(Connection.of("192.0.2.9"));
      assertThat(d.toString()).isEqualTo(
          MINIMAL + "m=audio 9 RTP/AVP 0\r\nc=IN IP4 192.0.2.9\r\na=sendonly\r\n");
      assertError(error(() -> strict(text)), 8, 1, "c= line after a= line");
    }

    @Test
    void skipsUnknownFieldWhenLenient() {
      String text = MINIMAL + "x=something new\r\n";
      assertThat(lenient(text).violations()).containsExactly(SdpViolation.UNKNOWN_FIELD);
      assertThat(lenient(text).toString()).isEqualTo(MINIMAL);
      SdpParseException e = error(() -> strict(text));
      assertError(e, 6, 1, "unknown type letter 'x'");
      assertThat(e.violation()).isEqualTo(SdpViolation.UNKNOWN_FIELD);
    }

    @Test
    void skipsEmptyLinesWhenLenient() {
      String text = MINIMAL + "\r\n\r\n";
      assertThat(lenient(text)).isEqualTo(strict(MINIMAL));
      assertError(error(() -> strict(text)), 6, 1, "empty line");
    }

    @Test
    void acceptsMissingFinalLineEndWhenLenient() {
      String text = MINIMAL.substring(0, MINIMAL.length() - 2);
      assertThat(lenient(text).violations()).containsExactly(SdpViolation.MISSING_FINAL_LINE_END);
      assertThat(lenient(text).toString()).isEqualTo(MINIMAL);
      assertError(error(() -> strict(text)), 5, 6, "last line is not ended by CRLF");
    }

    @Test
    void collapsesExtraWhitespaceWhenLenient() {
      String text = HEAD.replace("o=- 1 2", "o=-  1 2 ") + "c=IN IP4 192.0.2.1 \r\nt=0  0\r\n"
          + "m=audio  9 RTP/AVP 0 \r\n";
      SessionDescription d = lenient(text);

      assertThat(d.violations()).containsExactly(SdpViolation.EXTRA_WHITESPACE);
      assertThat(d.toString()).isEqualTo(MINIMAL + "m=audio 9 RTP/AVP 0\r\n");
      SdpParseException e = error(() -> strict(text));
      assertError(e, 2, 5, "more than one space before session id");
      assertThat(e.violation()).isEqualTo(SdpViolation.EXTRA_WHITESPACE);
    }

    @Test
    void trimsSpacesAfterPropertyAttributeWhenLenient() {
      String text = MINIMAL + "a=sendonly \r\n";
      assertThat(lenient(text).direction()).hasValue(Direction.SENDONLY);
      assertError(error(() -> strict(text)), 6, 11, "spaces after the attribute name");
    }

    @Test
    void acceptsMediaWithoutConnectionWhenLenient() {
      String text = HEAD + "t=0 0\r\nm=audio 9 RTP/AVP 0\r\nm=video 9 RTP/AVP 31\r\n"
          + "c=IN IP4 192.0.2.2\r\n";
      assertThat(lenient(text).violations()).containsExactly(SdpViolation.MISSING_CONNECTION);
      SdpParseException e = error(() -> strict(text));
      assertError(e, 5, 1, "no c= line in this media description");
      assertThat(e.violation()).isEqualTo(SdpViolation.MISSING_CONNECTION);
    }

    @Test
    void policyWithoutAViolationRefusesIt() {
      SdpParser parser = SdpParser.builder()
          .policy(SdpPolicy.LENIENT.without(SdpViolation.EMPTY_SESSION_NAME)).build();
      assertThat(parser.policy().name()).isEqualTo("LENIENT-EMPTY_SESSION_NAME");
      SdpParseException e = error(() -> parser.parse(MINIMAL.replace("s=-", "s=")));
      assertThat(e.violation()).isEqualTo(SdpViolation.EMPTY_SESSION_NAME);
      assertThat(e.getMessage()).contains("RFC 8866 §5.3");
      assertThat(SdpParser.builder().policy(SdpPolicy.STRICT.with(SdpViolation.EMPTY_SESSION_NAME))
          .build().parse(MINIMAL.replace("s=-", "s=")).sessionName()).isEqualTo("-");
    }

    @Test
    void strictPolicyToleratesOnlyBareLf() {
      assertThat(SdpPolicy.STRICT.allowed()).containsExactly(SdpViolation.BARE_LF);
      assertThat(SdpPolicy.LENIENT.allowed()).containsExactlyInAnyOrder(SdpViolation.values());
      assertThat(SdpParser.DEFAULT.policy()).isSameAs(SdpPolicy.LENIENT);
    }
  }

  @Nested
  class Media {
    @Test
    void parsesMediaLineWithNumberOfPorts() {
      MediaDescription m = strict(MINIMAL + "m=video 49170/2 RTP/AVP 31 32\r\n").media().get(0);

      assertThat(m.media()).isEqualTo("video");
      assertThat(m.port()).isEqualTo(49170);
      assertThat(m.numberOfPorts()).hasValue(2);
      assertThat(m.proto()).isEqualTo(MediaDescription.RTP_AVP);
      assertThat(m.formats()).containsExactly("31", "32");
      assertThat(m.payloadTypes()).containsExactly(31, 32);
      assertThat(m.isRtp()).isTrue();
    }

    @Test
    void parsesImSessionMediaWithSipUriFormat() {
      MediaDescription m = strict(MINIMAL + "m=message 5060 sip sip:bob@biloxi.example.com\r\n"
          + "a=accept-types:text/plain\r\n").media().get(0);

      assertThat(m.media()).isEqualTo(MediaDescription.MESSAGE);
      assertThat(m.proto()).isEqualTo(MediaDescription.SIP);
      assertThat(m.formats()).containsExactly("sip:bob@biloxi.example.com");
      assertThat(m.payloadTypes()).isEmpty();
      assertThat(m.isRtp()).isFalse();
      assertThat(m.attribute("accept-types")).hasValue(Attribute.of("accept-types", "text/plain"));
    }

    @Test
    void parsesMsrpAndDtlsProtocols() {
      SessionDescription d = strict(MINIMAL + "m=message 7394 TCP/MSRP *\r\n"
          + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=text 0 RTP/AVP 98\r\n");
      assertThat(d.media()).extracting(MediaDescription::proto)
          .containsExactly("TCP/MSRP", "UDP/TLS/RTP/SAVPF", "RTP/AVP");
      assertThat(d.media().get(2).isDisabled()).isTrue();
    }

    @Test
    void keepsUnknownMediaType() {
      assertThat(strict(MINIMAL + "m=hologram 9 RTP/AVP 0\r\n").media().get(0).media())
          .isEqualTo("hologram");
    }

    @Test
    void keepsSeveralConnectionsPerMedia() {
      MediaDescription m = strict(MINIMAL + "m=audio 9 RTP/AVP 0\r\ni=voice\r\n"
          + "c=IN IP4 224.2.1.1/127\r\nc=IN IP4 224.2.1.2/127\r\nb=AS:64\r\nk=prompt\r\n")
          .media().get(0);
      assertThat(m.information()).isEqualTo("voice");
      assertThat(m.connections()).hasSize(2);
      assertThat(m.bandwidths()).containsExactly(Bandwidth.of("AS", 64));
      assertThat(m.key()).isEqualTo("prompt");
    }

    @Test
    void rejectsMediaWithoutFormats() {
      assertError(error(() -> lenient(MINIMAL + "m=audio 9 RTP/AVP\r\n")), 6, 18,
          "expected a space before format, found end of line");
    }

    @Test
    void rejectsPortOutOfRange() {
      assertError(error(() -> lenient(MINIMAL + "m=audio 65536 RTP/AVP 0\r\n")), 6, 9,
          "port too large (at most 65535)");
    }

    @Test
    void rejectsZeroNumberOfPorts() {
      assertError(error(() -> lenient(MINIMAL + "m=audio 9/0 RTP/AVP 0\r\n")), 6, 11,
          "number of ports must be at least 1");
    }

    @Test
    void rejectsMalformedProtocol() {
      assertError(error(() -> lenient(MINIMAL + "m=audio 9 RTP//AVP 0\r\n")), 6, 11,
          "protocol must be token");
    }

    @Test
    void rejectsSecondMediaInformation() {
      assertError(error(() -> lenient(MINIMAL + "m=audio 9 RTP/AVP 0\r\ni=a\r\ni=b\r\n")), 8, 1,
          "second i= line in a media description");
    }
  }

  @Nested
  class Attributes {
    private MediaDescription audio(String attributes) {
      return strict(MINIMAL + "m=audio 49170 RTP/AVP 0 97 101\r\n" + attributes).media().get(0);
    }

    @Test
    void parsesRtpmap() {
      MediaDescription m = audio("a=rtpmap:0 PCMU/8000\r\n");
      assertThat(m.rtpmap(0)).hasValue(Rtpmap.of(0, "PCMU", 8000));
      assertThat(m.rtpmap(8)).isEmpty();
    }

    @Test
    void parsesRtpmapWithChannels() {
      Rtpmap opus = audio("a=rtpmap:97 opus/48000/2\r\n").rtpmap(97).orElseThrow();
      assertThat(opus.encodingName()).isEqualTo("opus");
      assertThat(opus.clockRate()).isEqualTo(48000);
      assertThat(opus.encodingParameters()).isEqualTo("2");
      assertThat(opus.channels()).isEqualTo(2);
    }

    @Test
    void fillsStaticPayloadTypesInFormatsWithRtpmap() {
      MediaDescription m = audio("a=rtpmap:101 telephone-event/8000\r\n");
      assertThat(m.formatsWithRtpmap()).containsExactly(Rtpmap.of(0, "PCMU", 8000, "1"),
          Rtpmap.of(101, "telephone-event", 8000));
    }

    @Test
    void parsesFmtp() {
      MediaDescription m = audio("a=fmtp:101 0-15\r\na=fmtp:97 minptime=10; useinbandfec=1\r\n");
      assertThat(m.fmtp(101)).hasValue(Fmtp.of(101, "0-15"));
      Fmtp opus = m.fmtp(97).orElseThrow();
      assertThat(opus.parameters()).isEqualTo("minptime=10; useinbandfec=1");
      assertThat(opus.parameter("useinbandfec")).hasValue("1");
      assertThat(opus.parameter("MINPTIME")).hasValue("10");
      assertThat(opus.parameter("stereo")).isEmpty();
      assertThat(m.fmtps()).hasSize(2);
    }

    @Test
    void parsesPtimeAndMaxptime() {
      MediaDescription m = audio("a=ptime:20\r\na=maxptime:40.5\r\n");
      assertThat(m.ptime()).hasValue(20.0);
      assertThat(m.maxptime()).hasValue(40.5);
      assertThat(audio("").ptime()).isEmpty();
    }

    @Test
    void parsesRtcpPortAndAddress() {
      assertThat(audio("a=rtcp:53020\r\n").rtcp()).hasValue(Rtcp.of(53020));
      Rtcp rtcp = audio("a=rtcp:53020 IN IP4 126.16.64.4\r\n").rtcp().orElseThrow();
      assertThat(rtcp.port()).isEqualTo(53020);
      assertThat(rtcp.netType()).isEqualTo("IN");
      assertThat(rtcp.addrType()).isEqualTo("IP4");
      assertThat(rtcp.address()).hasValue("126.16.64.4");
    }

    @Test
    void mediaDirectionOverridesSessionDirection() {
      SessionDescription d = strict(MINIMAL + "a=sendonly\r\nm=audio 9 RTP/AVP 0\r\n"
          + "m=audio 10 RTP/AVP 0\r\na=inactive\r\n");
      assertThat(d.direction()).hasValue(Direction.SENDONLY);
      assertThat(d.direction(d.media().get(0))).isEqualTo(Direction.SENDONLY);
      assertThat(d.direction(d.media().get(1))).isEqualTo(Direction.INACTIVE);
    }

    @Test
    void directionDefaultsToSendrecv() {
      SessionDescription d = strict(MINIMAL + "m=audio 9 RTP/AVP 0\r\n");
      assertThat(d.direction()).isEmpty();
      assertThat(d.media().get(0).direction()).isEmpty();
      assertThat(d.direction(d.media().get(0))).isEqualTo(Direction.SENDRECV);
    }

    @Test
    void keepsUnknownAttributesVerbatimInOrder() {
      MediaDescription m = audio("a=x-b:  spaced value \r\na=rtpmap:0 PCMU/8000\r\na=x-a\r\n"
          + "a=x-empty:\r\n");
      assertThat(m.attributes()).containsExactly(Attribute.of("x-b", "  spaced value "),
          Attribute.of("rtpmap", "0 PCMU/8000"), Attribute.property("x-a"),
          Attribute.of("x-empty", ""));
      assertThat(m.attributes().get(2).hasValue()).isFalse();
      assertThat(m.attributes().get(3).hasValue()).isTrue();
      assertThat(m.toString()).endsWith("a=x-b:  spaced value \r\na=rtpmap:0 PCMU/8000\r\n"
          + "a=x-a\r\na=x-empty:\r\n");
    }

    @Test
    void rejectsMalformedRtpmapWhenStrict() {
      SdpParseException e = error(() -> audio("a=rtpmap:0 PCMU/x\r\n"));
      assertError(e, 7, 17, "malformed a=rtpmap: expected clock rate (a number), found 'x'");
      assertThat(e.violation()).isEqualTo(SdpViolation.MALFORMED_ATTRIBUTE);
    }

    @Test
    void keepsMalformedRtpmapVerbatimWhenLenient() {
      SessionDescription d = lenient(MINIMAL + "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/x\r\n");
      assertThat(d.violations()).containsExactly(SdpViolation.MALFORMED_ATTRIBUTE);
      assertThat(d.media().get(0).rtpmap(0)).isEmpty();
      assertThat(d.media().get(0).attributes()).containsExactly(Attribute.of("rtpmap", "0 PCMU/x"));
    }

    @Test
    void rejectsPayloadTypeAbove127() {
      assertError(error(() -> audio("a=rtpmap:128 X/8000\r\n")), 7, 10,
          "payload type too large (at most 127)");
    }

    @Test
    void rejectsZeroPtime() {
      assertError(error(() -> audio("a=ptime:0\r\n")), 7, 9, "ptime must be positive");
    }

    @Test
    void rejectsDirectionWithValue() {
      assertError(error(() -> audio("a=sendonly:yes\r\n")), 7, 11, "takes no value");
    }

    @Test
    void rejectsFmtpWithoutParameters() {
      assertError(error(() -> audio("a=fmtp:101\r\n")), 7, 11,
          "expected a space before format parameters");
    }

    @Test
    void rejectsRtcpWithPartialAddress() {
      assertError(error(() -> audio("a=rtcp:9 IN IP4\r\n")), 7, 16,
          "expected a space before address");
    }

    @Test
    void rejectsAttributeNameThatIsNotAToken() {
      assertError(error(() -> lenient(MINIMAL + "a=bad name:1\r\n")), 6, 6,
          "attribute name must be a token");
      assertError(error(() -> lenient(MINIMAL + "a=\r\n")), 6, 3, "empty attribute name");
    }
  }

  @Nested
  class Limits {
    @Test
    void rejectsBodyAboveMaxBodySize() {
      SdpParser parser = SdpParser.builder()
          .limits(SdpLimits.builder().maxBodySize(MINIMAL.length() - 1).build()).build();
      assertError(error(() -> parser.parse(MINIMAL)), 1, 1, "exceeds maxBodySize");
      assertError(error(() -> parser.parse(MINIMAL.getBytes(StandardCharsets.UTF_8))), 1, 1,
          "exceeds maxBodySize");
    }

    @Test
    void rejectsLineAboveMaxLineLength() {
      SdpParser parser = SdpParser.builder()
          .limits(SdpLimits.builder().maxLineLength(20).build()).build();
      assertError(error(() -> parser.parse(MINIMAL)), 2, 21, "maxLineLength");
    }

    @Test
    void rejectsMoreLinesThanMaxLines() {
      SdpParser parser = SdpParser.builder().limits(SdpLimits.builder().maxLines(5).build())
          .build();
      assertThat(parser.parse(MINIMAL).timings()).hasSize(1);
      assertError(error(() -> parser.parse(MINIMAL + "a=x\r\n")), 6, 1, "maxLines");
    }

    @Test
    void rejectsMoreMediaThanMaxMediaDescriptions() {
      SdpParser parser = SdpParser.builder()
          .limits(SdpLimits.builder().maxMediaDescriptions(1).build()).build();
      String two = MINIMAL + "m=audio 9 RTP/AVP 0\r\nm=video 9 RTP/AVP 31\r\n";
      assertError(error(() -> parser.parse(two)), 7, 1, "maxMediaDescriptions");
    }

    @Test
    void rejectsMoreAttributesThanMaxAttributes() {
      SdpParser parser = SdpParser.builder()
          .limits(SdpLimits.builder().maxAttributes(2).build()).build();
      String three = MINIMAL + "a=x\r\nm=audio 9 RTP/AVP 0\r\na=y\r\na=z\r\n";
      assertError(error(() -> parser.parse(three)), 9, 1, "maxAttributes");
    }

    @Test
    void limitsHaveNamedDefaults() {
      SdpLimits d = SdpLimits.DEFAULT;
      assertThat(d.maxBodySize()).isEqualTo(SdpLimits.DEFAULT_MAX_BODY_SIZE).isEqualTo(65_536);
      assertThat(d.maxLineLength()).isEqualTo(SdpLimits.DEFAULT_MAX_LINE_LENGTH);
      assertThat(d.maxLines()).isEqualTo(SdpLimits.DEFAULT_MAX_LINES);
      assertThat(d.maxMediaDescriptions()).isEqualTo(SdpLimits.DEFAULT_MAX_MEDIA_DESCRIPTIONS);
      assertThat(d.maxAttributes()).isEqualTo(SdpLimits.DEFAULT_MAX_ATTRIBUTES);
      assertThat(d.toBuilder().build().toString()).isEqualTo(d.toString());
    }

    @Test
    void limitsBelowOneAreRefusedWhenBuilt() {
      assertThatThrownBy(() -> SdpLimits.builder().maxLines(0).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxLines must be at least 1: 0");
    }
  }
}
