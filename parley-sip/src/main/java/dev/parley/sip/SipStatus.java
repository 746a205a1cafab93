package dev.parley.sip;

/**
 * A SIP response status: an open set of three-digit codes (RFC 3261 §7.2, §21) with cached
 * constants carrying their standard reason phrases.
 *
 * <p>Immutable and thread-safe.
 */
public final class SipStatus {
  /** The known statuses by code (100..699): looked up for every response built, without boxing. */
  private static final SipStatus[] KNOWN = new SipStatus[700];

  public static final SipStatus TRYING = known(100, "Trying");
  public static final SipStatus RINGING = known(180, "Ringing");
  public static final SipStatus CALL_IS_BEING_FORWARDED = known(181, "Call Is Being Forwarded");
  public static final SipStatus QUEUED = known(182, "Queued");
  public static final SipStatus SESSION_PROGRESS = known(183, "Session Progress");
  public static final SipStatus OK = known(200, "OK");
  public static final SipStatus ACCEPTED = known(202, "Accepted");
  public static final SipStatus MULTIPLE_CHOICES = known(300, "Multiple Choices");
  public static final SipStatus MOVED_PERMANENTLY = known(301, "Moved Permanently");
  public static final SipStatus MOVED_TEMPORARILY = known(302, "Moved Temporarily");
  public static final SipStatus USE_PROXY = known(305, "Use Proxy");
  public static final SipStatus BAD_REQUEST = known(400, "Bad Request");
  public static final SipStatus UNAUTHORIZED = known(401, "Unauthorized");
  public static final SipStatus FORBIDDEN = known(403, "Forbidden");
  public static final SipStatus NOT_FOUND = known(404, "Not Found");
  public static final SipStatus METHOD_NOT_ALLOWED = known(405, "Method Not Allowed");
  public static final SipStatus NOT_ACCEPTABLE = known(406, "Not Acceptable");
  public static final SipStatus PROXY_AUTHENTICATION_REQUIRED =
      known(407, "Proxy Authentication Required");
  public static final SipStatus REQUEST_TIMEOUT = known(408, "Request Timeout");
  public static final SipStatus GONE = known(410, "Gone");
  public static final SipStatus REQUEST_ENTITY_TOO_LARGE = known(413, "Request Entity Too Large");
  public static final SipStatus REQUEST_URI_TOO_LONG = known(414, "Request-URI Too Long");
  public static final SipStatus UNSUPPORTED_MEDIA_TYPE = known(415, "Unsupported Media Type");
  public static final SipStatus UNSUPPORTED_URI_SCHEME = known(416, "Unsupported URI Scheme");
  public static final SipStatus BAD_EXTENSION = known(420, "Bad Extension");
  public static final SipStatus EXTENSION_REQUIRED = known(421, "Extension Required");
  public static final SipStatus INTERVAL_TOO_BRIEF = known(423, "Interval Too Brief");
  public static final SipStatus TEMPORARILY_UNAVAILABLE = known(480, "Temporarily Unavailable");
  public static final SipStatus CALL_DOES_NOT_EXIST = known(481, "Call/Transaction Does Not Exist");
  public static final SipStatus LOOP_DETECTED = known(482, "Loop Detected");
  public static final SipStatus TOO_MANY_HOPS = known(483, "Too Many Hops");
  public static final SipStatus ADDRESS_INCOMPLETE = known(484, "Address Incomplete");
  public static final SipStatus AMBIGUOUS = known(485, "Ambiguous");
  public static final SipStatus BUSY_HERE = known(486, "Busy Here");
  public static final SipStatus REQUEST_TERMINATED = known(487, "Request Terminated");
  public static final SipStatus NOT_ACCEPTABLE_HERE = known(488, "Not Acceptable Here");
  public static final SipStatus BAD_EVENT = known(489, "Bad Event");
  public static final SipStatus REQUEST_PENDING = known(491, "Request Pending");
  public static final SipStatus UNDECIPHERABLE = known(493, "Undecipherable");
  public static final SipStatus SERVER_INTERNAL_ERROR = known(500, "Server Internal Error");
  public static final SipStatus NOT_IMPLEMENTED = known(501, "Not Implemented");
  public static final SipStatus BAD_GATEWAY = known(502, "Bad Gateway");
  public static final SipStatus SERVICE_UNAVAILABLE = known(503, "Service Unavailable");
  public static final SipStatus SERVER_TIMEOUT = known(504, "Server Time-out");
  public static final SipStatus VERSION_NOT_SUPPORTED = known(505, "Version Not Supported");
  public static final SipStatus MESSAGE_TOO_LARGE = known(513, "Message Too Large");
  public static final SipStatus BUSY_EVERYWHERE = known(600, "Busy Everywhere");
  public static final SipStatus DECLINE = known(603, "Decline");
  public static final SipStatus DOES_NOT_EXIST_ANYWHERE = known(604, "Does Not Exist Anywhere");
  public static final SipStatus NOT_ACCEPTABLE_ANYWHERE = known(606, "Not Acceptable");

  private final int code;
  private final String reasonPhrase;

  private SipStatus(int code, String reasonPhrase) {
    this.code = code;
    this.reasonPhrase = reasonPhrase;
  }

  private static SipStatus known(int code, String reason) {
    SipStatus s = new SipStatus(code, reason);
    KNOWN[code] = s;
    return s;
  }

  /**
   * The status with this code: a cached constant when standard, else a new value whose reason
   * phrase is the generic one of its class ("Unknown 4xx").
   *
   * @throws IllegalArgumentException if {@code code} is outside 100..699
   */
  public static SipStatus of(int code) {
    SipStatus s = code >= 0 && code < KNOWN.length ? KNOWN[code] : null;
    if (s != null) {
      return s;
    }
    if (code < 100 || code > 699) {
      throw new IllegalArgumentException("status code out of range: " + code);
    }
    return new SipStatus(code, "Unknown " + (code / 100) + "xx");
  }

  /** The standard reason phrase for {@code code}, or a generic one. */
  public static String reasonPhraseOf(int code) {
    return of(code).reasonPhrase;
  }

  /** The three-digit code. */
  public int code() {
    return code;
  }

  /** The standard reason phrase. */
  public String reasonPhrase() {
    return reasonPhrase;
  }

  /** 1xx. */
  public boolean isProvisional() {
    return code < 200;
  }

  /** 2xx..6xx. */
  public boolean isFinal() {
    return code >= 200;
  }

  /** 2xx. */
  public boolean isSuccess() {
    return code >= 200 && code < 300;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SipStatus s && s.code == code;
  }

  @Override
  public int hashCode() {
    return code;
  }

  @Override
  public String toString() {
    return code + " " + reasonPhrase;
  }
}
