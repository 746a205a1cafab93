package dev.parley.transport;

import dev.parley.transport.internal.ServerKeyMaterial;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS: the {@link SslContext} that every TLS and WSS listener (and any other
 * listener that shares it, such as an HTTPS one) takes for each new connection, reloaded when the
 * configured certificate or key files change, without a restart.
 *
 * <p>{@link #get()} is what a listener calls when it accepts a connection: established
 * connections keep the certificate they were set up with; new ones get the current one.
 * {@link #reload()} compares a digest of the files' bytes with the one loaded and, when they
 * differ, loads them: the new certificate is used only if the chain parses, the key belongs to
 * its first certificate and that certificate is valid now; otherwise the old one stays and the
 * refusal is logged once (a WARN naming the reason) until the files change again. With
 * {@link #watch(Duration)} a daemon thread ({@code parley-tls-reload}) calls it periodically.
 *
 * <p>Thread-safe. {@link #get()} never blocks; {@link #reload()} blocks (it reads files) and must
 * not run on an event loop.
 */
public final class ServerTlsContext implements Supplier<SslContext>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerTlsContext.class);

  private final TlsConfig tls;
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();
  private volatile ServerKeyMaterial current;
  /** What was refused last (a file digest, or the reason files could not be read); by this. */
  private String lastRefused;
  private ScheduledExecutorService watcher;

  private ServerTlsContext(TlsConfig tls, ServerKeyMaterial first) {
    this.tls = tls;
    this.current = first;
  }

  /**
   * Loads the key material {@code tls} names (blocking).
   *
   * @throws IllegalArgumentException if the config has no key, or its files cannot be read or do
   *     not make a usable key and chain
   */
  public static ServerTlsContext load(TlsConfig tls) {
    Objects.requireNonNull(tls, "tls");
    return new ServerTlsContext(tls, ServerKeyMaterial.read(tls));
  }

  /** The context to set up a new connection with. */
  @Override
  public SslContext get() {
    return current.context();
  }

  /** The certificate new connections are served (the first of the chain). */
  public X509Certificate certificate() {
    return current.leaf();
  }

  /** The config whose files this context reads. */
  public TlsConfig config() {
    return tls;
  }

  /** How many times a changed set of files was loaded since start. */
  public long reloads() {
    return reloads.get();
  }

  /** How many changed sets of files were refused since start (each counted once). */
  public long refusedReloads() {
    return refusals.get();
  }

  /**
   * Loads the files again if their bytes changed since the last load (blocking).
   *
   * @return whether new connections now get a new certificate
   */
  public synchronized boolean reload() {
    String fingerprint;
    try {
      fingerprint = ServerKeyMaterial.fingerprint(tls);
    } catch (IOException e) {
      refuse("unreadable: " + e, "cannot read them: " + e);
      return false;
    }
    if (fingerprint.equals(current.fingerprint()) || fingerprint.equals(lastRefused)) {
      return false; // (a pair refused as not yet valid is not remembered: tried again each time)
    }
    ServerKeyMaterial next;
    try {
      next = ServerKeyMaterial.read(tls);
      next.leaf().checkValidity();
    } catch (IllegalArgumentException e) {
      refuse(fingerprint, e.getMessage());
      return false;
    } catch (java.security.cert.CertificateNotYetValidException e) {
      // clock skew, or a CA that sets notBefore to now: take it once it is valid
      refuse(NOT_YET_VALID + fingerprint, "the new certificate is not valid yet: " + e.getMessage());
      return false;
    } catch (CertificateException e) {
      refuse(fingerprint, "the new certificate is not valid now: " + e.getMessage());
      return false;
    }
    lastRefused = null;
    current = next;
    reloads.incrementAndGet();
    X509Certificate leaf = next.leaf();
    log.info("Reloaded the TLS certificate: {} (serial {}, issuer {}, valid until {})",
        leaf.getSubjectX500Principal().getName(), leaf.getSerialNumber().toString(16),
        leaf.getIssuerX500Principal().getName(), leaf.getNotAfter().toInstant());
    return true;
  }

  /** Marks a refusal as "not yet valid": logged once, but the files are read again next time. */
  private static final String NOT_YET_VALID = "not-yet-valid:";

  private void refuse(String what, String reason) {
    if (what.equals(lastRefused)) {
      return;
    }
    lastRefused = what;
    refusals.incrementAndGet();
    log.warn("The TLS key files changed but cannot be used ({}); still serving {}", reason,
        current.leaf().getSubjectX500Principal().getName());
  }

  /**
   * Calls {@link #reload()} every {@code interval} on a daemon thread until {@link #close()}.
   *
   * @throws IllegalArgumentException if {@code interval} is not positive
   * @throws IllegalStateException if already watching
   */
  public synchronized void watch(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    if (watcher != null) {
      throw new IllegalStateException("already watching the TLS key files");
    }
    watcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "parley-tls-reload");
      t.setDaemon(true);
      return t;
    });
    long millis = Math.max(1, interval.toMillis());
    watcher.scheduleWithFixedDelay(this::reloadLogged, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void reloadLogged() {
    try {
      reload();
    } catch (RuntimeException e) {
      // reload() reports what it expects; anything else would end the periodic task silently
      log.error("Checking the TLS key files failed", e);
    }
  }

  /** Stops watching the files; the current context stays usable. Idempotent. */
  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.shutdownNow();
      watcher = null;
    }
  }

  @Override
  public String toString() {
    return "ServerTlsContext[" + current.leaf().getSubjectX500Principal().getName() + "]";
  }
}
