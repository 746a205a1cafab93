package dev.parley.server.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.Address;
import dev.parley.sip.CompliancePolicy;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The copy a proxy forwards, made by edits of the received request's fields, is byte for byte
 * the copy the builder made before (the reference below is that code): Max-Forwards, Max-Breadth,
 * Route, our credentials, the identity headers and the asserted identity, whatever their
 * spelling, number and place in the request received.
 */
class ForwardedEditsTest {
  private static final SipParser PARSER = SipParser.create();
  private static final String DOMAIN = "example.com";
  private static final Uri TARGET = SipUri.parse("sip:bob@192.0.2.4:5062");

  private static SipRequest parse(String method, String fields, String body) {
    return (SipRequest) PARSER.parse(method + " sip:bob@example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKx\r\n"
        + "f: <sip:alice@example.com>;tag=9\r\nTo: <sip:bob@example.com>\r\n"
        + "Call-ID: abc\r\nCSeq: 1 " + method + "\r\n" + fields + "\r\n" + body);
  }

  private static List<SipRequest> requests() {
    String creds = "Digest username=\"alice\", realm=\"" + DOMAIN + "\", nonce=\"n\", "
        + "uri=\"sip:bob@example.com\", response=\"0123456789abcdef0123456789abcdef\"";
    String other = "Digest username=\"alice\", realm=\"other.net\", nonce=\"m\", "
        + "uri=\"sip:bob@example.com\", response=\"fedcba9876543210fedcba9876543210\"";
    return List.of(
        // SIPp's INVITE, its BYE through our Record-Route, a MESSAGE with our credentials
        parse("INVITE", "Max-Forwards: 70\r\nContact: <sip:alice@10.0.0.9:5060>\r\n"
            + "Content-Type: application/sdp\r\nContent-Length: 4\r\n", "v=0\n"),
        parse("BYE", "Route: <sip:127.0.0.1:5060;lr;psig=x>\r\nMax-Forwards: 70\r\n"
            + "Content-Length: 0\r\n", ""),
        parse("MESSAGE", "Max-Forwards: 70\r\nProxy-Authorization: " + creds + "\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 5\r\n", "hello"),
        // spellings, repetitions and places a builder rewrites
        parse("MESSAGE", "l: 5\r\nmax-forwards: 70\r\nMax-Breadth: 60\r\n"
            + "Proxy-Authorization: " + other + "\r\nProxy-Authorization: " + creds + "\r\n"
            + "P-Asserted-Identity: <sip:mallory@example.com>\r\nRemote-Party-ID: <sip:m@x>\r\n"
            + "Route: <sip:127.0.0.1;lr>, <sip:p2.example.com;lr>\r\nRoute: <sip:p3.example.com;lr>\r\n"
            + "Subject: a folded\r\n subject\r\n", "hello"),
        parse("OPTIONS", "P-Preferred-Identity: <sip:alice@example.com>\r\nPrivacy: none\r\n"
            + "Max-Forwards: 1\r\nMax-Forwards: 2\r\n", ""));
  }

  /** The code this replaces (ForwardedRequest.of before session 17), for the comparison. */
  private static SipRequest built(SipRequest request, Uri target, List<Address> routeSet,
      int breadth, int forks, boolean trusted, String asserted) {
    int mf = request.maxForwards();
    SipRequest.Builder b = request.toBuilder().requestUri(target)
        .setHeader(HeaderName.MAX_FORWARDS,
            Integer.toString(mf < 0 ? ProxyCore.DEFAULT_MAX_FORWARDS : mf - 1))
        .setHeader(HeaderName.MAX_BREADTH, Integer.toString(breadth / forks));
    if (routeSet.size() != request.routes().size()) {
      ProxyMessages.setRoutes(b, routeSet);
    }
    ProxyMessages.removeCredentials(request, b, DOMAIN);
    if (!trusted) {
      ProxyMessages.removeIdentity(request, b);
    }
    if (asserted != null) {
      b.setHeader(HeaderName.P_ASSERTED_IDENTITY, asserted);
    }
    return b.build();
  }

  @Test
  void theForwardedCopyIsTheBuildersByteForByte() {
    String asserted = ProxyMessages.assertedIdentity("alice", DOMAIN);
    List<List<Address>> routeSets = List.of(List.of(),
        List.of(Address.parse("<sip:p2.example.com;lr>")),
        List.of(Address.parse("<sip:p2.example.com;lr>"), Address.parse("<sip:p3.example.com;lr>")));
    int compared = 0;
    for (SipRequest request : requests()) {
      for (List<Address> routes : routeSets) {
        for (boolean trusted : new boolean[] {true, false}) {
          for (String identity : new String[] {null, asserted}) {
            SipRequest edited = ForwardedRequest.edited(request, TARGET, routes, 60, 2, trusted,
                identity, DOMAIN);
            SipRequest reference = built(request, TARGET, routes, 60, 2, trusted, identity);
            assertThat(new String(edited.encode(), StandardCharsets.UTF_8))
                .isEqualTo(new String(reference.encode(), StandardCharsets.UTF_8));
            assertThat(edited).isEqualTo(reference);
            assertThat(edited.policy()).isSameAs(CompliancePolicy.STRICT);
            assertThat(edited.violations()).isEmpty();
            compared++;
          }
        }
      }
    }
    assertThat(compared).isEqualTo(60);
  }

  @Test
  void theForwardedAckIsTheBuildersByteForByte() {
    SipRequest ack = parse("ACK", "Route: <sip:127.0.0.1:5060;lr;psig=x>\r\n"
        + "Route: <sip:p2.example.com;lr>\r\nmax-forwards: 70\r\n"
        + "P-Asserted-Identity: <sip:mallory@example.com>\r\nContent-Length: 0\r\n", "");
    List<Address> routes = List.of(Address.parse("<sip:p2.example.com;lr>"));
    SipRequest edited = AckForwarding.forwarded(ack, TARGET, routes);
    SipRequest.Builder b = ack.toBuilder().requestUri(TARGET)
        .setHeader(HeaderName.MAX_FORWARDS, "69");
    ProxyMessages.setRoutes(b, routes);
    ProxyMessages.removeIdentity(ack, b);
    assertThat(new String(edited.encode(), StandardCharsets.UTF_8))
        .isEqualTo(new String(b.build().encode(), StandardCharsets.UTF_8));
  }
}
