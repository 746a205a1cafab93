package dev.parley.sip.internal;

import dev.parley.sip.AbsoluteUri;
import dev.parley.sip.Parameters;
import dev.parley.sip.SipUri;
import dev.parley.sip.TelUri;
import dev.parley.sip.UriHeaders;

/**
 * Lets {@link UriParser} create URI values through their package-private constructors, without
 * the re-validation that the public builders do: what the parser built has already passed the
 * grammar (under the parse's {@link Leniency}, which a builder does not know).
 *
 * <p>The one instance is registered by {@link SipUri}'s static initializer (the same pattern as
 * okhttp's {@code Internal}). Not for use outside Parley.
 */
public abstract class UriAccess {
  private static volatile UriAccess instance;

  /** Registers the implementation; the first registration wins. */
  public static synchronized void register(UriAccess access) {
    if (instance == null) {
      instance = access;
    }
  }

  static UriAccess get() {
    UriAccess access = instance;
    if (access == null) {
      try {
        Class.forName(SipUri.class.getName(), true, UriAccess.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
      access = instance;
    }
    return access;
  }

  /** A SIP or SIPS URI from parts that are already valid. */
  public abstract SipUri newSipUri(boolean secure, String user, String password, String host,
      int port, Parameters parameters, UriHeaders headers);

  /** A tel URI from parts that are already valid. */
  public abstract TelUri newTelUri(String number, Parameters parameters);

  /** An absolute URI from a scheme (as written) and the valid text after its colon. */
  public abstract AbsoluteUri newAbsoluteUri(String scheme, String schemeSpecificPart);
}
