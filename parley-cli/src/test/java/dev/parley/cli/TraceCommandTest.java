package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.SessionTrace;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code parley trace} on the trace of a real call: Alice calls Bob (who accepts), then hangs up,
 * both as {@code parley client} with {@code --trace-dir}; the caller's trace is rendered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TraceCommandTest {
  @TempDir static Path dir;
  static Path traceFile;
  static SessionTrace trace;
  static String aliceAddress;
  static String bobAddress;

  @BeforeAll
  static void recordACall() throws Exception {
    Path traces = dir.resolve("traces");
    try (ClientRun bob = ClientRun.start("bob", "--user", "sip:bob@127.0.0.1", "--listen",
            "udp:127.0.0.1:0", "--json", "--on-invite", "accept");
        ClientRun alice = ClientRun.start("alice", "--user", "sip:alice@127.0.0.1", "--listen",
            "udp:127.0.0.1:0", "--json", "--trace-dir", traces.toString())) {
      String bobUri = bob.contact();
      String aliceUri = alice.contact();
      bobAddress = bobUri.substring(bobUri.indexOf('@') + 1);
      aliceAddress = aliceUri.substring(aliceUri.indexOf('@') + 1);
      alice.type("call " + bobUri).type("wait state:CONNECTED 10").type("hangup");
      Map<String, Object> ended = alice.await("ended");
      traceFile = Path.of((String) ended.get("trace"));
      alice.type("quit");
      assertThat(alice.exitStatus()).isZero();
    }
    trace = SessionTrace.read(traceFile);
  }

  @Test
  void theTerminalLadderHasAColumnPerSideAndNumberedArrowsInCallOrder() {
    StringWriter out = new StringWriter();
    assertThat(Parley.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "trace",
        traceFile.toString())).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).matches("\\s*#  time\\(s\\)  " + Pattern.quote(aliceAddress) + " +"
        + Pattern.quote(bobAddress));
    int aliceColumn = lines.get(0).indexOf(aliceAddress);
    int bobColumn = lines.get(0).indexOf(bobAddress);
    Pattern row = Pattern.compile("^\\s*(\\d+)  (\\d+\\.\\d{3}) +(\\|.*\\|)$");
    List<String> labels = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      Matcher m = row.matcher(line);
      if (!m.matches()) {
        break;
      }
      assertThat(Integer.parseInt(m.group(1))).isEqualTo(labels.size() + 1);
      String arrow = m.group(3);
      String label = arrow.replaceAll("^\\|<?-+", "").replaceAll("-+>?\\|$", "");
      labels.add(label);
      boolean fromAlice = arrow.endsWith(">|");
      boolean request = !label.matches("\\d{3} .*");
      // in this call every request goes from Alice to Bob and every response comes back
      assertThat(fromAlice).as("direction of %s", label).isEqualTo(request);
      assertThat(line.indexOf('|')).as("%s starts at Alice's column", label).isEqualTo(aliceColumn);
      assertThat(line.lastIndexOf('|')).as("%s ends at Bob's column", label).isEqualTo(bobColumn);
    }
    assertThat(labels).hasSize(trace.messages().size());
    assertThat(labels).containsSubsequence("INVITE", "180 Ringing", "200 OK", "ACK", "BYE",
        "200 OK (BYE)");
    assertThat(labels.get(0)).isEqualTo("INVITE");
    assertThat(labels.get(labels.size() - 1)).isEqualTo("200 OK (BYE)");
    // then every message in full, under its number
    for (int n = 1; n <= labels.size(); n++) {
      assertThat(out.toString()).contains("\n--- " + n + " ");
    }
    assertThat(out.toString()).contains("INVITE sip:bob@" + bobAddress + " SIP/2.0")
        .contains("BYE sip:bob@" + bobAddress + " SIP/2.0");
  }

  @Test
  void theHtmlLadderIsWellFormedWithOneArrowPerMessageAndEveryMessageEmbedded() throws Exception {
    Path html = dir.resolve("ladder.html");
    StringWriter out = new StringWriter();
    assertThat(Parley.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "trace",
        traceFile.toString(), "--html", html.toString())).isZero();
    assertThat(out.toString().strip()).isEqualTo("parley trace: wrote " + html + " ("
        + trace.messages().size() + " messages)");
    String page = Files.readString(html);
    assertThat(page).doesNotContainPattern("(src|href)=\"(https?:)?//").doesNotContain("<link")
        .contains("<svg").contains("<script>").contains("<style>");

    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(
        page.getBytes(StandardCharsets.UTF_8)));
    List<Element> arrows = new ArrayList<>();
    NodeList groups = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    for (int i = 0; i < groups.getLength(); i++) {
      Element g = (Element) groups.item(i);
      if (g.getAttribute("class").startsWith("arrow ")) {
        arrows.add(g);
      }
    }
    assertThat(arrows).hasSize(trace.messages().size());
    List<String> columns = new ArrayList<>();
    NodeList texts = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
    for (int i = 0; i < texts.getLength(); i++) {
      Element t = (Element) texts.item(i);
      if (t.getAttribute("class").equals("column")) {
        columns.add(t.getTextContent());
      }
    }
    assertThat(columns).containsExactly(aliceAddress, bobAddress);
    for (int n = 1; n <= arrows.size(); n++) {
      SessionTrace.Message m = trace.messages().get(n - 1);
      Element g = arrows.get(n - 1);
      assertThat(g.getAttribute("id")).isEqualTo("arrow-" + n);
      assertThat(label(g)).isEqualTo(m.label());
      assertThat(((Element) g.getParentNode()).getAttribute("href")).isEqualTo("#message-" + n);
      Element item = doc.getElementById("message-" + n);
      if (item == null) { // no DTD: ids are found by attribute
        item = byId(doc, "message-" + n);
      }
      assertThat(item).as("message %d", n).isNotNull();
      String embedded = item.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", "pre").item(0)
          .getTextContent();
      assertThat(embedded).isEqualTo(m.text().replace("\r", ""));
    }
    assertThat(arrows.get(0).getAttribute("class")).isEqualTo("arrow request");
  }

  @Test
  void aFileThatIsNotATraceIsAnError() throws Exception {
    Path bad = dir.resolve("bad.trace");
    Files.writeString(bad, "hello\n");
    StringWriter err = new StringWriter();
    assertThat(Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "trace",
        bad.toString())).isEqualTo(2);
    assertThat(err.toString()).contains(bad + ": not a parley-trace/1 file");
    assertThat(Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "trace",
        dir.resolve("missing").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("missing: no such file");
  }

  private static String label(Element g) {
    NodeList texts = g.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
    for (int i = 0; i < texts.getLength(); i++) {
      Element t = (Element) texts.item(i);
      if (t.getAttribute("class").equals("label")) {
        return t.getTextContent();
      }
    }
    return null;
  }

  private static Element byId(Document doc, String id) {
    NodeList all = doc.getElementsByTagNameNS("*", "*");
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if (id.equals(e.getAttribute("id"))) {
        return e;
      }
    }
    return null;
  }
}
