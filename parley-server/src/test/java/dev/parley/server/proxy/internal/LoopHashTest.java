package dev.parley.server.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ProxyMessages.loopHash: the same value as the hash of the texts it was first written with (the
 * Request-URI's and the CSeq number's Strings), whatever the Request-URI and CSeq, so a looped
 * request is still recognised and a spiral still is not.
 */
class LoopHashTest {
  private static final SipParser PARSER = SipParser.create();

  /** The function as it was before the Request-URI's and CSeq's texts were no longer made. */
  private static long reference(SipRequest r, List<Address> remainingRoutes) {
    long h = 0xcbf29ce484222325L;
    h = fnv(h, r.requestUri().toString());
    h = fnv(h, String.valueOf(r.from().tag()));
    h = fnv(h, String.valueOf(r.to().tag()));
    h = fnv(h, r.callId());
    h = fnv(h, Long.toString(r.cseq().sequence()));
    for (Address a : remainingRoutes) {
      h = fnv(h, a.uri().toString());
    }
    for (String v : r.headers().values(HeaderName.PROXY_REQUIRE)) {
      h = fnv(h, v);
    }
    return h;
  }

  private static long fnv(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= 0xff;
    return h * 0x100000001b3L;
  }

  private static SipRequest parse(String uri, long cseq, String fields) {
    return (SipRequest) PARSER.parse("MESSAGE " + uri + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKx\r\n"
        + "From: <sip:alice@example.com>;tag=9\r\nTo: <sip:bob@example.com>" + fields + "\r\n"
        + "Call-ID: abc\r\nCSeq: " + cseq + " MESSAGE\r\nMax-Forwards: 70\r\n"
        + "Content-Length: 0\r\n\r\n");
  }

  @Test
  void hashIsTheHashOfTheRequestUrisAndCseqsTexts() {
    List<String> uris = List.of("sip:sink@127.0.0.1:47570", "sip:bob@example.com",
        "sips:bob@example.com:5061", "sip:example.com", "sip:alice:pw@example.com:0",
        "sip:alice:@example.com", "sip:%62ob@[2001:db8::1]:5062", "sip:bob@example.com:65535",
        "sip:bob@example.com;transport=tcp", "tel:+1-555-0100",
        "sip:+1-212-555-1212;isub=1411@example.com");
    long[] cseqs = {0, 1, 9, 10, 99, 100, 12345, 2147483647L};
    List<Address> routes = List.of(Address.parse("<sip:next.example.com;lr>"));
    for (String uri : uris) {
      for (long cseq : cseqs) {
        for (String fields : List.of("", ";tag=7\r\nProxy-Require: foo")) {
          SipRequest r = parse(uri, cseq, fields);
          assertThat(ProxyMessages.loopHash(r, List.of()))
              .as("%s %d", uri, cseq).isEqualTo(reference(parse(uri, cseq, fields), List.of()));
          assertThat(ProxyMessages.loopHash(parse(uri, cseq, fields), routes))
              .isEqualTo(reference(r, routes));
        }
      }
    }
  }

  @Test
  void anotherRequestUriOrCseqHashesDifferently() {
    long h = ProxyMessages.loopHash(parse("sip:bob@example.com:5060", 1, ""), List.of());
    assertThat(ProxyMessages.loopHash(parse("sip:bob@example.com:5061", 1, ""), List.of()))
        .isNotEqualTo(h);
    assertThat(ProxyMessages.loopHash(parse("sip:bob@example.com:506", 1, ""), List.of()))
        .isNotEqualTo(h);
    assertThat(ProxyMessages.loopHash(parse("sip:bob@example.com:5060", 10, ""), List.of()))
        .isNotEqualTo(h);
    assertThat(ProxyMessages.loopHash(parse("sip:bob@example.com:5060", 1, ""), List.of()))
        .isEqualTo(h);
  }
}
