package dev.parley.sip;

import dev.parley.sip.internal.Chars;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The name of a header field: an open set, compared case-insensitively (RFC 3261 §7.3.1), with
 * cached constants for the headers Parley knows and their compact forms (RFC 3261 §7.3.3 and the
 * RFCs that define each header).
 *
 * <p>{@link #of(String)} maps any spelling ({@code "v"}, {@code "VIA"}, {@code "Via"}) to the same
 * constant. Immutable and thread-safe.
 */
public final class HeaderName {
  private static final Map<String, HeaderName> EXACT = new HashMap<>();
  private static final Map<String, HeaderName> LOWER = new HashMap<>();
  /** The known names in declaration order, for {@link HeaderNameMatcher}'s tables. */
  private static final List<HeaderName> KNOWN = new ArrayList<>();
  /** The next {@link #id} of a known name. */
  private static int knownCount;

  public static final HeaderName ACCEPT = known("Accept", 0);
  public static final HeaderName ACCEPT_CONTACT = known("Accept-Contact", 'a');
  public static final HeaderName ALLOW = known("Allow", 0);
  public static final HeaderName ALLOW_EVENTS = known("Allow-Events", 'u');
  public static final HeaderName AUTHORIZATION = known("Authorization", 0);
  public static final HeaderName CALL_ID = known("Call-ID", 'i');
  public static final HeaderName CONTACT = known("Contact", 'm');
  public static final HeaderName CONTENT_DISPOSITION = known("Content-Disposition", 0);
  public static final HeaderName CONTENT_ENCODING = known("Content-Encoding", 'e');
  public static final HeaderName CONTENT_LENGTH = known("Content-Length", 'l');
  public static final HeaderName CONTENT_TYPE = known("Content-Type", 'c');
  public static final HeaderName CSEQ = known("CSeq", 0);
  public static final HeaderName DATE = known("Date", 0);
  public static final HeaderName EVENT = known("Event", 'o');
  public static final HeaderName EXPIRES = known("Expires", 0);
  public static final HeaderName FROM = known("From", 'f');
  public static final HeaderName MAX_BREADTH = known("Max-Breadth", 0);
  public static final HeaderName MAX_FORWARDS = known("Max-Forwards", 0);
  public static final HeaderName MIN_EXPIRES = known("Min-Expires", 0);
  public static final HeaderName MS_CONVERSATION_ID = known("Ms-Conversation-ID", 0);
  public static final HeaderName P_ASSERTED_IDENTITY = known("P-Asserted-Identity", 0);
  public static final HeaderName P_PREFERRED_IDENTITY = known("P-Preferred-Identity", 0);
  public static final HeaderName PATH = known("Path", 0);
  public static final HeaderName PRIVACY = known("Privacy", 0);
  public static final HeaderName PROXY_AUTHENTICATE = known("Proxy-Authenticate", 0);
  public static final HeaderName PROXY_AUTHORIZATION = known("Proxy-Authorization", 0);
  public static final HeaderName PROXY_REQUIRE = known("Proxy-Require", 0);
  public static final HeaderName REASON = known("Reason", 0);
  public static final HeaderName RECORD_ROUTE = known("Record-Route", 0);
  public static final HeaderName REFER_TO = known("Refer-To", 'r');
  public static final HeaderName REFERRED_BY = known("Referred-By", 'b');
  public static final HeaderName REMOTE_PARTY_ID = known("Remote-Party-ID", 0);
  public static final HeaderName REJECT_CONTACT = known("Reject-Contact", 'j');
  public static final HeaderName REPLACES = known("Replaces", 0);
  public static final HeaderName REQUEST_DISPOSITION = known("Request-Disposition", 'd');
  public static final HeaderName REQUIRE = known("Require", 0);
  public static final HeaderName RETRY_AFTER = known("Retry-After", 0);
  public static final HeaderName ROUTE = known("Route", 0);
  public static final HeaderName RSEQ = known("RSeq", 0);
  public static final HeaderName RACK = known("RAck", 0);
  public static final HeaderName SERVER = known("Server", 0);
  public static final HeaderName SESSION_EXPIRES = known("Session-Expires", 'x');
  public static final HeaderName SUBJECT = known("Subject", 's');
  public static final HeaderName SUBSCRIPTION_STATE = known("Subscription-State", 0);
  public static final HeaderName SUPPORTED = known("Supported", 'k');
  public static final HeaderName TIMESTAMP = known("Timestamp", 0);
  public static final HeaderName TO = known("To", 't');
  public static final HeaderName UNSUPPORTED = known("Unsupported", 0);
  public static final HeaderName USER_AGENT = known("User-Agent", 0);
  public static final HeaderName VIA = known("Via", 'v');
  public static final HeaderName WARNING = known("Warning", 0);
  public static final HeaderName WWW_AUTHENTICATE = known("WWW-Authenticate", 0);

  private final String name;
  private final String lower;
  private final char compact;
  private final boolean known;
  /**
   * A known name's number, 0 up (in declaration order), which {@link Headers} uses as a bit of its
   * masks of the names present; -1 for other names.
   */
  private final int id;

  private HeaderName(String name, char compact, boolean known) {
    this.name = name;
    this.lower = name.toLowerCase(Locale.ROOT);
    this.compact = compact;
    this.known = known;
    this.id = known ? knownCount++ : -1;
  }

  private static HeaderName known(String name, int compact) {
    HeaderName h = new HeaderName(name, (char) compact, true);
    KNOWN.add(h);
    EXACT.put(name, h);
    LOWER.put(h.lower, h);
    if (compact != 0) {
      String c = String.valueOf((char) compact);
      EXACT.put(c, h);
      EXACT.put(c.toUpperCase(Locale.ROOT), h);
      LOWER.put(c, h);
    }
    return h;
  }

  /** The constants above, in declaration order. */
  static List<HeaderName> knownNames() {
    return Collections.unmodifiableList(KNOWN);
  }

  /** Whether this is one of the constants above (compared by identity). */
  boolean isKnown() {
    return known;
  }

  /**
   * The bit of this name in {@link Headers}' masks of the names present: one bit per known name
   * among the first 64, else 0 (no bit: such names are found by scanning).
   */
  long bit() {
    return id >= 0 && id < 64 ? 1L << id : 0L;
  }

  /**
   * The header named {@code name} in any case or compact form: the cached constant when known,
   * otherwise a new value keeping the spelling given.
   *
   * @throws IllegalArgumentException if {@code name} is not a SIP token
   */
  public static HeaderName of(String name) {
    Objects.requireNonNull(name, "name");
    HeaderName h = lookup(name);
    if (h != null) {
      return h;
    }
    if (!Chars.all(name, Chars.TOKEN)) {
      throw new IllegalArgumentException("header name is not a token: \"" + name + "\"");
    }
    return new HeaderName(name, (char) 0, false);
  }

  /** The header for a spelling already checked to be a token. */
  static HeaderName ofToken(String name) {
    HeaderName h = lookup(name);
    return h != null ? h : new HeaderName(name, (char) 0, false);
  }

  /** The known header for this spelling, or null. Does not validate. */
  static HeaderName lookup(String name) {
    HeaderName h = EXACT.get(name);
    return h != null ? h : LOWER.get(name.toLowerCase(Locale.ROOT));
  }

  /** The canonical spelling ("Call-ID"), or the spelling given for an unknown header. */
  public String name() {
    return name;
  }

  /** The compact form ('i' for Call-ID), or 0 when it has none. */
  public char compactForm() {
    return compact;
  }

  /** Whether {@code spelling} names this header, in any case or as its compact form. */
  public boolean matches(String spelling) {
    if (spelling.length() == 1 && compact != 0) {
      return Chars.lower(spelling.charAt(0)) == compact;
    }
    return spelling.equalsIgnoreCase(name);
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof HeaderName h && h.lower.equals(lower));
  }

  @Override
  public int hashCode() {
    return lower.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
