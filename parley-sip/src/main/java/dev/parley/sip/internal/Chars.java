package dev.parley.sip.internal;

/**
 * Character classes of the RFC 3261 §25.1 grammar, as one 256-entry table of bit flags built once.
 *
 * <p>Each class is a bit; {@link #is(int, int)} tests a character against one or several classes
 * ({@code is(c, TOKEN | ESCAPE_START)}). Characters above 0xFF belong to no class (SIP is read as
 * ISO-8859-1 bytes, so UTF-8 arrives as octets 0x80..0xFF, which are {@link #UTF8_NONASCII}).
 */
public final class Chars {
  /** ALPHA / DIGIT. */
  public static final int ALPHANUM = 1;
  /** mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")". */
  public static final int MARK = 1 << 1;
  /** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"). */
  public static final int TOKEN = 1 << 2;
  /** separators = "(" / ")" / "<" / ">" / "@" / "," / ";" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "=" / "{" / "}" / SP / HTAB. */
  public static final int SEPARATOR = 1 << 3;
  /** word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}"). */
  public static final int WORD = 1 << 4;
  /** user-unreserved = "&amp;" / "=" / "+" / "$" / "," / ";" / "?" / "/". */
  public static final int USER_UNRESERVED = 1 << 5;
  /** param-unreserved = "[" / "]" / "/" / ":" / "&amp;" / "+" / "$". */
  public static final int PARAM_UNRESERVED = 1 << 6;
  /** hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$". */
  public static final int HNV_UNRESERVED = 1 << 7;
  /** HEXDIG, either case. */
  public static final int HEX = 1 << 8;
  /** reserved = ";" / "/" / "?" / ":" / "@" / "&amp;" / "=" / "+" / "$" / ",". */
  public static final int RESERVED = 1 << 9;
  /** SP / HTAB. */
  public static final int WSP = 1 << 10;
  /** UTF8-NONASCII octets (0x80..0xFF). */
  public static final int UTF8_NONASCII = 1 << 11;
  /** password = *( unreserved / escaped / "&amp;" / "=" / "+" / "$" / "," ): the non-escape part. */
  public static final int PASSWORD = 1 << 12;
  /** qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII. */
  public static final int QDTEXT = 1 << 13;
  /** DIGIT. */
  public static final int DIGIT = 1 << 14;
  /** ALPHA. */
  public static final int ALPHA = 1 << 15;
  /** ctext = %x21-27 / %x2A-5B / %x5D-7E / UTF8-NONASCII / LWS. */
  public static final int CTEXT = 1 << 16;

  /**
   * The characters of hostname and IPv4address: alphanum / "-" / "." (an IPv6reference has its
   * own rule).
   */
  public static final int HOST = 1 << 17;
  /**
   * The characters RFC 3261 §19.1.2 wants escaped in a URI but that are often sent raw:
   * "#" / "\" / "^" / "`" / "{" / "|" / "}".
   */
  public static final int UNWISE = 1 << 18;

  /** unreserved = alphanum / mark. */
  public static final int UNRESERVED = ALPHANUM | MARK;
  /** user = 1*( unreserved / escaped / user-unreserved ): the non-escape characters. */
  public static final int USER = UNRESERVED | USER_UNRESERVED;
  /** paramchar = param-unreserved / unreserved / escaped: the non-escape characters. */
  public static final int PARAM = UNRESERVED | PARAM_UNRESERVED;
  /** hname / hvalue = *( hnv-unreserved / unreserved / escaped ): the non-escape characters. */
  public static final int HNV = UNRESERVED | HNV_UNRESERVED;

  private static final int[] TABLE = new int[256];

  static {
    for (int c = 'a'; c <= 'z'; c++) {
      TABLE[c] |= ALPHANUM | ALPHA;
    }
    for (int c = 'A'; c <= 'Z'; c++) {
      TABLE[c] |= ALPHANUM | ALPHA;
    }
    for (int c = '0'; c <= '9'; c++) {
      TABLE[c] |= ALPHANUM | DIGIT | HEX;
    }
    for (int c = 'a'; c <= 'f'; c++) {
      TABLE[c] |= HEX;
    }
    for (int c = 'A'; c <= 'F'; c++) {
      TABLE[c] |= HEX;
    }
    mark("-_.!~*'()", MARK);
    mark("-.!%*_+`'~", TOKEN);
    for (int c = 0; c < 256; c++) {
      if ((TABLE[c] & ALPHANUM) != 0) {
        TABLE[c] |= TOKEN | WORD | HOST;
      }
    }
    mark("()<>@,;:\\\"/[]?={} \t", SEPARATOR);
    mark("-.!%*_+`'~()<>:\\\"/[]?{}", WORD);
    mark("&=+$,;?/", USER_UNRESERVED);
    mark("[]/:&+$", PARAM_UNRESERVED);
    mark("[]/?:+$", HNV_UNRESERVED);
    mark(";/?:@&=+$,", RESERVED);
    mark("-.", HOST);
    mark("#\\^`{|}", UNWISE);
    mark(" \t", WSP);
    mark("&=+$,", PASSWORD);
    for (int c = 0; c < 256; c++) {
      if ((TABLE[c] & UNRESERVED) != 0) {
        TABLE[c] |= PASSWORD;
      }
    }
    for (int c = 0x80; c < 256; c++) {
      TABLE[c] |= UTF8_NONASCII | QDTEXT | CTEXT;
    }
    TABLE[' '] |= QDTEXT | CTEXT;
    TABLE['\t'] |= QDTEXT | CTEXT;
    TABLE[0x21] |= QDTEXT;
    for (int c = 0x23; c <= 0x5B; c++) {
      TABLE[c] |= QDTEXT;
    }
    for (int c = 0x5D; c <= 0x7E; c++) {
      TABLE[c] |= QDTEXT;
    }
    for (int c = 0x21; c <= 0x27; c++) {
      TABLE[c] |= CTEXT;
    }
    for (int c = 0x2A; c <= 0x5B; c++) {
      TABLE[c] |= CTEXT;
    }
    for (int c = 0x5D; c <= 0x7E; c++) {
      TABLE[c] |= CTEXT;
    }
  }

  private Chars() {}

  private static void mark(String chars, int flag) {
    for (int i = 0; i < chars.length(); i++) {
      TABLE[chars.charAt(i)] |= flag;
    }
  }

  /** Whether {@code c} belongs to any of the classes in {@code classes}. */
  public static boolean is(int c, int classes) {
    return c >= 0 && c < 256 && (TABLE[c] & classes) != 0;
  }

  /** Whether the octet {@code b} belongs to any of the classes in {@code classes}. */
  public static boolean isOctet(byte b, int classes) {
    return (TABLE[b & 0xFF] & classes) != 0;
  }

  /** The value of a hex digit, or -1. */
  public static int hexValue(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** ASCII lower case of {@code c}; other characters unchanged. */
  public static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  /** Whether every character of {@code s} is in {@code classes} and {@code s} is not empty. */
  public static boolean all(CharSequence s, int classes) {
    if (s.length() == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!is(s.charAt(i), classes)) {
        return false;
      }
    }
    return true;
  }
}
