package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Replaces (RFC 3891), Referred-By (RFC 3892) and Refer-To with embedded headers (RFC 3515). */
class ReferHeadersTest {
  private static SipRequest request(String method, String extraHeaders) {
    String text = method + " sip:conf-x@example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@example.com>;tag=a1\r\n"
        + "To: <sip:conf-x@example.com>\r\n"
        + "Call-ID: c1@192.0.2.1\r\n"
        + "CSeq: 1 " + method + "\r\n"
        + extraHeaders
        + "Content-Length: 0\r\n\r\n";
    SipRequest r = (SipRequest) SipParser.create().parse(text.getBytes(StandardCharsets.UTF_8));
    r.validate();
    return r;
  }

  @Test
  void aReplacesHeaderReadsItsDialogAndFlags() {
    SipRequest invite = request("INVITE",
        "Replaces: 425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only\r\n");
    Replaces r = invite.header(Header.REPLACES);
    assertThat(r.callId()).isEqualTo("425928@bobster.example.org");
    assertThat(r.toTag()).isEqualTo("7743");
    assertThat(r.fromTag()).isEqualTo("6472");
    assertThat(r.earlyOnly()).isTrue();
    assertThat(r).isEqualTo(Replaces.of("425928@bobster.example.org", "7743", "6472", true));
    assertThat(r.toString()).isEqualTo("425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only");
  }

  @Test
  void aReplacesWithoutBothTagsIsRefused() {
    assertThatThrownBy(() -> Replaces.parse("abc@h;to-tag=1"))
        .isInstanceOf(SipParseException.class).hasMessageContaining("Replaces without from-tag");
    assertThatThrownBy(() -> Replaces.parse(";to-tag=1;from-tag=2"))
        .isInstanceOf(SipParseException.class);
    assertThatThrownBy(() -> Replaces.of("a b@h", "1", "2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("callId is not a Call-ID: a b@h");
    assertThatThrownBy(() -> Replaces.of("abc@h", "a b", "2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("toTag is not a token: a b");
  }

  @Test
  void replacesIsEscapedIntoAReferToUriAndReadBack() {
    SipUri target = Replaces.of("abc@h", "1", "2").addTo(SipUri.parse("sip:bob@h"));
    Address referTo = Address.of(target);
    assertThat(referTo.toString())
        .isEqualTo("<sip:bob@h?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>");

    SipRequest refer = request("REFER", "Refer-To: " + referTo + "\r\n");
    SipUri read = (SipUri) refer.header(Header.REFER_TO).uri();
    assertThat(Replaces.from(read)).isEqualTo(Replaces.of("abc@h", "1", "2"));
    assertThat(Replaces.from(SipUri.parse("sip:carol@h"))).isNull();
  }

  @Test
  void charactersOutsideHnvAreEscapedAndComeBack() {
    Replaces odd = Replaces.of("a%b+c?d/[e]@host", "t~1", "f'2");
    SipUri uri = odd.addTo(SipUri.parse("sip:bob@h;transport=tcp"));
    assertThat(uri.headers().get("Replaces")).isEqualTo("a%25b+c?d/[e]%40host%3Bto-tag%3Dt~1%3Bfrom-tag%3Df'2");
    assertThat(Replaces.from(SipUri.parse(uri.toString()))).isEqualTo(odd);
  }

  @Test
  void addToReplacesAnEarlierReplacesHeader() {
    SipUri once = Replaces.of("a@h", "1", "2").addTo(SipUri.parse("sip:bob@h"));
    SipUri twice = Replaces.of("b@h", "3", "4").addTo(once);
    assertThat(twice.headers().size()).isEqualTo(1);
    assertThat(Replaces.from(twice).callId()).isEqualTo("b@h");
  }

  @Test
  void aReferToWithMethodByeAsksForRemoval() {
    SipRequest refer = request("REFER", "Refer-To: <sip:carol@example.com;method=BYE>\r\n");
    SipUri uri = (SipUri) refer.header(Header.REFER_TO).uri();
    assertThat(uri.method()).isEqualTo("BYE");
    assertThat(Address.of(SipUri.parse("sip:carol@example.com").toBuilder().method("BYE").build())
        .toString()).isEqualTo("<sip:carol@example.com;method=BYE>");
  }

  @Test
  void referredByReadsItsAddressAndCid() {
    SipRequest refer = request("REFER", "Referred-By: \"Alice\" <sip:alice@example.com>"
        + ";cid=\"20398823.2UWQFN309shb3@referrer.example\"\r\n");
    Address by = refer.header(Header.REFERRED_BY);
    assertThat(by.displayName()).isEqualTo("Alice");
    assertThat(by.uri().toString()).isEqualTo("sip:alice@example.com");
    assertThat(by.parameters().get("cid")).isEqualTo("\"20398823.2UWQFN309shb3@referrer.example\"");
    assertThat(request("REFER", "b: <sip:alice@example.com>\r\n").header(Header.REFERRED_BY).uri())
        .as("compact form b").hasToString("sip:alice@example.com");
  }
}
