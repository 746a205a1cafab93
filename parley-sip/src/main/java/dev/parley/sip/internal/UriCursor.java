package dev.parley.sip.internal;

import dev.parley.sip.SipParseException;
import dev.parley.sip.Violation;
import java.util.Locale;

/**
 * What the URI grammars ({@link UriParser}, {@link HostRules}, {@link TelUriRules}) share: the
 * slice {@code [pos, end)} of a text being read, the {@link Leniency} that hears of tolerated
 * departures, escaped runs, and the errors, whose index is 0-based in the whole text. One instance
 * per parse; not thread-safe.
 */
abstract class UriCursor extends CharSource {
  final CharSequence text;
  final int end;
  final Leniency leniency;
  int pos;

  UriCursor(CharSequence text, int start, int end, Leniency leniency) {
    this.text = text;
    this.pos = start;
    this.end = end;
    this.leniency = leniency;
  }

  /** The character at {@code i}, for the rules of {@link Rfc3261Rules}. */
  @Override
  public final int at(int i) {
    return text.charAt(i);
  }

  /**
   * Consumes characters of {@code classes} and {@code escaped = "%" HEXDIG HEXDIG} up to
   * {@code limit}, stopping at the first other character. Raw characters that must be escaped
   * are tolerated as {@link Violation#UNESCAPED_URI_CHARACTER}.
   */
  void consumeEscapedRun(int limit, int classes, String what) {
    while (true) {
      pos = Rfc3261Rules.escapedRunEnd(this, pos, limit, classes);
      if (pos >= limit) {
        return;
      }
      char c = text.charAt(pos);
      if (c == '%') {
        unescaped(c, "'%' not followed by two hex digits in the " + what);
      } else if (Chars.is(c, Chars.UNWISE)) {
        unescaped(c, describe(c) + " must be escaped in the " + what);
      } else {
        return;
      }
    }
  }

  void unescaped(char c, String strictReason) {
    if (!leniency.tolerates(Violation.UNESCAPED_URI_CHARACTER)) {
      throw error(strictReason + " (RFC 3261 §19.1.2)", pos);
    }
    leniency.violate(Violation.UNESCAPED_URI_CHARACTER, pos);
    pos++;
  }

  /** {@code verdict} of a rule of {@link Rfc3261Rules} when it passed; else its error. */
  long check(long verdict) {
    return check(verdict, null);
  }

  /** As {@link #check(long)}, naming the URI parameter {@code parameter} if the rule is of one. */
  long check(long verdict, String parameter) {
    int at = Rfc3261Rules.index(verdict);
    String reason = switch (Rfc3261Rules.fault(verdict)) {
      case Rfc3261Rules.OK -> null;
      case Rfc3261Rules.EMPTY_LABEL -> "empty label in host name";
      case Rfc3261Rules.LABEL_STARTS_WITH_HYPHEN -> "host name label starts with '-'";
      case Rfc3261Rules.LABEL_ENDS_WITH_HYPHEN -> "host name label ends with '-'";
      case Rfc3261Rules.TOPLABEL_NOT_ALPHA -> "the last label of a host name starts with a letter"
          + " (or it is not a valid IPv4 address)";
      case Rfc3261Rules.IPV4_TOO_FEW_PARTS -> "IPv4 address needs four parts";
      case Rfc3261Rules.IPV4_LONG_PART -> "more than three digits in an IPv4 address part";
      case Rfc3261Rules.IPV4_EMPTY_PART -> "IPv4 address part is empty";
      case Rfc3261Rules.IPV4_PART_OUT_OF_RANGE -> "IPv4 address part out of range: "
          + digitsAt(at);
      case Rfc3261Rules.IPV4_TRAILING -> "not an IPv4 address: unexpected "
          + describe(text.charAt(at));
      case Rfc3261Rules.TTL_NOT_DIGITS -> "ttl is 1 to 3 digits";
      case Rfc3261Rules.TTL_OUT_OF_RANGE -> "ttl out of range: " + Integer.parseInt(digitsAt(at));
      case Rfc3261Rules.NOT_A_TOKEN -> describe(text.charAt(at)) + " not allowed in the "
          + parameter.toLowerCase(Locale.ROOT) + " parameter (a token)";
      default -> "not a valid URI (rule fault " + Rfc3261Rules.fault(verdict) + ")";
    };
    if (reason != null) {
      throw error(reason, at);
    }
    return verdict;
  }

  /** The run of digits at {@code at}. */
  String digitsAt(int at) {
    int e = at;
    while (e < end && Chars.is(text.charAt(e), Chars.DIGIT)) {
      e++;
    }
    return text.subSequence(at, e).toString();
  }

  void expectEnd(String what) {
    if (pos < end) {
      throw error("unexpected " + describe(text.charAt(pos)) + " in " + what, pos);
    }
  }

  int peek() {
    return pos < end ? text.charAt(pos) : -1;
  }

  int at(int limit, int p) {
    return p < limit ? text.charAt(p) : -1;
  }

  int indexOf(char c, int from) {
    for (int i = from; i < end; i++) {
      if (text.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  static SipParseException error(String reason, int index) {
    return SipParseException.at(reason, index);
  }

  static String describe(int c) {
    if (c < 0) {
      return "end of URI";
    }
    if (c > 0x20 && c < 0x7F) {
      return "'" + (char) c + "'";
    }
    return String.format("U+%04X", c);
  }
}
