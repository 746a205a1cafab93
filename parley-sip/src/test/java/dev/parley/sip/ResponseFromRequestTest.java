package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A response made from its request ({@link SipRequest#response(int, String)}) keeps the copied
 * fields as the request's bytes: it writes, reads and compares as the response made by giving
 * the builder those fields as text.
 */
class ResponseFromRequestTest {
  private static final SipParser PARSER = SipParser.create();
  private static final SipParser LENIENT = SipParser.builder().policy(CompliancePolicy.LENIENT).build();

  /** The response made as up to session 18: every copied field given to the builder as text. */
  private static SipResponse.Builder byText(SipRequest request, int status, String toTag) {
    SipResponse.Builder b = SipResponse.builder(status);
    Headers h = request.headers();
    for (int i = 0; i < h.size(); i++) {
      HeaderName name = h.headerName(i);
      if (name.equals(HeaderName.VIA) || name.equals(HeaderName.FROM)
          || name.equals(HeaderName.CALL_ID) || name.equals(HeaderName.CSEQ)) {
        b.header(name, h.value(i));
      } else if (name.equals(HeaderName.TO)) {
        String value = h.value(i);
        if (status > 100 && toTag != null && request.to().tag() == null) {
          value = value + ";tag=" + toTag;
        }
        b.header(name, value);
      } else if (name.equals(HeaderName.RECORD_ROUTE) && status > 100 && status < 300) {
        b.header(name, h.value(i));
      } else if (name.equals(HeaderName.TIMESTAMP) && status == 100) {
        b.header(name, h.value(i));
      }
    }
    return b;
  }

  private static List<SipRequest> requests() {
    String plain = "INVITE sip:bob@example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-a;rport\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb, SIP/2.0/TCP 10.0.0.3;branch=z9hG4bKc\r\n"
        + "Max-Forwards: 69\r\n"
        + "Record-Route: <sip:10.0.0.2;lr>\r\n"
        + "From: \"A. Caller\" <sip:alice@example.com>;tag=9\r\n"
        + "To: <sip:bob@example.com>\r\n"
        + "Call-ID: abc@10.0.0.2\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Timestamp: 54\r\n"
        + "Contact: <sip:alice@10.0.0.2>\r\n"
        + "Content-Length: 0\r\n\r\n";
    List<String> texts = List.of(plain,
        plain.replace("To: <sip:bob@example.com>", "To: <sip:bob@example.com>;tag=ours"),
        plain.replace("To: <sip:bob@example.com>", "To: sip:bob@example.com;x=1"),
        plain.replace("Via: SIP/2.0/UDP 127", "v: SIP/2.0/UDP 127").replace("From:", "f:")
            .replace("To:", "t:").replace("Call-ID:", "i:"),
        plain.replace("From: \"A. Caller\"", "From: \"Zoë\"").replace("Call-ID: abc",
            "Call-ID:\r\n  abc"), // a non-ASCII name, a folded value
        plain.replace("Record-Route: <sip:10.0.0.2;lr>\r\n", ""));
    List<SipRequest> out = new ArrayList<>();
    for (String text : texts) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      SipRequest parsed = (SipRequest) PARSER.parse(bytes);
      out.add(parsed);
      out.add(parsed.withReceived(new InetSocketAddress("192.0.2.4", 5060)).checkMandatoryHeaders());
      out.add(parsed.toBuilder().build()); // built: no bytes to share
      SipRequest read = (SipRequest) PARSER.parse(bytes);
      read.headers().value(4); // some values decoded already
      read.from();
      out.add(read);
    }
    SipRequest lenient = (SipRequest) LENIENT.parse(plain.replace("From: \"A. Caller\" <sip:alice@example.com>",
        "From: < sip:alice@example.com >"));
    lenient.checkMandatoryHeaders();
    assertThat(lenient.violations()).isNotEmpty();
    out.add(lenient);
    return out;
  }

  private static final List<UnaryOperator<SipResponse.Builder>> EDITS = List.of(
      b -> b,
      b -> b.header(HeaderName.CONTACT, "<sip:bob@10.0.0.9>").header(HeaderName.SERVER, "p/1"),
      b -> b.header(HeaderName.of("X-Long-Name"), "1").header(HeaderName.of("x-short"), "2"),
      b -> b.setHeader(HeaderName.TO, "<sip:carol@example.com>;tag=c"),
      b -> b.header(HeaderName.CONTACT, "<sip:bob@10.0.0.9>").removeHeader(HeaderName.RECORD_ROUTE),
      b -> b.addFirstHeader(HeaderName.of("X-First"), "f"),
      b -> b.body(MediaType.parse("application/sdp"), "v=0\r\n"),
      b -> b.header(HeaderName.TO, "<sip:second@example.com>;tag=2"),
      b -> b.warning(399, "bob.example.com", "busy"));

  /**
   * What a read gives: its value, or the reason it fails (not where: a copied field's place is
   * its place in the request's text).
   */
  private static Object read(java.util.function.Supplier<?> reader) {
    try {
      return reader.get();
    } catch (SipParseException e) {
      return "fails: " + e.reason();
    }
  }

  @Test
  void aResponseMadeFromItsRequestWritesReadsAndComparesAsTheOneMadeFromTheFieldsText() {
    int checked = 0;
    for (SipRequest request : requests()) {
      for (int status : new int[] {100, 180, 200, 486}) {
        for (String tag : new String[] {null, "t1"}) {
          for (UnaryOperator<SipResponse.Builder> edit : EDITS) {
            SipResponse expected = edit.apply(byText(request, status, tag)).build();
            SipResponse out = edit.apply(request.response(status, tag)).build();
            assertThat(out.encode()).as("%s %s %s", status, tag, request).isEqualTo(expected.encode());
            assertThat(out.toString()).isEqualTo(expected.toString());
            assertThat(out).isEqualTo(expected).hasSameHashCodeAs(expected);
            assertThat(out.headers().size()).isEqualTo(expected.headers().size());
            for (int i = 0; i < out.headers().size(); i++) {
              assertThat(out.headers().name(i)).isEqualTo(expected.headers().name(i));
              assertThat(out.headers().value(i)).isEqualTo(expected.headers().value(i));
            }
            assertThat(read(out::toTag)).isEqualTo(read(() -> expected.to().tag()));
            assertThat(read(out::vias)).isEqualTo(read(expected::vias));
            assertThat(read(out::from)).isEqualTo(read(expected::from));
            assertThat(read(out::to)).isEqualTo(read(expected::to));
            assertThat(read(out::callId)).isEqualTo(read(expected::callId));
            assertThat(read(out::cseq)).isEqualTo(read(expected::cseq));
            out.dropParsedValues();
            assertThat(out.encode()).isEqualTo(expected.encode());
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(25 * 4 * 2 * EDITS.size());
  }

  @Test
  void aResponseMadeFromARequestWhoseFieldsWereReadReadsAsTheOneMadeFromTheFieldsText() {
    int checked = 0;
    for (SipRequest request : requests()) {
      // read as the transport's check reads a received request, before any response is made
      read(request::vias);
      read(request::from);
      read(request::to);
      read(request::callId);
      Object requestCSeq = read(request::cseq);
      for (int status : new int[] {100, 180, 486}) {
        for (UnaryOperator<SipResponse.Builder> edit : EDITS) {
          SipResponse expected = edit.apply(byText(request, status, "t1")).build();
          SipResponse out = edit.apply(request.response(status, "t1")).build();
          // every typed read of the copy (each at its own place) as the one made from text
          assertThat(read(out::cseq)).as("%s %s", status, request).isEqualTo(read(expected::cseq));
          assertThat(read(out::vias)).isEqualTo(read(expected::vias));
          assertThat(read(out::from)).isEqualTo(read(expected::from));
          assertThat(read(out::to)).isEqualTo(read(expected::to));
          assertThat(read(out::callId)).isEqualTo(read(expected::callId));
          assertThat(read(out::contentType)).isEqualTo(read(expected::contentType));
          assertThat(out.encode()).isEqualTo(expected.encode());
          assertThat(read(out::cseq)).isEqualTo(read(((SipResponse) PARSER.parse(out.encode()))::cseq));
          out.dropParsedValues();
          assertThat(read(out::cseq)).isEqualTo(read(expected::cseq));
          checked++;
        }
      }
      if (request.violations().isEmpty() && requestCSeq instanceof CSeq) {
        // the CSeq the request read is the response's, not parsed again
        assertThat(request.response(486, "t1").build().cseq()).isSameAs(requestCSeq);
      }
    }
    assertThat(checked).isEqualTo(25 * 3 * EDITS.size());
  }

  @Test
  void aResponseWritesItsStartLineAsItsText() {
    SipRequest request = requests().get(0);
    for (int status : new int[] {100, 180, 183, 200, 302, 404, 486, 500, 603, 699}) {
      for (String reason : new String[] {null, "", "Busy Here", "Très occupé", "Call  Me Later"}) {
        SipResponse.Builder b = request.response(status, "t1");
        if (reason != null) {
          b.reasonPhrase(reason);
        }
        SipResponse r = b.body(MediaType.parse("text/plain"), "é".getBytes(StandardCharsets.UTF_8))
            .build();
        String wire = new String(r.encode(), StandardCharsets.UTF_8);
        assertThat(wire).as("%s %s", status, reason).startsWith(r.startLine() + "\r\n")
            .isEqualTo(r.toString());
      }
    }
  }

  @Test
  void theToTagIsTheOneAddedOrTheRequestsOwn() {
    SipRequest request = requests().get(0);
    assertThat(request.response(486, "t1").build().toTag()).isEqualTo("t1");
    assertThat(request.response(100, "t1").build().toTag()).isNull(); // a 100 Trying adds none
    SipRequest tagged = (SipRequest) PARSER.parse(request.toString().replace(
        "To: <sip:bob@example.com>", "To: <sip:bob@example.com>;tag=ours"));
    assertThat(tagged.response(200, "t1").build().toTag()).isEqualTo("ours");
    assertThat(request.response(486, "t1").setHeader(HeaderName.TO, "<sip:c@example.com>;tag=c")
        .build().toTag()).isEqualTo("c");
  }
}
