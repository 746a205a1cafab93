package dev.parley.sip;

/**
 * A named departure from the SIP grammar that a parser can either refuse or repair, each citing
 * the RFC text that defines or discusses it.
 *
 * <p>A {@link CompliancePolicy} is the set of violations it tolerates. A tolerated violation is
 * repaired and listed in {@link SipMessage#violations()}; any other makes the parser throw
 * {@link SipParseException}.
 */
public enum Violation {
  // --- start line ---------------------------------------------------------------------------
  /** Extra SP/HTAB between or after the parts of a start line. RFC 3261 §25.1 (Request-Line uses single SP); RFC 4475 §3.1.2.9, §3.1.2.10. */
  EXTRA_WHITESPACE_IN_START_LINE("RFC 3261 §25.1; RFC 4475 §3.1.2.9-10",
      "extra whitespace in the start line"),
  /** Request-URI enclosed in angle brackets. RFC 4475 §3.1.2.7. */
  ANGLE_BRACKETS_IN_REQUEST_URI("RFC 4475 §3.1.2.7", "Request-URI enclosed in < >"),
  /** Unescaped whitespace inside the Request-URI. RFC 4475 §3.1.2.8. */
  WHITESPACE_IN_REQUEST_URI("RFC 4475 §3.1.2.8", "whitespace inside the Request-URI"),
  /** Header parameters ({@code ?name=value}) in a Request-URI. RFC 3261 §19.1.5; RFC 4475 §3.1.2.11. */
  HEADERS_IN_REQUEST_URI("RFC 3261 §19.1.5; RFC 4475 §3.1.2.11",
      "escaped headers in the Request-URI"),

  /** A Status-Line without the SP between the status code and an empty reason phrase. RFC 3261 §7.2; RFC 4475 §3.1.1.13. */
  MISSING_SPACE_AFTER_STATUS_CODE("RFC 3261 §7.2; RFC 4475 §3.1.1.13",
      "no space after the status code"),
  /** Lines ended by LF alone instead of CRLF. RFC 3261 §7 (CRLF); common in hand-written files. */
  BARE_LINE_FEED("RFC 3261 §7", "line ended by LF without CR"),

  // --- header syntax ------------------------------------------------------------------------
  /** A token display name directly followed by {@code <} with no LWS. RFC 4475 §3.1.1.6 (an ABNF bug). */
  NO_WHITESPACE_BEFORE_LAQUOT("RFC 4475 §3.1.1.6", "no whitespace between display name and <"),
  /** A quoted string without its closing quote. RFC 3261 §25.1; RFC 4475 §3.1.2.6. */
  UNTERMINATED_QUOTED_STRING("RFC 3261 §25.1; RFC 4475 §3.1.2.6", "unterminated quoted string"),
  /** A display name that is neither tokens nor a quoted string. RFC 3261 §25.1; RFC 4475 §3.1.2.15. */
  UNQUOTED_DISPLAY_NAME("RFC 3261 §25.1; RFC 4475 §3.1.2.15",
      "display name with characters that need quoting"),
  /** A URI with {@code ,} {@code ;} or {@code ?} written outside angle brackets in a name-addr header. RFC 3261 §20.10; RFC 4475 §3.1.2.13. */
  UNBRACKETED_URI_WITH_RESERVED("RFC 3261 §20.10; RFC 4475 §3.1.2.13",
      "URI containing , ; or ? must be enclosed in < >"),
  /** Whitespace just inside the angle brackets around a URI. RFC 3261 §25.1 (LAQUOT addr-spec RAQUOT); RFC 4475 §3.1.2.14. */
  WHITESPACE_IN_ANGLE_BRACKETS("RFC 3261 §25.1; RFC 4475 §3.1.2.14", "whitespace inside < > around a URI"),
  /** Whitespace instead of a comma between digest parameters. RFC 3261 §25.1 (dig-resp list); RFC 3665 §2.1 F3. */
  MISSING_COMMA_IN_AUTH_PARAMS("RFC 3261 §25.1; RFC 3665 §2.1",
      "digest parameters not separated by commas"),
  /** A Date that is not an RFC 1123 date in GMT. RFC 3261 §20.17; RFC 4475 §3.1.2.12. */
  BAD_DATE("RFC 3261 §20.17; RFC 4475 §3.1.2.12", "Date is not an RFC 1123 date in GMT"),
  /** Bytes after the CRLF that ends the header section in an un-framed message. RFC 3261 §7.5. */
  MISSING_HEADER_TERMINATOR("RFC 3261 §7.5", "header section not ended by an empty line"),

  // --- IPv6 (RFC 5118) ----------------------------------------------------------------------
  /** An IPv6 reference with three colons where two are meant. RFC 5118 §4.10. */
  IPV6_EXTRA_COLON("RFC 5118 §4.10", "IPv6 reference with an extra colon"),
  /** A Via {@code received} parameter holding a bracketed IPv6 reference. RFC 5118 §4.5. */
  BRACKETED_RECEIVED("RFC 5118 §4.5", "Via received parameter in [ ]"),

  // --- URI ---------------------------------------------------------------------------------
  /** A local-number tel URI without the mandatory {@code phone-context}. RFC 3966 §3, §5.1.5. */
  TEL_LOCAL_NUMBER_WITHOUT_CONTEXT("RFC 3966 §3, §5.1.5",
      "local tel number without phone-context"),
  /**
   * A printable character that must be escaped ({@code # \ ^ ` { | }}) written raw in the user,
   * password, parameters or headers of a SIP URI, as feature codes such as {@code *21#} often are.
   * RFC 3261 §19.1.2, §25.1.
   */
  UNESCAPED_URI_CHARACTER("RFC 3261 §19.1.2, §25.1",
      "character that must be escaped written raw in a URI"),
  ;

  private final String reference;
  private final String description;

  Violation(String reference, String description) {
    this.reference = reference;
    this.description = description;
  }

  /** The RFC sections that define or discuss this violation. */
  public String reference() {
    return reference;
  }

  /** What is wrong, in words. */
  public String description() {
    return description;
  }
}
