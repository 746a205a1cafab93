package dev.parley.sip.body;

import java.util.Objects;

/**
 * One header field of a body format that carries its own headers ({@link SipFrag},
 * {@link CpimMessage}): a name and its text, as written (a folded value joined by one space).
 *
 * @param name the field name, as written
 * @param value the field value, trimmed
 */
public record BodyHeader(String name, String value) {
  /**
   * Checks the name is a token and the value has no line break.
   *
   * @throws IllegalArgumentException naming the fault
   */
  public BodyHeader {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isEmpty() || !BodyText.isToken(name)) {
      throw new IllegalArgumentException("header name is not a token: " + name);
    }
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header value has a line break: " + name);
    }
  }

  /** Whether the name is {@code name}, ignoring case. */
  public boolean is(String name) {
    return this.name.equalsIgnoreCase(name);
  }
}
