package dev.parley.sip.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class CpimMessageTest {
  /** The example message of RFC 3862 (§6.1's headers, here with a text body). */
  private static final String RFC_EXAMPLE = """
      From: MR SANDERS <im:piglet@100akerwood.com>\r
      To: Depressed Donkey <im:eeyore@100akerwood.com>\r
      DateTime: 2000-12-13T13:40:00-08:00\r
      Subject: the weather will be fine today\r
      Subject:;lang=fr beau temps prevu pour aujourd'hui\r
      NS: MyFeatures <mid:MessageFeatures@id.foo.com>\r
      Require: MyFeatures.VitalMessageOption\r
      MyFeatures.VitalMessageOption: Confirmation-requested\r
      MyFeatures.WackyMessageOption: Use-silly-font\r
      \r
      Content-type: text/xml; charset=utf-8\r
      Content-ID: <1234567890@foo.com>\r
      \r
      <body>\r
      Here is the text of my message.\r
      </body>\r
      """;

  private static CpimMessage parse(String s) {
    return CpimMessage.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theRfcExampleReadsWithItsExtensionHeadersKept() {
    CpimMessage m = parse(RFC_EXAMPLE);
    assertThat(m.from()).isEqualTo("MR SANDERS <im:piglet@100akerwood.com>");
    assertThat(m.fromUri()).isEqualTo("im:piglet@100akerwood.com");
    assertThat(m.toUris()).containsExactly("im:eeyore@100akerwood.com");
    assertThat(m.dateTime()).isEqualTo(OffsetDateTime.parse("2000-12-13T13:40:00-08:00"));
    assertThat(m.subject()).isEqualTo("the weather will be fine today");
    assertThat(m.headers("subject")).hasSize(2);
    assertThat(m.header("MyFeatures.WackyMessageOption")).isEqualTo("Use-silly-font");
    assertThat(m.contentType().is("text", "xml")).isTrue();
    assertThat(m.contentType().parameters().get("charset")).isEqualTo("utf-8");
    assertThat(m.contentHeaders()).extracting(BodyHeader::name).containsExactly("Content-type", "Content-ID");
    assertThat(m.contentText()).startsWith("<body>\r\nHere is").endsWith("</body>\r\n");
    assertThat(CpimMessage.parse(m.toBytes())).isEqualTo(m);
  }

  @Test
  void aRelayedMessageIsBuiltAsTheContractSays() {
    CpimMessage m = CpimMessage.builder()
        .from("sip:alice@example.com")
        .to("sip:conf-x@example.com")
        .dateTime(OffsetDateTime.parse("2026-12-06T05:00:00Z"))
        .contentType(MediaType.TEXT_PLAIN)
        .content("hello, é")
        .build();
    assertThat(new String(m.toBytes(), StandardCharsets.UTF_8)).isEqualTo(
        "From: <sip:alice@example.com>\r\nTo: <sip:conf-x@example.com>\r\n"
            + "DateTime: 2026-12-06T05:00:00Z\r\n\r\nContent-Type: text/plain\r\n\r\nhello, é");
    CpimMessage read = CpimMessage.parse(m.toBytes());
    assertThat(read).isEqualTo(m);
    assertThat(read.fromUri()).isEqualTo("sip:alice@example.com");
    assertThat(read.contentText()).isEqualTo("hello, é");
  }

  @Test
  void aDisplayNameIsQuoted() {
    CpimMessage m = CpimMessage.builder().from("Al \"the\" Ice", "sip:a@h")
        .contentType(MediaType.TEXT_PLAIN).build();
    assertThat(m.from()).isEqualTo("\"Al \\\"the\\\" Ice\" <sip:a@h>");
    assertThat(CpimMessage.parse(m.toBytes()).fromUri()).isEqualTo("sip:a@h");
  }

  @Test
  void bareLineFeedsAndAnEmptyContentAreRead() {
    CpimMessage m = parse("From: <sip:a@h>\n\nContent-Type: application/im-iscomposing+xml\n\n");
    assertThat(m.fromUri()).isEqualTo("sip:a@h");
    assertThat(m.content()).isEmpty();
  }

  @Test
  void theBlankLineStructureIsRequired() {
    assertThatThrownBy(() -> parse("From: <sip:a@h>\r\nContent-Type: text/plain\r\nhello"))
        .isInstanceOf(BodyFormatException.class).hasMessageContaining("not a header line: hello");
    assertThatThrownBy(() -> parse("From: <sip:a@h>\r\n"))
        .isInstanceOf(BodyFormatException.class)
        .hasMessage("message/cpim: headers not ended by a blank line");
    assertThatThrownBy(() -> parse("From: <sip:a@h>\r\n\r\nContent-Type: text/plain\r\n"))
        .isInstanceOf(BodyFormatException.class)
        .hasMessage("message/cpim content: headers not ended by a blank line");
    assertThatThrownBy(() -> parse("From: <sip:a@h>\r\n\r\nContent-ID: <x@h>\r\n\r\nhi"))
        .isInstanceOf(BodyFormatException.class)
        .hasMessage("message/cpim: content without Content-Type");
  }

  @Test
  void badKnownValuesAreRefused() {
    assertThatThrownBy(() -> parse("DateTime: yesterday\r\n\r\nContent-Type: text/plain\r\n\r\n"))
        .isInstanceOf(BodyFormatException.class).hasMessage("message/cpim: bad DateTime: yesterday");
    assertThatThrownBy(() -> parse("From: <sip:a@h>\r\n\r\nContent-Type: text\r\n\r\n"))
        .isInstanceOf(BodyFormatException.class).hasMessage("message/cpim: bad Content-Type: text");
    assertThatThrownBy(() -> CpimMessage.parse(new byte[CpimMessage.MAX_BYTES + 1]))
        .isInstanceOf(BodyFormatException.class).hasMessageContaining("more than");
    assertThatThrownBy(() -> parse("X: 1\r\n".repeat(65) + "\r\nContent-Type: text/plain\r\n\r\n"))
        .isInstanceOf(BodyFormatException.class).hasMessageContaining("more than 64 headers");
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> CpimMessage.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessage("contentType is not set");
    assertThatThrownBy(() -> CpimMessage.builder().subject("a\r\nFrom: <sip:evil@h>"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
    assertThatThrownBy(() -> CpimMessage.builder().from("sip:a@h> x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a URI");
  }
}
