package dev.parley.server.registrar;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A list of User-Agent names, such as {@code "baresip, SIPp, sipsak"}: the clients to which the
 * server offers MD5 digest only ({@code auth.md5_only_user_agents}).
 *
 * <p>An entry matches a User-Agent header value that starts with it, ignoring case, as a whole
 * word: the entry is followed by the end of the value or by a character that is neither a letter
 * nor a digit. {@code baresip} matches {@code baresip v1.0.0 (x86_64/linux)}, {@code SIPp}
 * matches {@code SIPp register-uac}, {@code sipsak} matches {@code sipsak 0.9.8.1}; {@code SIPp}
 * does not match {@code Sippy}. A request without User-Agent matches nothing.
 *
 * <p>Immutable and thread-safe; {@link #matches} allocates nothing.
 */
public final class UserAgentMatcher {
  /** Matches nothing. */
  public static final UserAgentMatcher NONE = new UserAgentMatcher(List.of());

  private final List<String> entries;

  private UserAgentMatcher(List<String> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Parses a comma-separated list of names; whitespace around entries is ignored. {@code none}
   * (any case) or blank text gives {@link #NONE}.
   *
   * @throws IllegalArgumentException if an entry is empty or holds a control character
   * @throws NullPointerException if {@code text} is null
   */
  public static UserAgentMatcher parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    if (t.isEmpty() || t.equalsIgnoreCase("none")) {
      return NONE;
    }
    List<String> out = new ArrayList<>();
    for (String part : t.split(",", -1)) {
      out.add(part.strip());
    }
    return of(out);
  }

  /**
   * A matcher of {@code names}.
   *
   * @throws IllegalArgumentException if a name is empty or holds a control character
   */
  public static UserAgentMatcher of(List<String> names) {
    for (String n : names) {
      if (Objects.requireNonNull(n, "name").isEmpty()) {
        throw new IllegalArgumentException("empty User-Agent entry in " + names);
      }
      if (n.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
        throw new IllegalArgumentException("control character in User-Agent entry '" + n + "'");
      }
    }
    return names.isEmpty() ? NONE : new UserAgentMatcher(names);
  }

  /** The names, as given. */
  public List<String> entries() {
    return entries;
  }

  /** Whether {@code userAgent} (a User-Agent header value, or null) starts with an entry. */
  public boolean matches(String userAgent) {
    if (userAgent == null) {
      return false;
    }
    for (String e : entries) {
      int n = e.length();
      if (userAgent.regionMatches(true, 0, e, 0, n)
          && (userAgent.length() == n || !Character.isLetterOrDigit(userAgent.charAt(n)))) {
        return true;
      }
    }
    return false;
  }

  /** The entries joined by {@code ", "}, or {@code none}. */
  @Override
  public String toString() {
    return entries.isEmpty() ? "none" : String.join(", ", entries);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserAgentMatcher m && m.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }
}
