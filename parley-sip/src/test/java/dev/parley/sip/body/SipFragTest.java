package dev.parley.sip.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SipFragTest {
  private static SipFrag parse(String s) {
    return SipFrag.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void statusLineWritesWhatAReferNotifyCarries() {
    assertThat(new String(SipFrag.statusLine(100, null).toBytes(), StandardCharsets.UTF_8))
        .isEqualTo("SIP/2.0 100 Trying\r\n");
    assertThat(new String(SipFrag.statusLine(486, "Busy Here").toBytes(), StandardCharsets.UTF_8))
        .isEqualTo("SIP/2.0 486 Busy Here\r\n");
  }

  @Test
  void aStatusLineReadsBack() {
    SipFrag frag = parse("SIP/2.0 200 OK\r\n");
    assertThat(frag.isStatusLine()).isTrue();
    assertThat(frag.statusCode()).isEqualTo(200);
    assertThat(frag.reasonPhrase()).isEqualTo("OK");
    assertThat(frag.isFinal()).isTrue();
    assertThat(frag).isEqualTo(SipFrag.statusLine(200, "OK"));
  }

  @Test
  void aStatusLineWithoutLineEndOrReasonIsRead() {
    assertThat(parse("SIP/2.0 180 Ringing").statusCode()).isEqualTo(180);
    assertThat(parse("SIP/2.0 183").reasonPhrase()).isEmpty();
    assertThat(parse("SIP/2.0 100 Trying\n").isFinal()).isFalse();
  }

  @Test
  void headersAndBodyAreKeptAndWrittenBack() {
    String text = "SIP/2.0 603 Declined\r\nWarning: 399 h \"no\"\r\n X-Folded: a\r\n\tb\r\n"
        .replace(" X-Folded", "X-Folded") + "\r\nbody";
    SipFrag frag = parse(text);
    assertThat(frag.header("warning")).isEqualTo("399 h \"no\"");
    assertThat(frag.header("X-Folded")).isEqualTo("a b");
    assertThat(parse("SIP/2.0 200 OK\r\nX-Empty:\r\n  folded\r\n").header("X-Empty"))
        .as("a value that starts on the continuation line").isEqualTo("folded");
    assertThat(new String(frag.body(), StandardCharsets.UTF_8)).isEqualTo("body");
    assertThat(SipFrag.parse(frag.toBytes())).isEqualTo(frag);
    SipFrag withHeader = SipFrag.statusLine(200, null).withHeader("Contact", "<sip:c@h>");
    assertThat(SipFrag.parse(withHeader.toBytes())).isEqualTo(withHeader);
  }

  @Test
  void aRequestLineIsAFragmentToo() {
    SipFrag frag = parse("INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n");
    assertThat(frag.isStatusLine()).isFalse();
    assertThat(frag.statusCode()).isEqualTo(-1);
    assertThat(frag.startLine()).isEqualTo("INVITE sip:bob@biloxi.example.com SIP/2.0");
  }

  @Test
  void whatIsNoFragmentIsRefusedNamingTheFault() {
    assertThatThrownBy(() -> parse("")).isInstanceOf(BodyFormatException.class)
        .hasMessage("message/sipfrag: no start line");
    assertThatThrownBy(() -> parse("SIP/2.0 20 OK")).isInstanceOf(BodyFormatException.class)
        .hasMessageContaining("bad status line");
    assertThatThrownBy(() -> parse("SIP/2.0 099 Low")).isInstanceOf(BodyFormatException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> parse("hello world")).isInstanceOf(BodyFormatException.class)
        .hasMessageContaining("not a start line");
    assertThatThrownBy(() -> parse("SIP/2.0 200 OK\r\nno colon here\r\n"))
        .isInstanceOf(BodyFormatException.class).hasMessageContaining("not a header line");
    assertThatThrownBy(() -> parse("SIP/2.0 200 OK\r\nX: a\rb\r\n"))
        .isInstanceOf(BodyFormatException.class)
        .hasMessage("message/sipfrag: a CR that does not end a line");
    assertThatThrownBy(() -> SipFrag.parse(new byte[SipFrag.MAX_BYTES + 1]))
        .isInstanceOf(BodyFormatException.class).hasMessageContaining("more than");
    assertThatThrownBy(() -> parse("SIP/2.0 200 OK\r\n" + "X: 1\r\n".repeat(65)))
        .isInstanceOf(BodyFormatException.class).hasMessageContaining("more than 64 headers");
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> SipFrag.statusLine(99, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("status code out of range: 99");
    assertThatThrownBy(() -> SipFrag.statusLine(200, "OK\r\nX: injected"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
    assertThatThrownBy(() -> SipFrag.statusLine(200, null).withHeader("Bad Name", "v"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a token");
  }
}
