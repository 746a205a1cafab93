package dev.parley.sip;

import dev.parley.sip.internal.Lexer;
import java.util.Objects;

/**
 * One value of the Reason header (RFC 3326): a protocol ("SIP", "Q.850") with a cause and text,
 * carried on BYE and CANCEL to say why a session or attempt ended.
 *
 * @param protocol the protocol as written
 * @param parameters reason-params ({@code cause}, {@code text}), values as written
 */
public record Reason(String protocol, Parameters parameters) {
  /** Validates the parts. */
  public Reason {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(parameters, "parameters");
  }

  /** A {@code SIP;cause=CODE;text="TEXT"} reason. */
  public static Reason sip(int cause, String text) {
    Parameters.Builder p = Parameters.builder().add("cause", Integer.toString(cause));
    if (text != null) {
      StringBuilder q = new StringBuilder();
      Address.appendQuoted(q, text);
      p.add("text", q.toString());
    }
    return new Reason("SIP", p.build());
  }

  /** The cause as a number, or -1 when absent or not a number. */
  public int cause() {
    String v = parameters.get("cause");
    if (v == null || v.isEmpty() || v.length() > 9) {
      return -1;
    }
    int n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** The text parameter without quotes, or null. */
  public String text() {
    return Lexer.unquote(parameters.get("text"));
  }

  @Override
  public String toString() {
    return protocol + parameters;
  }
}
