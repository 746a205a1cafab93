package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** {@code parley --version} names the version the build was made from, as the pom says it. */
class VersionOptionTest {

  /** The version in parley-cli/pom.xml (its parent's: the module declares none of its own). */
  private static String pomVersion() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Element parent = (Element) f.newDocumentBuilder().parse(Path.of("pom.xml").toFile())
        .getDocumentElement().getElementsByTagName("parent").item(0);
    return parent.getElementsByTagName("version").item(0).getTextContent().strip();
  }

  @Test
  void versionOptionPrintsThePomVersionAndTheCommitWhenTheBuildKnowsIt() throws Exception {
    StringWriter out = new StringWriter();
    int status = Parley.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "--version");
    assertThat(status).isZero();
    assertThat(out.toString().strip()).matches(
        "parley " + Pattern.quote(pomVersion()) + "( \\(commit [0-9a-f]{7,40}(-dirty)?\\))?");
  }
}
