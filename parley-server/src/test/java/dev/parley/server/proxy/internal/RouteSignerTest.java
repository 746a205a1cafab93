package dev.parley.server.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipUri;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Record-Route ({@code psig}) and origination ({@code porig}) signatures. */
class RouteSignerTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef"
      .getBytes(StandardCharsets.US_ASCII);
  private static final SipUri CAROL = SipUri.parse("sip:carol@127.0.0.1:5070");

  private final RouteSigner signer = new RouteSigner(SECRET);

  @Test
  void anOriginationSignatureVerifiesForItsCallIdTagAndTargetOnly() {
    String sig = signer.signOrigination("call-1", "tag-1", CAROL);

    assertThat(signer.verifyOrigination(sig, "call-1", "tag-1", CAROL)).isTrue();
    assertThat(signer.verifyOrigination(sig, "call-2", "tag-1", CAROL)).isFalse();
    assertThat(signer.verifyOrigination(sig, "call-1", "tag-2", CAROL)).isFalse();
    assertThat(signer.verifyOrigination(sig, "call-1", "tag-1",
        SipUri.parse("sip:dave@127.0.0.1:5070"))).isFalse();
    assertThat(new RouteSigner("another secret, 16+ bytes".getBytes(StandardCharsets.US_ASCII))
        .verifyOrigination(sig, "call-1", "tag-1", CAROL)).isFalse();
  }

  @Test
  void aRecordRouteSignatureNeverVerifiesAsAnOriginationNorTheReverse() {
    String dialog = signer.sign("call-1", "tag-1", CAROL);
    assertThat(signer.verifyOrigination(dialog, "call-1", "tag-1", CAROL)).isFalse();
    // whatever Call-ID the holder of a dialog signature chose, as with a prefixed MAC input
    String prefixed = signer.sign("origin\0call-1", "tag-1", CAROL);
    assertThat(signer.verifyOrigination(prefixed, "call-1", "tag-1", CAROL)).isFalse();

    String origination = signer.signOrigination("call-1", "tag-1", CAROL);
    assertThat(signer.verify(origination, "call-1", "tag-1", null, CAROL)).isFalse();
    assertThat(signer.verify(origination, "call-1", null, "tag-1", CAROL)).isFalse();
  }
}
