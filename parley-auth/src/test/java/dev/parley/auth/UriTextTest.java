package dev.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** UriText: the same answer as {@code text.equals(uri.toString())}, on built and parsed URIs. */
class UriTextTest {
  private static final List<String> URIS = List.of(
      "sip:sink@127.0.0.1:47570", "sip:bob@example.com", "sips:bob@example.com:5061",
      "sip:example.com", "sip:127.0.0.1:5060", "sip:alice:secret@example.com:5060",
      "sip:alice:@example.com", "sip:%61lice@example.com:0", "sip:bob@[2001:db8::10]:5062",
      "sip:[2001:db8::10]", "sip:bob@example.com:65535", "sip:bob@example.com:9",
      "sip:bob@example.com;transport=udp", "sip:bob@example.com:5060;lr",
      "sip:bob@example.com?subject=hi", "sip:+1-212-555-1212;isub=1411@example.com:5060",
      "tel:+1-212-555-1212", "sip:sink@127.0.0.1:47570;user=phone");

  private static List<String> candidates(String text) {
    List<String> out = new ArrayList<>(List.of(text, text + "0", text + ";", text + "x",
        text.substring(0, text.length() - 1), text.toUpperCase(), "", "sip:", "sips:",
        text.replace(":5", ":05"), text.replace("sip:", "sips:"), text.replace("sips:", "sip:"),
        text.replace("@", ":@"), text.replace("@", ""), text.replace(":47570", ""),
        text.replace("47570", "47571"), text.replace("47570", "4757"), text.replace("5060", "5O60"),
        text.replace("127.0.0.1", "127.0.0.2"), text.replace("example.com", "example.co")));
    Random random = new Random(text.hashCode());
    for (int i = 0; i < 40 && !text.isEmpty(); i++) { // one character changed, removed, added
      StringBuilder b = new StringBuilder(text);
      int at = random.nextInt(text.length());
      char c = "0123456789:@;.[]abcsip%"
          .charAt(random.nextInt(23));
      switch (i % 3) {
        case 0 -> b.setCharAt(at, c);
        case 1 -> b.deleteCharAt(at);
        default -> b.insert(at, c);
      }
      out.add(b.toString());
    }
    return out;
  }

  @Test
  void answersAsTheTextOfTheUriWouldForEveryCandidate() {
    for (String u : URIS) {
      Uri parsed = Uri.parse(u);
      for (String text : candidates(parsed.toString())) {
        assertThat(UriText.is(text, Uri.parse(u))).as("%s against %s", text, u)
            .isEqualTo(text.equals(parsed.toString()));
      }
    }
  }

  @Test
  void answersAsTheTextOfTheUriWouldForRequestUrisOfParsedRequests() {
    SipParser parser = SipParser.create();
    for (String u : URIS) {
      if (u.contains("?")) {
        continue; // a request line refuses a Request-URI with headers (RFC 3261 §19.1.5)
      }
      SipRequest r = (SipRequest) parser.parse(("MESSAGE " + u + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\n"
          + "To: <sip:b@example.com>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\n"
          + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      String text = Uri.parse(u).toString();
      for (String candidate : candidates(text)) {
        // a fresh parse each time: the Request-URI has not made its text yet
        SipRequest fresh = (SipRequest) parser.parse(r.encode());
        assertThat(UriText.is(candidate, fresh.requestUri())).as("%s against %s", candidate, u)
            .isEqualTo(candidate.equals(text));
      }
    }
  }

  @Test
  void answersAsTheTextOfTheUriWouldForBuiltUris() {
    List<Uri> built = List.of(
        SipUri.builder().host("example.com").build(),
        SipUri.builder().user("bob").host("example.com").port(0).build(),
        SipUri.builder().user("bob").password("").host("example.com").port(5060).build(),
        SipUri.builder().secure(true).user("bob").host("example.com").port(123456 % 65536).build(),
        SipUri.builder().userDecoded("b ob@x").host("[::1]").port(5060).build());
    for (Uri u : built) {
      for (String candidate : candidates(u.toString())) {
        assertThat(UriText.is(candidate, u)).as("%s against %s", candidate, u)
            .isEqualTo(candidate.equals(u.toString()));
      }
    }
  }
}
