package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintCommandTest {
  private static final String VALID = String.join("\r\n",
      "OPTIONS sip:bob@example.com SIP/2.0",
      "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK776asdhds",
      "Max-Forwards: 70",
      "To: <sip:bob@example.com>",
      "From: <sip:alice@example.com>;tag=1928301774",
      "Call-ID: a84b4c76e66710",
      "CSeq: 1 OPTIONS",
      "Content-Length: 0",
      "", "");

  @TempDir Path dir;

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Parley.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void validMessageExitsZeroAndSaysValid() throws Exception {
    Path f = write("ok.sip", VALID);
    Result r = run("lint", f.toString());
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(f + ": valid\n");
  }

  @Test
  void invalidMessageExitsOneWithReasonAndPosition() throws Exception {
    Path ok = write("ok.sip", VALID);
    Path bad = write("bad.sip", VALID.replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS"));
    Result r = run("lint", ok.toString(), bad.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out().split("\n")).containsExactly(
        ok + ": valid",
        bad + ": invalid: CSeq: expected CSeq sequence number (digits), found 'o' at 7:7");
  }

  @Test
  void lenientPolicyListsRepairs() throws Exception {
    Path f = write("trws.sip", VALID.replace("SIP/2.0\r\nVia", "SIP/2.0  \r\nVia"));
    assertThat(run("lint", f.toString()).status()).isEqualTo(1);
    Result r = run("lint", "--policy", "lenient", f.toString());
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(f + ": valid (repaired: EXTRA_WHITESPACE_IN_START_LINE)\n");
  }

  @Test
  void jsonShowsStartLineHeadersAndBody() throws Exception {
    Path f = write("ok.sip", VALID);
    Result r = run("lint", "--json", f.toString());
    assertThat(r.status()).isZero();
    assertThat(r.out()).startsWith("{\"file\":\"" + f + "\",\"valid\":true,\"kind\":\"request\","
        + "\"method\":\"OPTIONS\",\"requestUri\":\"sip:bob@example.com\"");
    assertThat(r.out()).contains("{\"name\":\"CSeq\",\"value\":\"1 OPTIONS\"}");
    assertThat(r.out()).contains("\"body\":{\"length\":0,\"contentType\":null}");
  }

  @Test
  void jsonReportsErrorWithStatus() throws Exception {
    Path f = write("v.sip", VALID.replace("OPTIONS sip:bob@example.com SIP/2.0", "OPTIONS sip:bob@example.com SIP/3.0"));
    Result r = run("lint", "--json", f.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).contains("\"valid\":false").contains("\"status\":505").contains("\"line\":1");
  }

  @Test
  void readsStandardInputForDash() {
    InputStream saved = System.in;
    try {
      System.setIn(new ByteArrayInputStream(VALID.getBytes(StandardCharsets.UTF_8)));
      Result r = run("lint", "-");
      assertThat(r.status()).isZero();
      assertThat(r.out()).isEqualTo("-: valid\n");
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void missingFileAndBadOptionsAreUsageErrors() {
    Result missing = run("lint", dir.resolve("nope.sip").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");
    assertThat(run("lint", "--bogus").status()).isEqualTo(2);
    assertThat(run("lint", "--policy", "sloppy", "x").status()).isEqualTo(2);
  }

  @Test
  void helpListsLint() {
    Result r = run("--help");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("lint");
  }
}
