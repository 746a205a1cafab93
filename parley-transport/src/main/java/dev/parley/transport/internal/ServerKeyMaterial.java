package dev.parley.transport.internal;

import dev.parley.transport.TlsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManagerFactory;

/**
 * One reading of a server's key files (a PEM chain and PKCS#8 key, or a PKCS#12 store): the
 * Netty {@link SslContext} made from them, the leaf certificate, and a fingerprint of the files'
 * bytes that tells whether they changed since. Reading checks that the key belongs to the leaf
 * certificate (a signature made with one verifies with the other), so a chain replaced before its
 * key is refused instead of served.
 *
 * <p>Immutable. {@link #read} and {@link #fingerprint} block (they read files).
 */
public final class ServerKeyMaterial {
  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448",
      "RSASSA-PSS");

  private final SslContext context;
  private final X509Certificate leaf;
  private final String fingerprint;

  private ServerKeyMaterial(SslContext context, X509Certificate leaf, String fingerprint) {
    this.context = context;
    this.leaf = leaf;
    this.fingerprint = fingerprint;
  }

  /**
   * Reads the key files of {@code tls}.
   *
   * @throws IllegalArgumentException if the config has no key, or the files cannot be read, do
   *     not parse, or the key does not match the certificate (the message says which)
   */
  public static ServerKeyMaterial read(TlsConfig tls) {
    if (!tls.hasKey()) {
      throw new IllegalArgumentException("TLS config has no key: set pem, pkcs12 or "
          + "developmentCertificate to listen on TLS or WSS");
    }
    try {
      String fingerprint = fingerprint(tls);
      KeyStore store;
      char[] password;
      if (tls.keyStore() != null) {
        password = tls.keyStorePassword();
        store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(tls.keyStore())) {
          store.load(in, password);
        }
      } else {
        password = new char[0];
        List<X509Certificate> chain = readChain(tls.certificateChain());
        PrivateKey key = readPkcs8(tls.privateKey(), tls.privateKeyPassword());
        store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
      }
      X509Certificate leaf = checkKeyEntry(store, password);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SslContext context = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
      return new ServerKeyMaterial(context, leaf, fingerprint);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load the TLS key: " + e.getMessage(), e);
    }
  }

  /**
   * A digest of the bytes of the config's key files (chain and key, or the store), to compare with
   * {@link #fingerprint()}.
   *
   * @throws IOException if a file cannot be read
   */
  public static String fingerprint(TlsConfig tls) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    for (Path file : new Path[] {tls.certificateChain(), tls.privateKey(), tls.keyStore()}) {
      if (file != null) {
        sha.update(Files.readAllBytes(file));
        sha.update((byte) 0);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The context new connections are served with. */
  public SslContext context() {
    return context;
  }

  /** The certificate served (the first of the chain). */
  public X509Certificate leaf() {
    return leaf;
  }

  /** The digest of the files this was read from. */
  public String fingerprint() {
    return fingerprint;
  }

  private static X509Certificate checkKeyEntry(KeyStore store, char[] password)
      throws GeneralSecurityException {
    for (String alias : Collections.list(store.aliases())) {
      if (!store.isKeyEntry(alias)) {
        continue;
      }
      Key key = store.getKey(alias, password);
      Certificate[] chain = store.getCertificateChain(alias);
      if (!(key instanceof PrivateKey pk) || chain == null || chain.length == 0
          || !(chain[0] instanceof X509Certificate leaf)) {
        continue;
      }
      if (!matches(pk, leaf.getPublicKey())) {
        throw new GeneralSecurityException("the private key does not belong to the certificate "
            + leaf.getSubjectX500Principal().getName());
      }
      return leaf;
    }
    throw new GeneralSecurityException("no private key with a certificate chain");
  }

  /** Whether a signature made with {@code key} verifies with {@code certificateKey}. */
  private static boolean matches(PrivateKey key, PublicKey certificateKey)
      throws GeneralSecurityException {
    if (!key.getAlgorithm().equals(certificateKey.getAlgorithm())) {
      return false;
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      default -> null;
    };
    if (algorithm == null) {
      return true; // an algorithm we cannot try: the handshake will tell
    }
    byte[] probe = "parley key check".getBytes(StandardCharsets.US_ASCII);
    Signature sign = Signature.getInstance(algorithm);
    sign.initSign(key);
    sign.update(probe);
    byte[] signature = sign.sign();
    Signature verify = Signature.getInstance(algorithm);
    verify.initVerify(certificateKey);
    verify.update(probe);
    return verify.verify(signature);
  }

  private static List<X509Certificate> readChain(Path file)
      throws IOException, GeneralSecurityException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain = new ArrayList<>();
    try (var in = new ByteArrayInputStream(Files.readAllBytes(file))) {
      for (Certificate c : cf.generateCertificates(in)) {
        chain.add((X509Certificate) c);
      }
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + file);
    }
    return chain;
  }

  /** An unencrypted ({@code PRIVATE KEY}) or encrypted PKCS#8 PEM key (RFC 7468 §10, §11). */
  private static PrivateKey readPkcs8(Path file, String password)
      throws IOException, GeneralSecurityException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    byte[] plain = pemBlock(text, "PRIVATE KEY");
    PKCS8EncodedKeySpec spec;
    if (plain != null) {
      spec = new PKCS8EncodedKeySpec(plain);
    } else {
      byte[] encrypted = pemBlock(text, "ENCRYPTED PRIVATE KEY");
      if (encrypted == null) {
        throw new GeneralSecurityException(file + " has no PKCS#8 PEM key (BEGIN PRIVATE KEY "
            + "or BEGIN ENCRYPTED PRIVATE KEY)");
      }
      if (password == null) {
        throw new GeneralSecurityException(file + " is encrypted and no password is set");
      }
      EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(encrypted);
      String name = info.getAlgParameters() != null ? info.getAlgParameters().toString()
          : info.getAlgName();
      SecretKeyFactory factory = SecretKeyFactory.getInstance(name);
      Cipher cipher = Cipher.getInstance(name);
      cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(
          password.toCharArray())), info.getAlgParameters());
      spec = info.getKeySpec(cipher);
    }
    GeneralSecurityException refused = new GeneralSecurityException(
        file + " holds a key of none of " + KEY_ALGORITHMS);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        refused.addSuppressed(e); // not this algorithm: try the next
      }
    }
    throw refused;
  }

  private static byte[] pemBlock(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    int start = text.indexOf(begin);
    if (start < 0) {
      return null;
    }
    int end = text.indexOf("-----END " + label + "-----", start);
    if (end < 0) {
      return null;
    }
    return Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
  }
}
