package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import dev.parley.sdp.internal.ValueReader;
import dev.parley.sdp.internal.ValueSyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * One parse of one session description: splits lines, checks field order and dispatches each
 * {@code <type>=<value>} line to a method named after its RFC 8866 §9 rule.
 *
 * <pre>
 * session-description = version-field origin-field session-name-field
 *                       [information-field] [uri-field] *email-field *phone-field
 *                       [connection-field] *bandwidth-field 1*time-description
 *                       [zone-field] [key-field] *attribute-field *media-description
 * time-description    = timing-field *repeat-field
 * media-description   = media-field [information-field] *connection-field
 *                       *bandwidth-field [key-field] *attribute-field
 * </pre>
 *
 * <p>Not thread-safe: one instance per parse.
 */
final class DescriptionParser {
  private static final int MEDIA_RANK = 12;

  private final String text;
  private final SdpPolicy policy;
  private final SdpLimits limits;
  private final EnumSet<SdpViolation> violations = EnumSet.noneOf(SdpViolation.class);
  private final SessionDescription.Builder session = SessionDescription.builder();
  private final List<Timing.Builder> timings = new ArrayList<>();
  private final List<MediaDescription.Builder> mediaBuilders = new ArrayList<>();
  private final List<Integer> mediaLines = new ArrayList<>();
  private final boolean[] seen = new boolean[128];

  private int lineNo;
  private int sessionRank = -1;
  private char lastSessionField;
  private boolean zoneSeen;
  private int missingOriginAt;
  private int missingNameAt;
  private int missingTimingAt;
  private MediaDescription.Builder media;
  private int mediaRank;
  private char lastMediaField;
  private boolean mediaInformationSeen;
  private boolean mediaKeySeen;
  private boolean mediaHasConnection;
  private final List<Boolean> mediaConnected = new ArrayList<>();
  private int attributeCount;

  DescriptionParser(String text, SdpPolicy policy, SdpLimits limits) {
    this.text = text;
    this.policy = policy;
    this.limits = limits;
  }

  SessionDescription parse() {
    try {
      readLines();
      return finish();
    } catch (SdpParseException e) {
      throw e;
    } catch (RuntimeException e) {
      // A defect of this parser, never expected: still honour the one-exception contract.
      throw new SdpParseException("internal parser error (please report): " + e,
          Math.max(1, lineNo), 1);
    }
  }

  // ---- lines ---------------------------------------------------------------------------------

  /** Splits the text at LF (CRLF or bare LF) and hands each line to {@link #field()}. */
  private void readLines() {
    int pos = 0;
    int n = text.length();
    while (pos < n) {
      lineNo++;
      if (lineNo > limits.maxLines()) {
        throw error("more than " + limits.maxLines() + " lines (maxLines)", 1);
      }
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? n : nl;
      boolean crlf = nl >= 0 && end > pos && text.charAt(end - 1) == '\r';
      int contentEnd = crlf ? end - 1 : end;
      if (contentEnd - pos > limits.maxLineLength()) {
        throw error("line longer than " + limits.maxLineLength() + " characters (maxLineLength)",
            limits.maxLineLength() + 1);
      }
      for (int i = pos; i < contentEnd; i++) {
        char c = text.charAt(i);
        if (c == 0) {
          throw error("NUL character is not allowed in SDP (RFC 8866 §9 byte-string)", i - pos + 1);
        }
        if (c == '\r') {
          throw error("CR not followed by LF: lines end with CRLF (RFC 8866 §5)", i - pos + 1);
        }
      }
      if (nl < 0) {
        tolerate(SdpViolation.MISSING_FINAL_LINE_END, contentEnd - pos + 1,
            "last line is not ended by CRLF");
      } else if (!crlf) {
        tolerate(SdpViolation.BARE_LF, contentEnd - pos + 1, "line ended by LF without CR");
      }
      field(pos, contentEnd); // the line is not copied: only its value is, out of the text
      pos = nl < 0 ? n : nl + 1;
    }
  }

  /** {@code <type>=<value>} at {@code [start, end)} of the text: checks the form and the order. */
  private void field(int start, int end) {
    if (start == end) {
      tolerate(SdpViolation.EMPTY_LINE, 1, "empty line");
      return;
    }
    char type = text.charAt(start);
    if (end - start < 2 || text.charAt(start + 1) != '=') {
      throw error("expected <type>=<value>: one letter then '=' (RFC 8866 §5), found "
          + SdpSyntax.quote(text.substring(start, Math.min(end, start + 20))), 2);
    }
    if (!((type >= 'a' && type <= 'z') || (type >= 'A' && type <= 'Z'))) {
      throw error("type must be a letter, found " + SdpSyntax.quote(String.valueOf(type)), 1);
    }
    String value = text.substring(start + 2, end);
    if (!seen['v'] && type != 'v') {
      throw error("a session description starts with v=0 (RFC 8866 §5.1), found " + type
          + "= line", 1);
    }
    if (type == 'm') {
      mediaField(value);
    } else if (sessionRank(type) < 0) {
      tolerate(SdpViolation.UNKNOWN_FIELD, 1,
          "unknown type letter '" + type + "' (RFC 8866 §5 defines v o s i u e p c b t r z k a m)");
    } else if (media != null && mediaRank(type) >= 0) {
      mediaLevelField(type, value);
    } else {
      if (media != null) {
        tolerate(SdpViolation.FIELD_OUT_OF_ORDER, 1, type
            + "= line inside a media description; RFC 8866 §5 allows it only before the first m=");
      }
      sessionLevelField(type, value);
    }
  }

  /** RFC 8866 §5 order of session-level fields; -1 for a letter that is not one. */
  private static int sessionRank(char type) {
    switch (type) {
      case 'v': return 0;
      case 'o': return 1;
      case 's': return 2;
      case 'i': return 3;
      case 'u': return 4;
      case 'e': return 5;
      case 'p': return 6;
      case 'c': return 7;
      case 'b': return 8;
      case 't':
      case 'r':
      case 'z': return 9;
      case 'k': return 10;
      case 'a': return 11;
      default: return -1;
    }
  }

  /** RFC 8866 §5 order of media-level fields after {@code m=}; -1 for a session-only letter. */
  private static int mediaRank(char type) {
    switch (type) {
      case 'i': return 1;
      case 'c': return 2;
      case 'b': return 3;
      case 'k': return 4;
      case 'a': return 5;
      default: return -1;
    }
  }

  private void sessionLevelField(char type, String value) {
    int rank = sessionRank(type);
    if (media == null) {
      if (rank < sessionRank || (type == 't' && zoneSeen)) {
        tolerate(SdpViolation.FIELD_OUT_OF_ORDER, 1, type + "= line after " + lastSessionField
            + "= line; RFC 8866 §5 puts it before");
      } else {
        sessionRank = rank;
        lastSessionField = type;
      }
      noteMissingRequired(rank);
    }
    switch (type) {
      case 'v':
        once(type, "§5.1");
        versionField(value);
        break;
      case 'o':
        once(type, "§5.2");
        session.origin(originField(value));
        break;
      case 's':
        once(type, "§5.3");
        sessionNameField(value);
        break;
      case 'i':
        once(type, "§5.4");
        session.information(textField(type, value));
        break;
      case 'u':
        once(type, "§5.5");
        session.uri(textField(type, value));
        break;
      case 'e':
        session.addEmail(textField(type, value));
        break;
      case 'p':
        session.addPhone(textField(type, value));
        break;
      case 'c':
        once(type, "§5.7");
        session.connection(connectionField(value));
        break;
      case 'b':
        session.addBandwidth(bandwidthField(value));
        break;
      case 't':
        seen['t'] = true;
        timingField(value);
        break;
      case 'r':
        repeatField(value);
        break;
      case 'z':
        once(type, "§5.11");
        zoneSeen = true;
        session.zoneAdjustments(textField(type, value));
        break;
      case 'k':
        once(type, "§5.12");
        session.key(textField(type, value));
        break;
      case 'a':
        session.addAttribute(attributeField(value));
        break;
      default:
        throw new IllegalStateException("unhandled session field " + type);
    }
  }

  private void mediaLevelField(char type, String value) {
    int rank = mediaRank(type);
    if (rank < mediaRank) {
      tolerate(SdpViolation.FIELD_OUT_OF_ORDER, 1, type + "= line after " + lastMediaField
          + "= line in a media description; RFC 8866 §5 puts it before");
    } else {
      mediaRank = rank;
      lastMediaField = type;
    }
    switch (type) {
      case 'i':
        if (mediaInformationSeen) {
          throw error("second i= line in a media description: RFC 8866 §5.4 allows one", 1);
        }
        mediaInformationSeen = true;
        media.information(textField(type, value));
        break;
      case 'c':
        mediaHasConnection = true;
        media.addConnection(connectionField(value));
        break;
      case 'b':
        media.addBandwidth(bandwidthField(value));
        break;
      case 'k':
        if (mediaKeySeen) {
          throw error("second k= line in a media description: RFC 8866 §5.12 allows one", 1);
        }
        mediaKeySeen = true;
        media.key(textField(type, value));
        break;
      case 'a':
        media.addAttribute(attributeField(value));
        break;
      default:
        throw new IllegalStateException("unhandled media field " + type);
    }
  }

  private void once(char type, String section) {
    if (seen[type]) {
      throw error("second " + type + "= line: RFC 8866 " + section + " allows one", 1);
    }
    seen[type] = true;
  }

  /** Remembers where o=, s= or t= should have come, to report a missing one there. */
  private void noteMissingRequired(int rank) {
    if (rank > 1 && !seen['o'] && missingOriginAt == 0) {
      missingOriginAt = lineNo;
    }
    if (rank > 2 && !seen['s'] && missingNameAt == 0) {
      missingNameAt = lineNo;
    }
    if (rank > 9 && !seen['t'] && missingTimingAt == 0) {
      missingTimingAt = lineNo;
    }
  }

  // ---- fields --------------------------------------------------------------------------------

  /** {@code version-field = %s"v" "=" 1*DIGIT CRLF}; only 0 exists (RFC 8866 §5.1). */
  private void versionField(String value) {
    if (!"0".equals(value)) {
      throw error("unsupported version v=" + value + ": RFC 8866 §5.1 defines only v=0", 3);
    }
  }

  /** The origin field's value ({@link FieldGrammar#origin}). */
  private Origin originField(String value) {
    ValueReader r = reader(value);
    try {
      Origin origin = FieldGrammar.origin(r);
      extraSpaces(r);
      return origin;
    } catch (ValueSyntaxException e) {
      throw valueError("o=", e);
    }
  }

  /** {@code session-name-field = %s"s" "=" text CRLF}; not empty (RFC 8866 §5.3). */
  private void sessionNameField(String value) {
    if (value.isEmpty()) {
      tolerate(SdpViolation.EMPTY_SESSION_NAME, 3,
          "empty session name: RFC 8866 §5.3 asks for s=- or \"s= \" when there is none");
      session.sessionName("-");
    } else {
      session.sessionName(value);
    }
  }

  /** {@code text = byte-string}: i=, u=, e=, p=, r=, z=, k= are kept verbatim but not empty. */
  private String textField(char type, String value) {
    if (value.isEmpty()) {
      throw error("empty " + type + "= line: RFC 8866 §9 needs a value", 3);
    }
    return value;
  }

  /** A connection field's value ({@link FieldGrammar#connection}). */
  private Connection connectionField(String value) {
    ValueReader r = reader(value);
    try {
      Connection connection = FieldGrammar.connection(r);
      extraSpaces(r);
      return connection;
    } catch (ValueSyntaxException e) {
      throw valueError("c=", e);
    }
  }

  /** A bandwidth field's value ({@link FieldGrammar#bandwidth}). */
  private Bandwidth bandwidthField(String value) {
    ValueReader r = reader(value);
    try {
      Bandwidth bandwidth = FieldGrammar.bandwidth(r);
      extraSpaces(r);
      return bandwidth;
    } catch (ValueSyntaxException e) {
      throw valueError("b=", e);
    }
  }

  /** {@code timing-field = %s"t" "=" start-time SP stop-time CRLF} (RFC 8866 §5.9). */
  private void timingField(String value) {
    ValueReader r = reader(value);
    try {
      long start = r.number("start time", Long.MAX_VALUE);
      r.sp("stop time");
      long stop = r.number("stop time", Long.MAX_VALUE);
      r.end("stop time");
      extraSpaces(r);
      timings.add(Timing.builder().start(start).stop(stop));
    } catch (ValueSyntaxException e) {
      throw valueError("t=", e);
    }
  }

  /** {@code repeat-field = %s"r" "=" repeat-interval SP typed-time 1*(SP typed-time)}, kept verbatim (RFC 8866 §5.10). */
  private void repeatField(String value) {
    if (timings.isEmpty()) {
      throw error("r= line without a preceding t= line (RFC 8866 §5.10)", 1);
    }
    timings.get(timings.size() - 1).addRepeat(textField('r', value));
  }

  /**
   * A media field's value ({@link FieldGrammar#media}), which starts a media description (RFC
   * 8866 §5.14).
   */
  private void mediaField(String value) {
    if (mediaBuilders.size() >= limits.maxMediaDescriptions()) {
      throw error("more than " + limits.maxMediaDescriptions()
          + " media descriptions (maxMediaDescriptions)", 1);
    }
    noteMissingRequired(MEDIA_RANK);
    ValueReader r = reader(value);
    MediaDescription.Builder b;
    try {
      b = FieldGrammar.media(r);
      extraSpaces(r);
    } catch (ValueSyntaxException e) {
      throw valueError("m=", e);
    }
    closeMedia();
    media = b;
    mediaRank = 0;
    lastMediaField = 'm';
    mediaInformationSeen = false;
    mediaKeySeen = false;
    mediaHasConnection = false;
    mediaBuilders.add(b);
    mediaLines.add(lineNo);
  }

  private void closeMedia() {
    if (media != null) {
      mediaConnected.add(mediaHasConnection);
    }
  }

  /**
   * {@code attribute-field = %s"a" "=" attribute CRLF}, {@code attribute = (attribute-name ":"
   * attribute-value) / attribute-name} (RFC 8866 §5.13); known attributes are checked against
   * their grammar.
   */
  private Attribute attributeField(String value) {
    if (++attributeCount > limits.maxAttributes()) {
      throw error("more than " + limits.maxAttributes() + " attributes (maxAttributes)", 1);
    }
    int colon = value.indexOf(':');
    String name = colon < 0 ? value : value.substring(0, colon);
    if (!SdpSyntax.isToken(name)) {
      int trimmed = name.length();
      while (trimmed > 0 && name.charAt(trimmed - 1) == ' ') {
        trimmed--;
      }
      if (colon < 0 && trimmed > 0 && trimmed < name.length()
          && SdpSyntax.isToken(name.substring(0, trimmed))) {
        tolerate(SdpViolation.EXTRA_WHITESPACE, 3 + trimmed, "spaces after the attribute name");
        name = name.substring(0, trimmed);
      } else {
        int bad = 0;
        while (bad < name.length() && SdpSyntax.isTokenChar(name.charAt(bad))) {
          bad++;
        }
        throw error(name.isEmpty() ? "empty attribute name"
            : "attribute name must be a token: " + SdpSyntax.quote(name), 3 + bad);
      }
    }
    Attribute a = colon < 0 ? Attribute.property(name)
        : Attribute.of(name, value.substring(colon + 1));
    knownAttribute(a, 3 + colon + 1);
    return a;
  }

  /** Checks the value of the attributes Parley types; {@code col} is where the value starts. */
  private void knownAttribute(Attribute a, int col) {
    String name = a.name();
    if (Direction.fromAttributeName(name) != null) {
      if (a.hasValue()) {
        malformed(name, col - 1, "a=" + name + " takes no value (RFC 8866 §6.7)", null);
      }
      return;
    }
    boolean rtpmap = name.equals(Attribute.RTPMAP);
    boolean typed = rtpmap || name.equals(Attribute.FMTP) || name.equals(Attribute.PTIME)
        || name.equals(Attribute.MAXPTIME) || name.equals(Attribute.RTCP);
    if (!typed) {
      return;
    }
    if (!a.hasValue()) {
      malformed(name, 3 + name.length(), "a=" + name + " needs a value", null);
      return;
    }
    ValueReader r = reader(a.value());
    try {
      if (rtpmap) {
        Rtpmap map = AttributeGrammar.rtpmap(r);
        if (!map.hasClockRate()) {
          tolerate(SdpViolation.RTPMAP_WITHOUT_CLOCK_RATE, col + a.value().length(),
              "a=rtpmap without /<clock rate> (RFC 8866 §6.6)");
        }
      } else if (name.equals(Attribute.FMTP)) {
        AttributeGrammar.fmtp(r);
      } else if (name.equals(Attribute.RTCP)) {
        AttributeGrammar.rtcp(r);
      } else {
        AttributeGrammar.packetTime(r, name);
      }
      extraSpaces(r);
    } catch (ValueSyntaxException e) {
      malformed(name, col + e.index(), "malformed a=" + name + ": " + e.getMessage(),
          e.violation());
    }
  }

  private void malformed(String name, int col, String reason, SdpViolation cause) {
    if (policy.allows(SdpViolation.MALFORMED_ATTRIBUTE)) {
      violations.add(SdpViolation.MALFORMED_ATTRIBUTE);
      return;
    }
    throw new SdpParseException(reason, lineNo, col,
        cause != null ? cause : SdpViolation.MALFORMED_ATTRIBUTE);
  }

  // ---- end -----------------------------------------------------------------------------------

  private SessionDescription finish() {
    if (!seen['v']) {
      throw new SdpParseException(
          "empty body: a session description starts with v=0 (RFC 8866 §5.1)", 1, 1);
    }
    closeMedia();
    requirePresent('o', missingOriginAt, "o= line (origin, RFC 8866 §5.2)");
    requirePresent('s', missingNameAt, "s= line (session name, RFC 8866 §5.3)");
    requirePresent('t', missingTimingAt, "t= line (timing, RFC 8866 §5.9; t=0 0 for SIP)");
    if (!seen['c']) {
      for (int i = 0; i < mediaBuilders.size(); i++) {
        if (!mediaConnected.get(i)) {
          tolerateAt(SdpViolation.MISSING_CONNECTION, mediaLines.get(i), 1,
              "no c= line in this media description and none at session level (RFC 8866 §5.7)");
        }
      }
    }
    for (Timing.Builder t : timings) {
      session.addTiming(t.build());
    }
    for (int i = 0; i < mediaBuilders.size(); i++) {
      try {
        session.addMedia(mediaBuilders.get(i).build());
      } catch (IllegalArgumentException e) {
        throw new SdpParseException(e.getMessage(), mediaLines.get(i), 1);
      }
    }
    for (SdpViolation v : violations) {
      session.violation(v);
    }
    return session.build();
  }

  private void requirePresent(char type, int at, String what) {
    if (!seen[type]) {
      throw new SdpParseException("missing " + what, at > 0 ? at : lineNo + 1, 1);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private ValueReader reader(String value) {
    return new ValueReader(value, policy.allows(SdpViolation.EXTRA_WHITESPACE));
  }

  private void extraSpaces(ValueReader r) {
    if (r.sawExtraSpaces()) {
      violations.add(SdpViolation.EXTRA_WHITESPACE);
    }
  }

  private SdpParseException valueError(String field, ValueSyntaxException e) {
    return new SdpParseException(field + " " + e.getMessage(), lineNo, 3 + e.index(),
        e.violation());
  }

  private void tolerate(SdpViolation v, int col, String reason) {
    tolerateAt(v, lineNo, col, reason);
  }

  private void tolerateAt(SdpViolation v, int atLine, int col, String reason) {
    if (!policy.allows(v)) {
      throw new SdpParseException(reason, atLine, col, v);
    }
    violations.add(v);
  }

  private SdpParseException error(String reason, int col) {
    return new SdpParseException(reason, Math.max(1, lineNo), Math.max(1, col));
  }
}
