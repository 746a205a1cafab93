package dev.parley.transport.internal;

import dev.parley.transport.TlsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds Netty's JDK-provider client {@link SslContext} from a {@link TlsConfig} (the trust
 * anchors; serving is {@link ServerKeyMaterial}'s). Stateless; blocking (reads files).
 */
public final class SslContexts {
  private SslContexts() {}

  /**
   * The client context: the JDK's trust anchors plus those the config names, with the client's
   * own key when it has one (for servers that ask for it).
   *
   * @throws IllegalArgumentException if a trust file cannot be read
   */
  public static SslContext client(TlsConfig tls) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .trustManager(trustManagers(tls))
          .endpointIdentificationAlgorithm(tls.verifyHostname() ? "HTTPS" : null);
      if (tls.keyStore() != null) {
        b.keyManager(keyManagers(tls.keyStore(), tls.keyStorePassword()));
      } else if (tls.certificateChain() != null) {
        b.keyManager(tls.certificateChain().toFile(), tls.privateKey().toFile(),
            tls.privateKeyPassword());
      }
      return b.build();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load TLS trust material: " + e.getMessage(), e);
    }
  }

  private static KeyManagerFactory keyManagers(Path store, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    return kmf;
  }

  private static TrustManagerFactory trustManagers(TlsConfig tls)
      throws IOException, GeneralSecurityException {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jdk.init((KeyStore) null);
    int n = 0;
    for (TrustManager tm : jdk.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        for (X509Certificate c : x.getAcceptedIssuers()) {
          anchors.setCertificateEntry("jdk-" + n++, c);
        }
      }
    }
    if (tls.trustPem() != null) {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      try (InputStream in = Files.newInputStream(tls.trustPem())) {
        for (Certificate c : cf.generateCertificates(in)) {
          anchors.setCertificateEntry("pem-" + n++, c);
        }
      }
    }
    if (tls.trustStore() != null) {
      KeyStore extra = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(tls.trustStore())) {
        extra.load(in, tls.trustStorePassword());
      }
      for (String alias : Collections.list(extra.aliases())) {
        Certificate c = extra.getCertificate(alias);
        if (c != null) {
          anchors.setCertificateEntry("store-" + n++, c);
        }
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    return tmf;
  }
}
