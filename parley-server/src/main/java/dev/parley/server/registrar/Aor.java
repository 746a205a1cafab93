package dev.parley.server.registrar;

import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import java.util.Locale;
import java.util.Objects;

/**
 * An address of record (RFC 3261 §10): the key of the location service, made of the user part
 * and the host of a SIP URI. Port, scheme and parameters are not part of it, because clients
 * write the same AOR with and without a port (linphonec leaves it out, baresip keeps it).
 *
 * <p>The host is compared without case; the user part is case-sensitive (RFC 3261 §19.1.4).
 * Immutable and thread-safe.
 *
 * @param user the user part, decoded (never empty)
 * @param host the host, lower case (never empty)
 */
public record Aor(String user, String host) {
  /**
   * Validates the parts and lower-cases the host.
   *
   * @throws IllegalArgumentException if {@code user} or {@code host} is empty
   * @throws NullPointerException if either is null
   */
  public Aor {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(host, "host");
    if (user.isEmpty()) {
      throw new IllegalArgumentException("user is empty");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    host = host.toLowerCase(Locale.ROOT);
  }

  /**
   * The AOR of a SIP or SIPS URI: its decoded user part and its host.
   *
   * @throws IllegalArgumentException if {@code uri} is not a SIP URI or has no user part
   */
  public static Aor of(Uri uri) {
    Objects.requireNonNull(uri, "uri");
    if (!(uri instanceof SipUri sip)) {
      throw new IllegalArgumentException("not a SIP URI: " + uri);
    }
    String user = sip.userDecoded();
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("no user part: " + uri);
    }
    return new Aor(user, sip.host());
  }

  /** {@code sip:user@host}. */
  @Override
  public String toString() {
    return "sip:" + user + "@" + host;
  }
}
