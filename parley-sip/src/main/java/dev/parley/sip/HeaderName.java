package dev.parley.sip;

import dev.parley.sip.internal.Chars;
import java.util.HashMap;
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
  /**
   * Known names and compact forms by length (up to 31) and lower-case first letter: a few
   * candidates each, compared without allocating. Every known name fits.
   */
  private static final HeaderName[][][] BY_SHAPE = new HeaderName[32][26][];
  private static final String[][][] SPELLING_BY_SHAPE = new String[32][26][];

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

  private HeaderName(String name, char compact, boolean known) {
    this.name = name;
    this.lower = name.toLowerCase(Locale.ROOT);
    this.compact = compact;
    this.known = known;
  }

  private static HeaderName known(String name, int compact) {
    HeaderName h = new HeaderName(name, (char) compact, true);
    EXACT.put(name, h);
    LOWER.put(h.lower, h);
    index(name, h);
    if (compact != 0) {
      String c = String.valueOf((char) compact);
      EXACT.put(c, h);
      EXACT.put(c.toUpperCase(Locale.ROOT), h);
      LOWER.put(c, h);
      index(c, h);
    }
    return h;
  }

  private static void index(String spelling, HeaderName h) {
    String lower = spelling.toLowerCase(Locale.ROOT);
    int len = lower.length();
    int first = lower.charAt(0) - 'a';
    if (len < 32 && first >= 0 && first < 26) {
      HeaderName[] hs = BY_SHAPE[len][first];
      String[] ss = SPELLING_BY_SHAPE[len][first];
      int n = hs == null ? 0 : hs.length;
      HeaderName[] nh = new HeaderName[n + 1];
      String[] ns = new String[n + 1];
      if (n > 0) {
        System.arraycopy(hs, 0, nh, 0, n);
        System.arraycopy(ss, 0, ns, 0, n);
      }
      nh[n] = h;
      ns[n] = lower;
      BY_SHAPE[len][first] = nh;
      SPELLING_BY_SHAPE[len][first] = ns;
    }
  }

  /**
   * The known header spelled by the ASCII bytes {@code b[from, to)} in any case or as a compact
   * form, or null. Allocates nothing.
   */
  static HeaderName lookup(byte[] b, int from, int to) {
    int len = to - from;
    if (len > 0 && len < 32) {
      int first = Chars.lower((char) (b[from] & 0xFF)) - 'a';
      if (first >= 0 && first < 26) {
        HeaderName[] hs = BY_SHAPE[len][first];
        if (hs == null) {
          return null;
        }
        String[] ss = SPELLING_BY_SHAPE[len][first];
        for (int k = 0; k < hs.length; k++) {
          if (equalsIgnoreCase(ss[k], b, from)) {
            return hs[k];
          }
        }
        return null;
      }
    }
    return null;
  }

  /**
   * The known header whose canonical spelling ({@code "Call-ID"}, not {@code "call-id"} or
   * {@code "i"}) is exactly {@code b[from, to)}, or null: the usual case, in one pass.
   */
  static HeaderName lookupCanonical(byte[] b, int from, int to) {
    int len = to - from;
    if (len > 1 && len < 32) {
      int first = Chars.lower((char) (b[from] & 0xFF)) - 'a';
      if (first >= 0 && first < 26) {
        HeaderName[] hs = BY_SHAPE[len][first];
        if (hs == null) {
          return null;
        }
        candidates:
        for (HeaderName h : hs) {
          String canonical = h.name;
          if (canonical.length() != len) {
            continue;
          }
          for (int i = 0; i < len; i++) {
            if (canonical.charAt(i) != b[from + i]) {
              continue candidates;
            }
          }
          return h;
        }
      }
    }
    return null;
  }

  private static boolean equalsIgnoreCase(String lower, byte[] b, int from) {
    for (int i = 0; i < lower.length(); i++) {
      if (lower.charAt(i) != Chars.lower((char) (b[from + i] & 0xFF))) {
        return false;
      }
    }
    return true;
  }

  /** Whether this is one of the constants above (compared by identity). */
  boolean isKnown() {
    return known;
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
