package dev.parley.sdp;

/**
 * A named departure from the RFC 8866 grammar that {@link SdpParser} can either refuse or repair,
 * each citing the RFC text that it departs from.
 *
 * <p>An {@link SdpPolicy} is the set of violations it tolerates. A tolerated violation is repaired
 * as its Javadoc says and listed in {@link SessionDescription#violations()}; any other makes the
 * parser throw {@link SdpParseException} with {@link SdpParseException#violation()} set. The
 * writer always writes the repaired, conformant form.
 */
public enum SdpViolation {
  /**
   * A line ended by a bare LF instead of CRLF. RFC 8866 §5 asks parsers to accept it, so even
   * {@link SdpPolicy#STRICT} tolerates it. Repair: none needed, the writer uses CRLF.
   */
  BARE_LF("RFC 8866 §5", "line ended by LF without CR"),
  /** The last line has no line end at all. RFC 8866 §9 ({@code CRLF} ends every field). Repair: the writer adds CRLF. */
  MISSING_FINAL_LINE_END("RFC 8866 §9", "last line not ended by CRLF"),
  /** An empty line (typically a trailing CRLF after the last field). RFC 8866 §5. Repair: the line is skipped. */
  EMPTY_LINE("RFC 8866 §5", "empty line"),
  /**
   * An empty {@code s=} line, as in the RFC 3264 §10 examples. RFC 8866 §5.3 says the session name
   * MUST NOT be empty. Repair: the session name becomes {@code "-"}, which RFC 8866 §5.3
   * recommends for a session without a meaningful name.
   */
  EMPTY_SESSION_NAME("RFC 8866 §5.3", "empty session name"),
  /**
   * A field out of the order of RFC 8866 §5, such as {@code c=} after {@code t=} in RFC 3264 §9
   * Figure 1, or a session-only field after the first {@code m=}. Repair: the field is kept in its
   * section and the writer puts it in RFC order.
   */
  FIELD_OUT_OF_ORDER("RFC 8866 §5", "field out of order"),
  /**
   * A line whose type letter RFC 8866 does not define. RFC 8866 §5 says a parser must ignore or
   * reject the description. Repair: the line is skipped (it is not kept in the model).
   */
  UNKNOWN_FIELD("RFC 8866 §5", "unknown type letter"),
  /**
   * More than one space between the subfields of {@code o=}, {@code c=}, {@code t=}, {@code m=},
   * {@code b=} or a known attribute, or spaces before or after them. RFC 8866 §9 ({@code SP} is
   * exactly one space). Repair: the writer uses single spaces.
   */
  EXTRA_WHITESPACE("RFC 8866 §9", "extra whitespace between subfields"),
  /**
   * No {@code c=} at session level and none in some media description. RFC 8866 §5.7. Repair:
   * none; {@link MediaDescription#connections()} is empty for that media.
   */
  MISSING_CONNECTION("RFC 8866 §5.7", "no connection data for a media description"),
  /**
   * An {@code a=rtpmap} without {@code /<clock rate>}, as in the SDP of RFC 4475's messages
   * ({@code a=rtpmap:31 LPC}). RFC 8866 §6.6. Repair: {@link Rtpmap#clockRate()} is 0.
   */
  RTPMAP_WITHOUT_CLOCK_RATE("RFC 8866 §6.6", "rtpmap without clock rate"),
  /**
   * A known attribute ({@code rtpmap}, {@code fmtp}, {@code ptime}, {@code maxptime},
   * {@code rtcp}, a direction) whose value does not follow its grammar. RFC 8866 §6, RFC 3605 §2.1.
   * Repair: the attribute is kept verbatim and the typed accessors ignore it.
   */
  MALFORMED_ATTRIBUTE("RFC 8866 §6; RFC 3605 §2.1", "known attribute with a malformed value"),
  ;

  private final String reference;
  private final String description;

  SdpViolation(String reference, String description) {
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
