package dev.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.auth.AuthResult.Status;
import dev.parley.sip.Challenge;
import dev.parley.sip.Header;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzz targets (Jazzer) for digest header parsing, on both sides. The normal build
 * runs each over {@code src/test/resources/dev/parley/auth/DigestCoverageFuzzTestInputs/<target>/}
 * (the Authorization and WWW-Authenticate values of RFC 3665, RFC 7616 and the auth tests, plus
 * every finding); {@code JAZZER_FUZZ=1} fuzzes one (see {@code docs/reliability.md}, "Fuzzing").
 *
 * <p>The input is one header value (line ends become spaces, so it stays one field). In an
 * Authorization value, {@code $nonce} stands for a nonce the server really issued, so that the
 * checks behind the nonce's are reached too.
 *
 * <p>The contract: the server's verdict is an {@link AuthResult}, never an exception, and never
 * OK without the password; the client answers a 401 with a request that parses back and carries
 * credentials for a realm challenged, or declines with null, and never throws.
 */
class DigestCoverageFuzzTest {
  private static final String REALM = "example.com";
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
  private static final Map<DigestAlgorithm, String> ALICE_HA1 =
      Ha1.computeAll("alice", REALM, "wonderland");
  private static final CredentialStore STORE = (user, realm, algorithm) ->
      user.equals("alice") && realm.equals(REALM) ? ALICE_HA1.get(algorithm) : null;
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
  private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
  private static final SipParser PARSER = SipParser.create();

  private static final String REGISTER_HEAD = "REGISTER sip:example.com SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP client.example.com:5060;branch=z9hG4bK776asdhds\r\n"
      + "Max-Forwards: 70\r\n"
      + "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
      + "To: Alice <sip:alice@example.com>\r\n"
      + "Call-ID: a84b4c76e66710@client.example.com\r\n"
      + "CSeq: 1 REGISTER\r\n"
      + "Contact: <sip:alice@192.0.2.4>\r\n";

  @FuzzTest
  void serverVerdictIsAnAuthResultNeverOkWithoutThePassword(byte[] input) {
    DigestAuthenticator server = DigestAuthenticator.builder(STORE).clock(CLOCK).secret(SECRET)
        .build();
    String nonce = server.challenges(REALM, false, CLIENT).get(0).parameter("nonce");
    String value = headerValue(input).replace("$nonce", nonce);
    SipRequest request = request(REGISTER_HEAD + "Authorization: " + value + "\r\n"
        + "Proxy-Authorization: " + value + "\r\nContent-Length: 0\r\n\r\n");
    if (request == null) {
      return;
    }
    for (int i = 0; i < 2; i++) { // the second time through the nonce counters
      for (AuthResult r : List.of(server.authenticate(request, REALM),
          server.authenticate(request, REALM, CLIENT),
          server.authenticateProxy(request, REALM, CLIENT))) {
        assertThat(r).isNotNull();
        assertThat(r.status()).as(r.detail()).isNotEqualTo(Status.OK);
      }
    }
  }

  @FuzzTest
  void clientAnswersAnyChallengeOrDeclines(byte[] input) {
    String value = headerValue(input);
    SipRequest original = request(REGISTER_HEAD + "Content-Length: 0\r\n\r\n");
    SipMessage parsed;
    try {
      parsed = PARSER.parse((original.response(401).build().toString().replace(
          "Content-Length: 0\r\n", "WWW-Authenticate: " + value + "\r\nContent-Length: 0\r\n"))
          .getBytes(StandardCharsets.UTF_8));
    } catch (SipParseException e) {
      return;
    }
    SipResponse unauthorized = (SipResponse) parsed;
    SipRequest retry = new DigestClient().authorize(original, unauthorized,
        CredentialsProvider.of(UserSecret.ofPassword("alice", "wonderland")));
    if (retry == null) {
      return;
    }
    SipRequest again = (SipRequest) PARSER.parse(retry.encode());
    again.validate();
    assertThat(again.cseq().sequence()).isEqualTo(original.cseq().sequence() + 1);
    List<String> challenged = unauthorized.headers(Header.WWW_AUTHENTICATE).stream()
        .map(c -> c.parameter("realm")).toList();
    assertThat(again.headers(Header.AUTHORIZATION)).isNotEmpty()
        .allSatisfy(c -> assertThat(challenged).contains(c.parameter("realm")));
    for (Challenge c : unauthorized.headers(Header.WWW_AUTHENTICATE)) {
      assertThat(c.scheme()).isNotBlank();
    }
  }

  /** The input as one header value: UTF-8, line ends and NULs replaced by spaces. */
  private static String headerValue(byte[] input) {
    return new String(input, StandardCharsets.UTF_8).replace('\r', ' ').replace('\n', ' ')
        .replace('\0', ' ');
  }

  private static SipRequest request(String text) {
    try {
      return (SipRequest) PARSER.parse(text.getBytes(StandardCharsets.UTF_8));
    } catch (SipParseException e) {
      return null;
    }
  }
}
