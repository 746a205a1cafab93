package dev.parley.transport;

import dev.parley.transport.internal.DevelopmentCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the TLS and WSS transports find their key material and whom they trust: a PEM pair
 * (certificate chain and PKCS#8 private key), a PKCS#12 key store, or a self-signed development
 * certificate that Parley generates with the JDK's {@code keytool}.
 *
 * <p>Trust: the JDK's default trust store, plus, when set, a PEM file of trusted certificates or
 * a PKCS#12 trust store. A layer using the development certificate also trusts it, so two layers
 * sharing the same directory talk to each other. Server identity is checked against the hop's
 * host name or IP address (RFC 5922 §7.2) unless {@link Builder#verifyHostname(boolean)} turns it
 * off.
 *
 * <p>Immutable and thread-safe. The files are read when the layer starts, and again when they
 * change if {@link #reloadInterval()} is set; {@link Builder#build()} only checks that they exist (and generates the development certificate, which blocks for a
 * second or two).
 */
public final class TlsConfig {
  /** Password of the generated development key store: {@value} (it protects nothing secret). */
  public static final String DEVELOPMENT_PASSWORD = DevelopmentCertificate.PASSWORD;

  private final Path certificateChain;
  private final Path privateKey;
  private final String privateKeyPassword;
  private final Path keyStore;
  private final char[] keyStorePassword;
  private final Path trustPem;
  private final Path trustStore;
  private final char[] trustStorePassword;
  private final boolean verifyHostname;
  private final boolean development;
  private final Duration reloadInterval;

  private TlsConfig(Builder b) {
    this.certificateChain = b.certificateChain;
    this.privateKey = b.privateKey;
    this.privateKeyPassword = b.privateKeyPassword;
    this.keyStore = b.keyStore;
    this.keyStorePassword = b.keyStorePassword == null ? null : b.keyStorePassword.clone();
    this.trustPem = b.trustPem;
    this.trustStore = b.trustStore;
    this.trustStorePassword = b.trustStorePassword == null ? null : b.trustStorePassword.clone();
    this.verifyHostname = b.verifyHostname;
    this.development = b.development;
    this.reloadInterval = b.reloadInterval;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A config using the development certificate in {@code directory}, generated there by
   * {@code keytool} when absent, and trusting it.
   *
   * @throws java.io.UncheckedIOException if the certificate cannot be generated
   */
  public static TlsConfig development(Path directory) {
    return builder().developmentCertificate(directory).build();
  }

  /** The PEM certificate chain, or null when the key comes from a PKCS#12 store. */
  public Path certificateChain() {
    return certificateChain;
  }

  /** The PEM (PKCS#8) private key, or null. */
  public Path privateKey() {
    return privateKey;
  }

  /** The private key's password, or null when it is not encrypted. */
  public String privateKeyPassword() {
    return privateKeyPassword;
  }

  /** The PKCS#12 key store (the generated one for a development certificate), or null. */
  public Path keyStore() {
    return keyStore;
  }

  /** A copy of the key store's password, or null. */
  public char[] keyStorePassword() {
    return keyStorePassword == null ? null : keyStorePassword.clone();
  }

  /** A PEM file of extra trusted certificates, or null. */
  public Path trustPem() {
    return trustPem;
  }

  /** A PKCS#12 store of extra trusted certificates, or null. */
  public Path trustStore() {
    return trustStore;
  }

  /** A copy of the trust store's password, or null. */
  public char[] trustStorePassword() {
    return trustStorePassword == null ? null : trustStorePassword.clone();
  }

  /** Whether a client checks that the server's certificate names the host it connects to. */
  public boolean verifyHostname() {
    return verifyHostname;
  }

  /** Whether the key is the generated development certificate. */
  public boolean isDevelopment() {
    return development;
  }

  /**
   * How often a transport layer serving TLS checks whether the key files changed, to serve new
   * connections the new certificate ({@link ServerTlsContext}); zero (the default) never.
   */
  public Duration reloadInterval() {
    return reloadInterval;
  }

  /** Whether this config has a key to serve TLS with (a listen point needs one). */
  public boolean hasKey() {
    return keyStore != null || certificateChain != null;
  }

  /** Builds a {@link TlsConfig}; not thread-safe. */
  public static final class Builder {
    private Path certificateChain;
    private Path privateKey;
    private String privateKeyPassword;
    private Path keyStore;
    private char[] keyStorePassword;
    private Path trustPem;
    private Path trustStore;
    private char[] trustStorePassword;
    private boolean verifyHostname = true;
    private boolean development;
    private Path developmentDirectory;
    private Duration reloadInterval = Duration.ZERO;

    private Builder() {}

    /** A PEM certificate chain and PKCS#8 private key ({@code password} null if unencrypted). */
    public Builder pem(Path certificateChain, Path privateKey, String password) {
      this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
      this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
      this.privateKeyPassword = password;
      return this;
    }

    /** A PKCS#12 key store holding one private key and its chain. */
    public Builder pkcs12(Path keyStore, char[] password) {
      this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
      this.keyStorePassword = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /**
     * The self-signed development certificate kept in {@code directory} (for {@code localhost},
     * 127.0.0.1 and ::1), generated by {@code build()} when absent. Also trusts it.
     */
    public Builder developmentCertificate(Path directory) {
      this.developmentDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Also trust the certificates in a PEM file. */
    public Builder trustPem(Path certificates) {
      this.trustPem = Objects.requireNonNull(certificates, "certificates");
      return this;
    }

    /** Also trust the certificates in a PKCS#12 store (a development key store works too). */
    public Builder trustPkcs12(Path store, char[] password) {
      this.trustStore = Objects.requireNonNull(store, "store");
      this.trustStorePassword = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /** Also trust the development certificate in {@code directory}, generating it when absent. */
    public Builder trustDevelopmentCertificate(Path directory) {
      return trustPkcs12(DevelopmentCertificate.ensure(directory),
          DevelopmentCertificate.PASSWORD.toCharArray());
    }

    /** Whether a client checks the server's name (default true). */
    public Builder verifyHostname(boolean verifyHostname) {
      this.verifyHostname = verifyHostname;
      return this;
    }

    /**
     * How often a serving transport layer checks the key files for a new certificate (zero, the
     * default: never; see {@link ServerTlsContext}).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder reloadInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("reloadInterval is negative: " + interval);
      }
      this.reloadInterval = interval;
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException when two key sources are set or a file is missing
     * @throws java.io.UncheckedIOException when the development certificate cannot be generated
     */
    public TlsConfig build() {
      int keys = (certificateChain != null ? 1 : 0) + (keyStore != null ? 1 : 0)
          + (developmentDirectory != null ? 1 : 0);
      if (keys > 1) {
        throw new IllegalArgumentException(
            "set one of pem, pkcs12 and developmentCertificate, not " + keys);
      }
      if (developmentDirectory != null) {
        keyStore = DevelopmentCertificate.ensure(developmentDirectory);
        keyStorePassword = DevelopmentCertificate.PASSWORD.toCharArray();
        development = true;
        if (trustStore == null) {
          trustStore = keyStore;
          trustStorePassword = keyStorePassword.clone();
        }
      }
      exists("certificateChain", certificateChain);
      exists("privateKey", privateKey);
      exists("keyStore", keyStore);
      exists("trustPem", trustPem);
      exists("trustStore", trustStore);
      return new TlsConfig(this);
    }

    private static void exists(String name, Path file) {
      if (file != null && !Files.isReadable(file)) {
        throw new IllegalArgumentException(name + " is not a readable file: " + file);
      }
    }
  }
}
