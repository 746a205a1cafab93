package dev.parley.server;

import dev.parley.server.web.WebConfig;
import dev.parley.transport.TlsConfig;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link ProxyFixture} server with its web listener on a free loopback port, and an HTTPS
 * client that trusts its development certificate (made once per test class: keytool is slow on
 * a busy machine, and each test's data directory gets a copy).
 */
abstract class WebFixture extends ProxyFixture {
  @TempDir static Path shared;

  @BeforeAll
  static void makeCertificate() {
    TlsConfig.development(shared.resolve("tls"));
  }

  SipServer startWeb(UnaryOperator<WebConfig.Builder> web) throws Exception {
    return startWeb(web, b -> b);
  }

  SipServer startWeb(UnaryOperator<WebConfig.Builder> web,
      UnaryOperator<dev.parley.server.config.ServerConfig.Builder> extra) throws Exception {
    Path tls = data.resolve("tls");
    Files.createDirectories(tls);
    Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwx------"));
    Path p12 = tls.resolve("parley-dev.p12");
    Files.copy(shared.resolve("tls/parley-dev.p12"), p12, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(p12, PosixFilePermissions.fromString("rw-------"));
    return start(b -> extra.apply(b.web(web.apply(WebConfig.builder().listen("127.0.0.1:0"))
        .build())));
  }

  /** The base URL of the web listener, {@code https://127.0.0.1:PORT}. */
  String web() {
    String url = server.webUrl();
    return url.substring(0, url.length() - 1);
  }

  /** The development certificate's trust, for HTTPS and WSS clients. */
  static SSLContext trustingDevCert() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(shared.resolve("tls/parley-dev.p12"))) {
      ks.load(in, TlsConfig.DEVELOPMENT_PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  static HttpClient https() throws Exception {
    return HttpClient.newBuilder().sslContext(trustingDevCert())
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(20)).build();
  }
}
