package dev.parley.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.architecture.ArchitectureRules.Breach;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's modules keep their walls: no module uses another's {@code internal} package, nor
 * another role's within a module ({@code dev.parley.server.proxy.internal} is the proxy's),
 * layers depend downward only, and each module's code stays in its own packages
 * (docs/architecture.md).
 * The first test reads this checkout; the others show the rules on small made-up builds.
 */
class ArchitectureTest {
  @TempDir
  Path build;

  @Test
  void everyModuleOfThisBuildKeepsTheArchitectureRules() {
    String root = System.getProperty("parley.root");
    Path checkout = root != null ? Paths.get(root) : Paths.get("..");
    List<Breach> breaches = ArchitectureRules.check(checkout.toAbsolutePath().normalize());
    if (!breaches.isEmpty()) {
      fail(breaches.size() + " architecture rule(s) broken (see docs/architecture.md):\n"
          + breaches.stream().map(Breach::toString).collect(Collectors.joining("\n")));
    }
  }

  @Test
  void importingAnotherModulesInternalPackageIsReportedWithFileLineAndRule() throws IOException {
    modules("parley-sip", "parley-transport", "parley-server");
    write("parley-server/src/main/java/dev/parley/server/internal/ProxyMessages.java", """
        package dev.parley.server.internal;

        import dev.parley.sip.SipResponse;
        import dev.parley.transport.internal.ViaStamp;

        final class ProxyMessages {}
        """);

    List<Breach> breaches = check();

    assertThat(breaches).hasSize(1);
    assertThat(breaches.get(0).toString()).isEqualTo(
        "parley-server/src/main/java/dev/parley/server/internal/ProxyMessages.java:4:"
            + " import dev.parley.transport.internal.ViaStamp;\n"
            + "    breaks: a module never uses another module's internal package:"
            + " dev.parley.transport.internal is the implementation of parley-transport;"
            + " use its public API (dev.parley.transport) or move the code");
  }

  @Test
  void aRolesInternalPackageIsUsedByThatRoleOnly() throws IOException {
    modules("parley-server");
    write("parley-server/src/main/java/dev/parley/server/proxy/Proxy.java", """
        package dev.parley.server.proxy;
        import dev.parley.server.proxy.internal.ProxyCore;
        public final class Proxy {}
        """);
    write("parley-server/src/main/java/dev/parley/server/proxy/internal/ProxyContext.java", """
        package dev.parley.server.proxy.internal;
        import dev.parley.server.internal.Tags;
        final class ProxyContext {}
        """);
    write("parley-server/src/main/java/dev/parley/server/SipServer.java", """
        package dev.parley.server;
        import dev.parley.server.proxy.Proxy;
        import dev.parley.server.proxy.internal.ProxyCore;
        public final class SipServer {}
        """);
    write("parley-server/src/test/java/dev/parley/server/ProxyTest.java", """
        package dev.parley.server;
        import dev.parley.server.proxy.internal.ProxyCore;
        class ProxyTest {}
        """);

    assertThat(check()).singleElement().hasToString(
        "parley-server/src/main/java/dev/parley/server/SipServer.java:3:"
            + " import dev.parley.server.proxy.internal.ProxyCore;\n"
            + "    breaks: a role's internal package is used by that role only:"
            + " dev.parley.server.proxy.internal is the implementation of dev.parley.server.proxy;"
            + " use its public API (dev.parley.server.proxy) or move the code");
  }

  @Test
  void aFullyQualifiedNameInCodeCountsLikeAnImport() throws IOException {
    modules("parley-sip", "parley-transaction");
    write("parley-transaction/src/main/java/dev/parley/transaction/X.java", """
        package dev.parley.transaction;

        final class X {
          void trim(Object m) {
            dev.parley.sip.internal.MessageAccess.get().trim(m);
          }
        }
        """);

    assertThat(check()).singleElement().satisfies(b -> {
      assertThat(b.line()).isEqualTo(5);
      assertThat(b.rule()).startsWith(ArchitectureRules.INTERNAL_RULE);
    });
  }

  @Test
  void commentsAndStringsAreNotCode() throws IOException {
    modules("parley-sip", "parley-transport", "parley-server");
    write("parley-server/src/main/java/dev/parley/server/X.java", """
        package dev.parley.server;

        /** Unlike {@link dev.parley.transport.internal.ViaStamp}, this ... */
        final class X {
          // dev.parley.client.Endpoint
          String a = "dev.parley.transport.internal.ViaStamp";
          String b = \"""
              dev.parley.client.Endpoint
              \""";
          char c = '"'; /* dev.parley.client.Endpoint */
        }
        """);

    assertThat(check()).isEmpty();
  }

  @Test
  void aModulesOwnTestsMayUseItsInternalsButNotAnotherModules() throws IOException {
    modules("parley-sip", "parley-transport");
    write("parley-transport/src/test/java/dev/parley/transport/OwnTest.java", """
        package dev.parley.transport;
        import dev.parley.transport.internal.NettyTransportCore;
        class OwnTest {}
        """);
    write("parley-transport/src/test/java/dev/parley/transport/OtherTest.java", """
        package dev.parley.transport;
        import static dev.parley.sip.internal.Chars.isToken;
        class OtherTest {}
        """);

    assertThat(check()).singleElement().satisfies(b -> {
      assertThat(b.file()).endsWith("OtherTest.java");
      assertThat(b.code()).isEqualTo("import static dev.parley.sip.internal.Chars.isToken;");
    });
  }

  @Test
  void aLowerLayerImportingAHigherOneIsReported() throws IOException {
    modules("parley-sip", "parley-transport", "parley-transaction", "parley-dialog");
    write("parley-transport/src/main/java/dev/parley/transport/X.java", """
        package dev.parley.transport;
        import dev.parley.dialog.UserAgent;
        final class X {}
        """);

    assertThat(check()).singleElement().satisfies(b -> assertThat(b.rule()).isEqualTo(
        "layers depend downward only: parley-transport may use parley-sip;"
            + " parley-dialog is not below it"));
  }

  @Test
  void theServerMayUseTheLayersBelowItAndTheFocusButNeverTheClient() throws IOException {
    modules("parley-sip", "parley-sdp", "parley-auth", "parley-transport", "parley-transaction",
        "parley-dialog", "parley-media", "parley-json", "parley-focus", "parley-client",
        "parley-server");
    write("parley-server/src/main/java/dev/parley/server/X.java", """
        package dev.parley.server;
        import dev.parley.sip.SipRequest;
        import dev.parley.transport.Hop;
        import dev.parley.transaction.ServerTransaction;
        import dev.parley.auth.DigestAuthenticator;
        import dev.parley.client.Endpoint;
        import dev.parley.focus.Focus;
        final class X {}
        """);

    assertThat(check()).singleElement().satisfies(b -> {
      assertThat(b.line()).isEqualTo(6);
      assertThat(b.rule()).startsWith(ArchitectureRules.LAYER_RULE)
          .endsWith("parley-client is not below it");
    });
  }

  @Test
  void theFocusNeverUsesTheClientNorTheServer() throws IOException {
    modules("parley-sip", "parley-sdp", "parley-auth", "parley-transport", "parley-transaction",
        "parley-dialog", "parley-media", "parley-json", "parley-focus", "parley-client",
        "parley-server");
    write("parley-focus/src/main/java/dev/parley/focus/Y.java", """
        package dev.parley.focus;
        import dev.parley.dialog.UserAgent;
        import dev.parley.media.AudioStream;
        import dev.parley.client.Endpoint;
        import dev.parley.server.SipServer;
        final class Y {}
        """);

    assertThat(check()).extracting(Breach::line).containsExactly(4, 5);
  }

  @Test
  void testsMayUseAnyModuleTheirPomBringsIn() throws IOException {
    modules("parley-sip", "parley-sdp", "parley-transport", "parley-transaction", "parley-dialog",
        "parley-server", "parley-client");
    write("parley-client/src/test/java/dev/parley/client/WithServerTest.java", """
        package dev.parley.client;
        import dev.parley.server.SipServer;
        class WithServerTest {}
        """);

    assertThat(check()).isEmpty();
  }

  @Test
  void aClassInAnotherModulesPackageIsReported() throws IOException {
    modules("parley-sip", "parley-transport", "parley-server");
    write("parley-server/src/main/java/dev/parley/transport/internal/Borrowed.java", """
        package dev.parley.transport.internal;
        final class Borrowed {}
        """);
    write("parley-server/src/test/java/dev/parley/transport/internal/BorrowedTest.java", """
        package dev.parley.transport.internal;
        class BorrowedTest {}
        """);

    assertThat(check()).extracting(Breach::rule).containsExactly(
        "a module's code lives in its own packages: main code of parley-server belongs in"
            + " dev.parley.server or below it, not in dev.parley.transport.internal",
        "a module never uses another module's internal package: dev.parley.transport.internal"
            + " is the implementation of parley-transport, not of parley-server");
  }

  @Test
  void aModuleWithoutAPlaceInTheLayerTableIsReported() throws IOException {
    modules("parley-sip", "parley-presence");

    assertThat(check()).singleElement().satisfies(b -> {
      assertThat(b.file()).isEqualTo("parley-presence/pom.xml");
      assertThat(b.rule()).contains("module parley-presence has no place in the layer table");
    });
  }

  @Test
  void theLayerTableReachesDownwardTransitively() {
    assertThat(ArchitectureRules.below("cli"))
        .containsExactlyInAnyOrder("server", "client", "focus", "dialog", "auth", "transaction",
            "transport", "sip", "sdp", "json", "media");
    assertThat(ArchitectureRules.below("focus")).doesNotContain("client", "server");
    assertThat(ArchitectureRules.below("auth")).containsExactly("sip");
    assertThat(ArchitectureRules.below("transaction")).doesNotContain("auth");
    assertThat(ArchitectureRules.below("server")).doesNotContain("client", "cli");
    assertThat(ArchitectureRules.below("sip")).isEmpty();
    assertThat(ArchitectureRules.below("testkit")).containsExactlyInAnyOrder("transport", "sip");
  }

  private List<Breach> check() {
    return ArchitectureRules.check(build);
  }

  private void modules(String... names) throws IOException {
    StringBuilder pom = new StringBuilder("<project>\n  <modules>\n");
    pom.append("    <!-- <module>parley-old</module> -->\n");
    for (String n : names) {
      pom.append("    <module>").append(n).append("</module>\n");
      Files.createDirectories(build.resolve(n));
    }
    pom.append("  </modules>\n</project>\n");
    Files.writeString(build.resolve("pom.xml"), pom);
  }

  private void write(String file, String text) throws IOException {
    Path p = build.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }
}
