package dev.parley.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority for tests: an EC P-256 root made by the JDK's {@code keytool}, which
 * issues server certificates with the subject alternative names a test asks for, so that a test
 * can configure a server with a real chain (leaf + CA) and a client that trusts the CA only.
 *
 * <p>Everything lives in the directory given to {@link #create}: {@code NAME-ca.p12} (the CA's
 * key), {@code NAME-ca.pem} (its certificate, the trust anchor), and per issued certificate a
 * PEM chain, a PKCS#8 PEM key and a PKCS#12 store. Each {@code keytool} run starts a JVM (about a
 * second); {@link #create} runs two, {@link #issue} five.
 *
 * <p>Not thread-safe (one test owns one authority). Methods throw {@link UncheckedIOException}
 * when {@code keytool} cannot be run or fails, with its output in the message.
 */
public final class TestCertificateAuthority {
  /** Password of every key store this class writes: {@value}. */
  public static final String PASSWORD = "parley-test";

  private final Path directory;
  private final String name;
  private final Path keyStore;
  private final Path certificate;

  private TestCertificateAuthority(Path directory, String name) {
    this.directory = directory;
    this.name = name;
    this.keyStore = directory.resolve(name + "-ca.p12");
    this.certificate = directory.resolve(name + "-ca.pem");
  }

  /**
   * A new root CA named {@code name} (letters, digits, '-' and '_'), kept in {@code directory}.
   *
   * @throws IllegalArgumentException if {@code name} is empty or has other characters
   */
  public static TestCertificateAuthority create(Path directory, String name) {
    Objects.requireNonNull(directory, "directory");
    checkName("name", name);
    TestCertificateAuthority ca = new TestCertificateAuthority(directory, name);
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-sigalg", "SHA256withECDSA", "-dname", "CN=Parley test CA " + name,
        "-ext", "BC:c=ca:true", "-ext", "KU:c=keyCertSign,cRLSign", "-validity", "3",
        "-storetype", "PKCS12", "-keystore", ca.keyStore.toString(),
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.keyStore.toString(),
        "-storepass", PASSWORD, "-file", ca.certificate.toString());
    return ca;
  }

  /** The CA's certificate (PEM): what a client trusts. */
  public Path certificatePem() {
    return certificate;
  }

  /**
   * Issues a server (and client) certificate for {@code subjectAltNames}, written as
   * {@code keytool} writes them ({@code "ip:127.0.0.1"}, {@code "dns:localhost"}); its CN is the
   * first name's value. The files are named after {@code alias}; issuing again under the same
   * alias replaces them (a renewed certificate).
   *
   * @throws IllegalArgumentException if {@code alias} is not a plain name or no name is given
   */
  public Issued issue(String alias, String... subjectAltNames) {
    checkName("alias", alias);
    if (subjectAltNames.length == 0) {
      throw new IllegalArgumentException("subjectAltNames is empty");
    }
    String first = subjectAltNames[0];
    String cn = first.substring(first.indexOf(':') + 1);
    Path dir = directory.resolve(name + "-" + alias);
    Path store = dir.resolve("server.p12");
    Path request = dir.resolve("server.csr");
    Path leaf = dir.resolve("server.crt");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(store);
      Files.deleteIfExists(request);
      Files.deleteIfExists(leaf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-sigalg", "SHA256withECDSA", "-dname", "CN=" + cn + ", O=Parley test",
        "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-certreq", "-alias", "server", "-keystore", store.toString(),
        "-storepass", PASSWORD, "-file", request.toString());
    keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", keyStore.toString(),
        "-storepass", PASSWORD, "-infile", request.toString(), "-outfile", leaf.toString(),
        "-ext", "SAN=" + String.join(",", subjectAltNames),
        "-ext", "KU:c=digitalSignature,keyAgreement", "-ext", "EKU=serverAuth,clientAuth",
        "-validity", "2");
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", certificate.toString(),
        "-keystore", store.toString(), "-storepass", PASSWORD);
    keytool("-importcert", "-noprompt", "-alias", "server", "-file", leaf.toString(),
        "-keystore", store.toString(), "-storepass", PASSWORD);
    Path chain = directory.resolve(name + "-" + alias + "-chain.pem");
    Path key = directory.resolve(name + "-" + alias + "-key.pem");
    try {
      Files.writeString(chain, Files.readString(leaf).strip() + "\n"
          + Files.readString(certificate).strip() + "\n");
      Files.writeString(key, pkcs8Pem(store));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the PEM files of " + alias, e);
    }
    return new Issued(chain, key, store);
  }

  /**
   * The files of one issued certificate.
   *
   * @param chainPem the leaf then the CA certificate, PEM
   * @param keyPem the leaf's private key, unencrypted PKCS#8 PEM
   * @param pkcs12 a PKCS#12 store with the key and chain under alias {@code server} (password
   *     {@link #PASSWORD})
   */
  public record Issued(Path chainPem, Path keyPem, Path pkcs12) {}

  private static String pkcs8Pem(Path store) throws IOException {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      Key key = ks.getKey("server", PASSWORD.toCharArray());
      String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(key.getEncoded());
      return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key in " + store + ": " + e.getMessage(), e);
    }
  }

  private static void checkName(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty() || !value.chars().allMatch(
        c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
      throw new IllegalArgumentException(what + " must be letters, digits, '-' or '_': '"
          + value + "'");
    }
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        throw new UncheckedIOException(new IOException("keytool " + args[0] + " failed: "
            + output.strip()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run keytool " + args[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while running keytool", e));
    }
  }
}
