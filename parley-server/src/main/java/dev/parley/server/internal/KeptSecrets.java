package dev.parley.server.internal;

import dev.parley.server.config.ServerConfig;
import dev.parley.server.store.Store;
import dev.parley.transport.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secrets the server makes at its first start and keeps for the next ones, unless configured:
 * the Record-Route signing secret (in the store's {@code settings}) and the development TLS
 * certificate (in {@code DATA/tls}, owner-only).
 *
 * <p>Stateless; called at start, off the event loops (they read and write files and the store).
 */
public final class KeptSecrets {
  private static final Logger log = LoggerFactory.getLogger(KeptSecrets.class);

  private KeptSecrets() {}

  /**
   * The Record-Route secret: configured, else the one in the store, made (32 random bytes) and
   * stored at the first start, so that dialogs set up before a restart keep working after it.
   */
  public static byte[] routeSecret(ServerConfig config, Store store) {
    byte[] configured = config.proxy().routeSecret();
    if (configured != null) {
      return configured;
    }
    Optional<String> kept = store.setting("route_secret");
    if (kept.isPresent()) {
      try {
        byte[] secret = HexFormat.of().parseHex(kept.get());
        if (secret.length >= 16) {
          return secret;
        }
      } catch (IllegalArgumentException e) {
        // unreadable: made again below (dialogs of the earlier secret then need credentials)
      }
      log.warn("stored route_secret is unusable; making a new one");
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    store.setSetting("route_secret", HexFormat.of().formatHex(secret));
    return secret;
  }

  /**
   * The development certificate in {@code dir}, generated when absent; {@code dir} is
   * {@code 0700} and its files 0600.
   *
   * @throws UncheckedIOException if the permissions cannot be set
   */
  public static TlsConfig developmentTls(Path dir) {
    try {
      PrivateFiles.directory(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          PrivateFiles.restrict(f); // there before: warn
        }
      }
      TlsConfig tls = TlsConfig.development(dir); // generates the key store when absent
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          PrivateFiles.restrictNew(f); // keytool writes with the umask's permissions
        }
      }
      return tls;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep " + dir + " to its owner: " + e.getMessage(), e);
    }
  }
}
