package dev.parley.auth;

import dev.parley.sip.Challenge;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Uri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Requests, challenges and corpus files for the auth tests. */
final class Messages {
  private Messages() {}

  static SipRequest request(SipMethod method, String requestUri) {
    return SipRequest.builder(method, Uri.parse(requestUri))
        .header(HeaderName.VIA, "SIP/2.0/UDP client.example.com:5060;branch=z9hG4bK776asdhds")
        .header(HeaderName.MAX_FORWARDS, "70")
        .header(HeaderName.FROM, "Alice <sip:alice@example.com>;tag=1928301774")
        .header(HeaderName.TO, "Alice <sip:alice@example.com>")
        .header(HeaderName.CALL_ID, "a84b4c76e66710@client.example.com")
        .header(HeaderName.CSEQ, "1 " + method)
        .header(HeaderName.CONTACT, "<sip:alice@192.0.2.4>")
        .build();
  }

  static SipRequest register() {
    return request(SipMethod.REGISTER, "sip:example.com");
  }

  /** A 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) answering {@code request}. */
  static SipResponse challenge(SipRequest request, int status, List<Challenge> challenges) {
    HeaderName name = status == 407 ? HeaderName.PROXY_AUTHENTICATE : HeaderName.WWW_AUTHENTICATE;
    SipResponse.Builder b = SipResponse.builder(status)
        .header(HeaderName.VIA, request.headers().get(HeaderName.VIA))
        .header(HeaderName.FROM, request.headers().get(HeaderName.FROM))
        .header(HeaderName.TO, request.headers().get(HeaderName.TO) + ";tag=8321234356")
        .header(HeaderName.CALL_ID, request.callId())
        .header(HeaderName.CSEQ, request.cseq().toString());
    for (Challenge c : challenges) {
      b.header(name, c.toString());
    }
    return b.build();
  }

  static byte[] corpus(String relative) {
    List<Path> candidates = new ArrayList<>();
    String prop = System.getProperty("parley.conformance.dir");
    if (prop != null) {
      candidates.add(Path.of(prop));
    }
    candidates.add(Path.of("../../shared/conformance"));
    candidates.add(Path.of("../shared/conformance"));
    for (Path dir : candidates) {
      Path file = dir.resolve(relative);
      if (Files.isRegularFile(file)) {
        try {
          return Files.readAllBytes(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException(relative + " not found under " + candidates
        + " (set -Dparley.conformance.dir)");
  }
}
