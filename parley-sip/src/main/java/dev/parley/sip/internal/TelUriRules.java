package dev.parley.sip.internal;

import dev.parley.sip.Parameters;
import dev.parley.sip.TelUri;
import dev.parley.sip.Violation;

/**
 * The {@code telephone-uri} of RFC 3966 §3 after its {@code tel:}: a global or local number and
 * its parameters. One instance per tel URI; {@link UriParser} hands it the rest of its slice and
 * takes up again where it stopped.
 */
final class TelUriRules extends HostRules {
  TelUriRules(CharSequence text, int start, int end, Leniency leniency) {
    super(text, start, end, leniency);
  }

  /**
   * {@code telephone-subscriber = global-number / local-number},
   * {@code global-number = global-number-digits *par},
   * {@code local-number = local-number-digits *par context *par}.
   */
  TelUri consumeTelephoneSubscriber() {
    int start = pos;
    boolean global = peek() == '+';
    if (global) {
      consumeGlobalNumberDigits(end);
    } else {
      consumeLocalNumberDigits();
    }
    String number = text.subSequence(start, pos).toString();
    Parameters parameters = Parameters.EMPTY;
    if (peek() == ';') {
      Parameters.Builder b = Parameters.builder();
      while (peek() == ';') {
        pos++;
        consumePar(b);
      }
      parameters = b.build();
    }
    if (!global && !parameters.contains("phone-context")) {
      if (!leniency.tolerates(Violation.TEL_LOCAL_NUMBER_WITHOUT_CONTEXT)) {
        throw error("a local tel number needs a phone-context parameter (RFC 3966 §5.1.5)",
            start);
      }
      leniency.violate(Violation.TEL_LOCAL_NUMBER_WITHOUT_CONTEXT, start);
    }
    return UriAccess.get().newTelUri(number, parameters);
  }

  /**
   * {@code global-number-digits = "+" *phonedigit DIGIT *phonedigit},
   * {@code phonedigit = DIGIT / [ visual-separator ]},
   * {@code visual-separator = "-" / "." / "(" / ")"}.
   */
  void consumeGlobalNumberDigits(int limit) {
    int start = pos;
    pos++;
    int digits = 0;
    while (pos < limit) {
      char c = text.charAt(pos);
      if (Chars.is(c, Chars.DIGIT)) {
        digits++;
      } else if (!isVisualSeparator(c)) {
        break;
      }
      pos++;
    }
    if (digits == 0) {
      throw error("a global number has at least one digit after '+'", start);
    }
  }

  /**
   * {@code local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex},
   * {@code phonedigit-hex = HEXDIG / "*" / "#" / [ visual-separator ]}.
   */
  void consumeLocalNumberDigits() {
    int start = pos;
    int digits = 0;
    while (pos < end) {
      char c = text.charAt(pos);
      if (Chars.is(c, Chars.HEX) || c == '*' || c == '#') {
        digits++;
      } else if (!isVisualSeparator(c)) {
        break;
      }
      pos++;
    }
    if (digits == 0) {
      throw error(peek() < 0 ? "empty tel number" : "expected a tel number, found "
          + describe(peek()), start);
    }
  }

  static boolean isVisualSeparator(char c) {
    return c == '-' || c == '.' || c == '(' || c == ')';
  }

  /**
   * {@code par = parameter / extension / isdn-subaddress},
   * {@code parameter = ";" pname ["=" pvalue ]}, {@code pname = 1*( alphanum / "-" )},
   * {@code pvalue = 1*paramchar}, {@code extension = ";ext=" 1*phonedigit},
   * {@code isdn-subaddress = ";isub=" 1*uric},
   * {@code context = ";phone-context=" descriptor},
   * {@code descriptor = domainname / global-number-digits}.
   *
   * <p>{@code uric} includes {@code ;}, which would swallow the following parameters; an
   * {@code isub} value is read up to the next {@code ;}.
   */
  void consumePar(Parameters.Builder parameters) {
    int nameStart = pos;
    while (Chars.is(peek(), Chars.ALPHANUM) || peek() == '-') {
      pos++;
    }
    if (pos == nameStart) {
      throw error(peek() < 0 ? "empty tel parameter after ';'"
          : "expected a tel parameter name, found " + describe(peek()), pos);
    }
    String name = text.subSequence(nameStart, pos).toString();
    String value = null;
    if (peek() == '=') {
      pos++;
      int valueStart = pos;
      if (name.equalsIgnoreCase("isub")) {
        consumeEscapedRun(end, (Chars.RESERVED | Chars.UNRESERVED), "isub value");
        // RESERVED includes ';' and so the run above would take the next parameter: cut it.
        for (int i = valueStart; i < pos; i++) {
          if (text.charAt(i) == ';') {
            pos = i;
            break;
          }
        }
      } else if (name.equalsIgnoreCase("ext")) {
        while (pos < end && (Chars.is(text.charAt(pos), Chars.DIGIT)
            || isVisualSeparator(text.charAt(pos)))) {
          pos++;
        }
      } else if (name.equalsIgnoreCase("phone-context")) {
        consumeDescriptor();
      } else {
        consumeEscapedRun(end, Chars.PARAM, "tel parameter value");
      }
      if (pos == valueStart) {
        throw error("empty value of tel parameter " + name
            + (peek() < 0 ? "" : ", found " + describe(peek())), pos);
      }
      value = text.subSequence(valueStart, pos).toString();
    }
    parameters.add(name, value);
  }

  /** {@code descriptor = domainname / global-number-digits}. */
  void consumeDescriptor() {
    if (peek() == '+') {
      consumeGlobalNumberDigits(end);
      return;
    }
    int start = pos;
    while (Chars.is(peek(), Chars.ALPHANUM) || peek() == '-' || peek() == '.') {
      pos++;
    }
    if (pos > start) {
      int limit = pos;
      pos = start;
      consumeHostname(limit);
    }
  }
}
