package dev.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.Challenge;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.Headers;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request's verdict is the same whether its credentials are read from the parsed message's
 * bytes (parley-sip's fast path) or by the String grammar (the same request built from text):
 * for a good answer, each kind of bad one, and the conformance messages that carry credentials.
 */
class ParsedCredentialsVerdictTest {
  private static final String REALM = "example.com";
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
  private static final UserSecret ALICE = UserSecret.ofPassword("alice", "wonderland");
  private static final CredentialStore STORE = (user, realm, algorithm) ->
      user.equals("alice") && realm.equals(REALM)
          ? Ha1.computeAll("alice", REALM, "wonderland").get(algorithm) : null;

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

  private DigestAuthenticator server() {
    return DigestAuthenticator.builder(STORE).clock(clock).secret(SECRET).build();
  }

  /** The request as text, with its Proxy-Authorization field(s) replaced by {@code values}. */
  private static String text(SipRequest request, List<String> values) {
    StringBuilder sb = new StringBuilder().append(request.method()).append(' ')
        .append(request.requestUri()).append(" SIP/2.0\r\n");
    Headers h = request.headers();
    for (int i = 0; i < h.size(); i++) {
      if (h.headerName(i) != HeaderName.PROXY_AUTHORIZATION
          && h.headerName(i) != HeaderName.CONTENT_LENGTH) {
        sb.append(h.name(i)).append(": ").append(h.value(i)).append("\r\n");
      }
    }
    for (String v : values) {
      sb.append("Proxy-Authorization: ").append(v).append("\r\n");
    }
    return sb.append("Content-Length: 0\r\n\r\n").toString();
  }

  /** The same request built from its fields' text: its credentials go through the String grammar. */
  private static SipRequest built(SipRequest parsed) {
    SipRequest.Builder b = SipRequest.builder(parsed.method(), parsed.requestUri());
    Headers h = parsed.headers();
    for (int i = 0; i < h.size(); i++) {
      if (h.headerName(i) != HeaderName.CONTENT_LENGTH) {
        b.header(h.headerName(i), h.value(i));
      }
    }
    return b.build();
  }

  /**
   * The result without the error's place in the message ("at 9:66"), which only a parsed message
   * has (a built one has no lines).
   */
  private static AuthResult unplaced(AuthResult r) {
    String detail = r.detail() == null ? null : r.detail().replaceFirst(" at \\d+:\\d+$", "");
    return new AuthResult(r.status(), r.username(), detail);
  }

  private void sameVerdict(byte[] message, String what) {
    SipRequest parsed = (SipRequest) SipParser.create().parse(message);
    SipRequest built = built(parsed);
    for (InetAddress client : new InetAddress[] {null, InetAddress.getLoopbackAddress()}) {
      AuthResult fast = server().authenticateProxy(parsed, REALM, client);
      AuthResult slow = server().authenticateProxy(built, REALM, client);
      assertThat(unplaced(fast)).as(what).isEqualTo(unplaced(slow));
    }
  }

  @Test
  void everyKindOfAnswerHasTheSameVerdictParsedOrBuilt() {
    SipRequest message = Messages.request(SipMethod.MESSAGE, "sip:bob@example.com");
    List<Challenge> challenges = server().challenges(REALM, false);
    SipResponse c407 = Messages.challenge(message, 407, challenges);
    SipRequest retry = new DigestClient().authorize(message, c407, CredentialsProvider.of(ALICE));
    String good = retry.headers().get(HeaderName.PROXY_AUTHORIZATION);
    String sipp = good.replace(", ", ",");
    List<List<String>> cases = new ArrayList<>();
    for (String v : List.of(good, sipp, good.replace("Digest", "digest"),
        good.replace("realm=\"example.com\"", "realm=\"example.com\", realm=\"other\""),
        good.replace("realm=\"example.com\"", "realm=\"other\", realm=\"example.com\""),
        good.replace("response=\"", "response=\"0"), good.replace("response=\"", "response=\"a\\"),
        good.replace(", nonce=", " nonce="), good.replace("nc=", "nc=\"") + "\"",
        good.replace("alice", "al\\ice"), good.replace("alice", "bob"),
        good.replace("qop=auth", "qop=\"auth\""), good.replace("opaque=\"", "opaque=\"x"),
        good + ",", good + ", username=\"mallory\"", good.substring(0, good.length() - 1),
        "NoOneKnowsThisScheme opaque-data=here", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Digest",
        good.replace("uri=\"sip:bob@example.com\"", "uri=\"sip:BOB@EXAMPLE.COM\""),
        good.replace("uri=\"sip:bob@example.com\"", "uri=\"sip:bob@Example.com\""),
        good.replace("alice", "al\u00e9ce"))) {
      cases.add(List.of(v));
    }
    cases.add(List.of(good, good));
    cases.add(List.of("Digest realm=\"elsewhere\", username=\"x\"", good));
    for (List<String> values : cases) {
      sameVerdict(text(message, values).getBytes(StandardCharsets.UTF_8), values.toString());
    }
  }

  @Test
  void conformanceMessagesWithCredentialsHaveTheSameVerdictParsedOrBuilt() {
    for (String file : List.of("rfc4475/regaut01.dat", "rfc3665/3.3/F04.dat",
        "rfc3665/3.3/F10.dat", "rfc3665/2.1/F03.dat", "rfc3665/2.3/F01.dat",
        "rfc3665/3.10/F15.dat", "rfc3665/3.8/F20.dat", "rfc3665/3.11/F14.dat")) {
      byte[] bytes = Messages.corpus(file);
      SipRequest parsed = (SipRequest) SipParser.create().parse(bytes);
      SipRequest built = built(parsed);
      for (String realm : List.of(REALM, "atlanta.example.com", "biloxi.example.com")) {
        assertThat(unplaced(server().authenticateProxy(parsed, realm)))
            .as(file).isEqualTo(unplaced(server().authenticateProxy(built, realm)));
        assertThat(unplaced(server().authenticate(parsed, realm)))
            .as(file).isEqualTo(unplaced(server().authenticate(built, realm)));
      }
      assertThat(parsed.headers(Header.PROXY_AUTHORIZATION))
          .isEqualTo(built.headers(Header.PROXY_AUTHORIZATION));
    }
  }
}
