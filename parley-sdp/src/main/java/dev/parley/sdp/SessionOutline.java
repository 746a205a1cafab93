package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The media lines of a session description in its plain form, read in one pass over the bytes
 * without building the model: what a user agent needs to classify an offer (the media, port,
 * protocol and codecs of each {@code m=} line) before it decides to build the whole
 * {@link SessionDescription}.
 *
 * <p>The plain form is the one user agents write (RFC 8866 §5): printable ASCII lines ended by
 * CRLF, {@code v=0}, {@code o=}, {@code s=}, an optional {@code c=}, one {@code t=}, session
 * {@code a=} lines, then media descriptions of an {@code m=} line, an optional {@code c=} and
 * {@code a=} lines, each field in the strict grammar of {@link SdpParser#STRICT} (single spaces, a
 * unicast {@code c=}, every {@code a=rtpmap} well formed with a clock rate). {@link #read} answers
 * null for anything else (another field, another order, a multicast address, an extra space,
 * a malformed or unusual line): the caller then parses the text with
 * {@link SessionDescription#parse(byte[])}, which decides. A description {@link #read} accepts is
 * one {@link SessionDescription#parse(byte[])} accepts, with the same media lines.
 *
 * <p>Immutable and thread-safe; reading allocates the outline and its offsets, and the strings
 * and {@link Rtpmap}s only when asked for.
 */
public final class SessionOutline {
  /**
   * Larger descriptions are left to the parser (offers are a few hundred bytes); no line can then
   * be longer than {@link SdpLimits#DEFAULT_MAX_LINE_LENGTH}.
   */
  static final int MAX_BYTES = SdpLimits.DEFAULT_MAX_LINE_LENGTH;
  /** More lines are left to the parser. */
  static final int MAX_LINES = 128;
  private static final String[] MEDIA = {MediaDescription.AUDIO, MediaDescription.VIDEO,
      MediaDescription.MESSAGE, MediaDescription.APPLICATION};
  private static final String[] PROTOS = {MediaDescription.RTP_AVP, MediaDescription.RTP_AVPF,
      MediaDescription.SIP};

  private final byte[] text;
  /**
   * Per media line, 6 ints: media [start, end), port, proto [start, end), formats start (the
   * space before the first format; they run to the line's CR).
   */
  private final int[] lines;
  /** Per media line, its first and last+1 index into {@link #rtpmaps}. */
  private final int[] rtpmapRanges;
  /** Start offsets of the values of the {@code a=rtpmap} lines (after "rtpmap:"), then ends. */
  private final int[] rtpmaps;
  private final int media;

  private SessionOutline(byte[] text, int[] lines, int media, int[] rtpmapRanges, int[] rtpmaps) {
    this.text = text;
    this.lines = lines;
    this.media = media;
    this.rtpmapRanges = rtpmapRanges;
    this.rtpmaps = rtpmaps;
  }

  /**
   * The outline of UTF-8 {@code bytes}, or null when they are not a session description in the
   * plain form (the class comment): then only {@link SessionDescription#parse(byte[])} can say
   * what they are.
   */
  public static SessionOutline read(byte[] bytes) {
    if (bytes.length == 0 || bytes.length > MAX_BYTES) {
      return null;
    }
    return new Reader(bytes).read();
  }

  /** The number of media descriptions ({@code m=} lines). */
  public int size() {
    return media;
  }

  /** Media line {@code i}'s media type, as {@link MediaDescription#media()}. */
  public String media(int i) {
    int at = check(i) * 6;
    return string(lines[at], lines[at + 1], MEDIA);
  }

  /** Media line {@code i}'s port, as {@link MediaDescription#port()}. */
  public int port(int i) {
    return lines[check(i) * 6 + 2];
  }

  /** Whether media line {@code i} has port 0, as {@link MediaDescription#isDisabled()}. */
  public boolean isDisabled(int i) {
    return port(i) == 0;
  }

  /** Media line {@code i}'s protocol, as {@link MediaDescription#proto()}. */
  public String proto(int i) {
    int at = check(i) * 6;
    return string(lines[at + 3], lines[at + 4], PROTOS);
  }

  /**
   * Media line {@code i}'s payload types, each with its {@code a=rtpmap} or the static one of RFC
   * 3551, as {@link MediaDescription#formatsWithRtpmap()}.
   */
  public List<Rtpmap> formatsWithRtpmap(int i) {
    int at = check(i) * 6;
    int end = formatsEnd(i);
    List<Rtpmap> out = new ArrayList<>(4);
    int p = lines[at + 5];
    while (p < end) {
      int start = p + 1; // after the space
      int stop = start;
      while (stop < end && text[stop] != ' ') {
        stop++;
      }
      int pt = payloadType(start, stop);
      if (pt >= 0) {
        Rtpmap found = null;
        for (int k = rtpmapRanges[2 * i]; k < rtpmapRanges[2 * i + 1] && found == null; k++) {
          if (rtpmapPayloadType(k) == pt) {
            found = rtpmap(k);
          }
        }
        if (found == null) {
          found = Rtpmap.ofStaticPayloadType(pt).orElse(null);
        }
        if (found != null) {
          out.add(found);
        }
      }
      p = stop;
    }
    return out;
  }

  private int check(int i) {
    if (i < 0 || i >= media) {
      throw new IndexOutOfBoundsException("media line " + i + " of " + media);
    }
    return i;
  }

  private int formatsEnd(int i) {
    int p = lines[i * 6 + 5];
    while (p < text.length && text[p] != '\r') {
      p++;
    }
    return p;
  }

  /** {@link MediaDescription#payloadTypeOf}: 1-3 digits without a leading zero, up to 127. */
  private int payloadType(int start, int stop) {
    int n = stop - start;
    if (n == 0 || n > 3 || (n > 1 && text[start] == '0')) {
      return -1;
    }
    int v = 0;
    for (int k = start; k < stop; k++) {
      byte c = text[k];
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= 127 ? v : -1;
  }

  private int rtpmapPayloadType(int k) {
    int p = rtpmaps[2 * k];
    int v = 0;
    while (text[p] != ' ') {
      v = v * 10 + (text[p++] - '0');
    }
    return v;
  }

  /** The {@code a=rtpmap} value {@code k}, checked by the reader: {@code pt SP name/rate[/params]}. */
  private Rtpmap rtpmap(int k) {
    int p = rtpmaps[2 * k];
    int end = rtpmaps[2 * k + 1];
    int sp = p;
    while (text[sp] != ' ') {
      sp++;
    }
    int slash = sp + 1;
    while (text[slash] != '/') {
      slash++;
    }
    int rateEnd = slash + 1;
    long rate = 0;
    while (rateEnd < end && text[rateEnd] != '/') {
      rate = rate * 10 + (text[rateEnd++] - '0');
    }
    String params = rateEnd < end ? ascii(rateEnd + 1, end) : null;
    return Rtpmap.of(rtpmapPayloadType(k), ascii(sp + 1, slash), (int) rate, params);
  }

  private String string(int start, int end, String[] constants) {
    for (String c : constants) {
      if (c.length() == end - start && matches(start, c)) {
        return c;
      }
    }
    return ascii(start, end);
  }

  private boolean matches(int start, String s) {
    for (int k = 0; k < s.length(); k++) {
      if (text[start + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private String ascii(int start, int end) {
    return new String(text, start, end - start, StandardCharsets.ISO_8859_1);
  }

  /** One pass over the bytes: checks the plain form and notes the offsets. */
  private static final class Reader {
    private final byte[] t;
    /** Where the reader is: in the current line's value, or -1 at the end, -2 on a bad line. */
    private int pos;
    private int lineStart = -1;
    private int lineEnd;
    private int lineCount;
    private int[] lines = new int[12];
    private int media;
    private int[] rtpmapRanges = new int[4];
    private int[] rtpmaps = new int[8];
    private int rtpmapCount;

    Reader(byte[] t) {
      this.t = t;
    }

    SessionOutline read() {
      // session level: v=0, o=, s=, [c=], t=, *a=
      if (!line('v') || lineEnd - pos != 1 || t[pos] != '0') {
        return null;
      }
      if (!next() || !line('o') || !origin() || !next() || !line('s') || !text()) {
        return null;
      }
      if (!next()) {
        return null;
      }
      if (t[pos - 2] == 'c') {
        if (!connection() || !next()) {
          return null;
        }
      }
      if (!line('t') || !timing()) {
        return null;
      }
      boolean more = next();
      while (more && t[pos - 2] == 'a') {
        if (!attribute(false)) {
          return null;
        }
        more = next();
      }
      // media descriptions: m=, [c=], *a=
      while (more) {
        if (!line('m') || !mediaLine()) {
          return null;
        }
        more = next();
        if (more && t[pos - 2] == 'c') {
          if (!connection()) {
            return null;
          }
          more = next();
        }
        while (more && t[pos - 2] == 'a') {
          if (!attribute(true)) {
            return null;
          }
          more = next();
        }
      }
      if (pos != -1) {
        return null; // a line that failed the form
      }
      return new SessionOutline(t, lines, media, rtpmapRanges, rtpmaps);
    }

    /**
     * Moves to the next line: true with {@code pos} at its value (after "x=") and {@code lineEnd}
     * at its CR; false at the end of the text ({@code pos} -1) or when the next line is not in the
     * form {@code x=value CRLF} of printable ASCII ({@code pos} -2).
     */
    private boolean next() {
      int start = lineStart < 0 ? 0 : lineEnd + 2;
      if (start == t.length) {
        pos = -1;
        return false;
      }
      if (++lineCount > MAX_LINES) {
        pos = -2;
        return false;
      }
      int p = start;
      while (p < t.length && t[p] >= 0x20 && t[p] <= 0x7E) {
        p++;
      }
      if (p + 1 >= t.length || t[p] != '\r' || t[p + 1] != '\n' || p - start < 2
          || t[start + 1] != '=') {
        pos = -2;
        return false;
      }
      lineStart = start;
      lineEnd = p;
      pos = start + 2;
      return true;
    }

    /** Whether the current line (the first one when none is read yet) is of type {@code type}. */
    private boolean line(char type) {
      if (lineStart < 0 && !next()) {
        return false;
      }
      return pos >= 0 && t[lineStart] == type;
    }

    // ---- the grammar's pieces, strict: each reads from pos and says whether it matched

    private boolean sp() {
      if (pos < lineEnd && t[pos] == ' ') {
        pos++;
        return pos < lineEnd && t[pos] != ' ';
      }
      return false;
    }

    private boolean token() {
      int start = pos;
      while (pos < lineEnd && SdpSyntax.isTokenChar((char) t[pos])) {
        pos++;
      }
      return pos > start;
    }

    private boolean nonWs() {
      int start = pos;
      while (pos < lineEnd && t[pos] != ' ') {
        pos++; // printable ASCII other than space: VCHAR
      }
      return pos > start;
    }

    private boolean digits(int most) {
      int start = pos;
      while (pos < lineEnd && t[pos] >= '0' && t[pos] <= '9') {
        pos++;
      }
      return pos > start && pos - start <= most;
    }

    private boolean end() {
      return pos == lineEnd;
    }

    /** {@code username SP sess-id SP sess-version SP nettype SP addrtype SP unicast-address}. */
    private boolean origin() {
      return nonWs() && sp() && digits(Integer.MAX_VALUE) && sp() && digits(Integer.MAX_VALUE)
          && sp() && token() && sp() && token() && sp() && nonWs() && end();
    }

    /** {@code text}, not empty: s= (an empty one is a violation the parser repairs). */
    private boolean text() {
      return lineEnd > pos;
    }

    /** {@code nettype SP addrtype SP connection-address}, unicast: no '/'. */
    private boolean connection() {
      if (!token() || !sp()) {
        return false;
      }
      if (!token() || !sp()) {
        return false;
      }
      int start = pos;
      if (!nonWs() || !end()) {
        return false;
      }
      for (int k = start; k < pos; k++) {
        if (t[k] == '/') {
          return false;
        }
      }
      return true;
    }

    /** {@code start-time SP stop-time}, each at most 18 digits (below Long.MAX_VALUE). */
    private boolean timing() {
      return digits(18) && sp() && digits(18) && end();
    }

    /** {@code media SP port SP proto 1*(SP fmt)}: no "/count" after the port. */
    private boolean mediaLine() {
      if (media == SdpLimits.DEFAULT_MAX_MEDIA_DESCRIPTIONS) {
        return false;
      }
      if (lines.length < (media + 1) * 6) {
        lines = Arrays.copyOf(lines, lines.length * 2);
      }
      int at = media * 6;
      lines[at] = pos;
      if (!token()) {
        return false;
      }
      lines[at + 1] = pos;
      if (!sp()) {
        return false;
      }
      int portStart = pos;
      if (!digits(5)) {
        return false;
      }
      int port = 0;
      for (int k = portStart; k < pos; k++) {
        port = port * 10 + (t[k] - '0');
      }
      if (port > 65535 || !sp()) {
        return false;
      }
      lines[at + 2] = port;
      lines[at + 3] = pos;
      if (!nonWs()) {
        return false;
      }
      lines[at + 4] = pos;
      if (!isProto(lines[at + 3], pos)) {
        return false;
      }
      lines[at + 5] = pos;
      do {
        if (!sp() || !nonWs()) {
          return false;
        }
      } while (!end());
      if (rtpmapRanges.length < (media + 1) * 2) {
        rtpmapRanges = Arrays.copyOf(rtpmapRanges, rtpmapRanges.length * 2);
      }
      rtpmapRanges[2 * media] = rtpmapCount;
      rtpmapRanges[2 * media + 1] = rtpmapCount;
      media++;
      return true;
    }

    private boolean isProto(int start, int end) {
      boolean needToken = true;
      for (int k = start; k < end; k++) {
        if (t[k] == '/') {
          if (needToken) {
            return false;
          }
          needToken = true;
        } else if (SdpSyntax.isTokenChar((char) t[k])) {
          needToken = false;
        } else {
          return false;
        }
      }
      return !needToken;
    }

    /**
     * {@code attribute-name [":" attribute-value]}: a token name; an {@code rtpmap} in a media
     * description must be {@code payload-type SP encoding-name "/" clock-rate ["/" params]}, and
     * an attribute whose name is that of a typed one in another case is left to the parser.
     */
    private boolean attribute(boolean inMedia) {
      int start = pos;
      if (!token()) {
        return false;
      }
      int nameEnd = pos;
      if (pos < lineEnd && t[pos] != ':') {
        return false;
      }
      if (!isRtpmap(start, nameEnd)) {
        return !sameIgnoringCase(start, nameEnd, Attribute.RTPMAP);
      }
      if (pos == lineEnd) {
        return false;
      }
      pos++;
      int value = pos;
      int ptStart = pos;
      if (!digits(3) || (pos - ptStart > 1 && t[ptStart] == '0')) {
        return false;
      }
      int pt = 0;
      for (int k = ptStart; k < pos; k++) {
        pt = pt * 10 + (t[k] - '0');
      }
      if (pt > 127 || !sp() || !token() || pos == lineEnd || t[pos] != '/') {
        return false;
      }
      pos++;
      int rateStart = pos;
      if (!digits(9) || t[rateStart] == '0') {
        return false; // at most 999,999,999: positive and below Integer.MAX_VALUE
      }
      if (pos < lineEnd) {
        if (t[pos] != '/') {
          return false;
        }
        pos++;
        if (!nonWs()) {
          return false;
        }
      }
      if (!end()) {
        return false;
      }
      if (inMedia) {
        if (rtpmaps.length < (rtpmapCount + 1) * 2) {
          rtpmaps = Arrays.copyOf(rtpmaps, rtpmaps.length * 2);
        }
        rtpmaps[2 * rtpmapCount] = value;
        rtpmaps[2 * rtpmapCount + 1] = lineEnd;
        rtpmapCount++;
        rtpmapRanges[2 * (media - 1) + 1] = rtpmapCount;
      }
      return true;
    }

    private boolean isRtpmap(int start, int end) {
      return end - start == Attribute.RTPMAP.length() && matchesExactly(start, Attribute.RTPMAP);
    }

    private boolean matchesExactly(int start, String s) {
      for (int k = 0; k < s.length(); k++) {
        if (t[start + k] != s.charAt(k)) {
          return false;
        }
      }
      return true;
    }

    private boolean sameIgnoringCase(int start, int end, String s) {
      if (end - start != s.length()) {
        return false;
      }
      for (int k = 0; k < s.length(); k++) {
        if (Character.toLowerCase((char) t[start + k]) != s.charAt(k)) {
          return false;
        }
      }
      return true;
    }
  }
}
