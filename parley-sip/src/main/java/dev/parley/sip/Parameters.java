package dev.parley.sip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An ordered list of {@code ;name[=value]} parameters, as found on URIs and header values.
 *
 * <p>Names compare case-insensitively (RFC 3261 §7.3.1); values are kept exactly as written
 * (escaped for URI parameters, token or quoted-string for header parameters). A parameter without
 * {@code =value} (such as {@code lr}) has a {@code null} value. Immutable and thread-safe.
 */
public final class Parameters {
  /** No parameters. */
  public static final Parameters EMPTY = new Parameters(new String[0]);

  /** Name and value (null when absent) of each parameter in turn: one array for both. */
  private final String[] pairs;

  /**
   * Takes {@code pairs} (name, value, name, value...) as it is (the parser hands over an array
   * nobody else holds).
   */
  Parameters(String[] pairs) {
    this.pairs = pairs;
  }

  /** Number of parameters. */
  public int size() {
    return pairs.length / 2;
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return pairs.length == 0;
  }

  /** The name of the parameter at {@code index}, as written. */
  public String name(int index) {
    return pairs[2 * index];
  }

  /** The value of the parameter at {@code index}, or null when it has none. */
  public String value(int index) {
    return pairs[2 * index + 1];
  }

  /** Whether a parameter of this name is present (case-insensitive). */
  public boolean contains(String name) {
    return indexOf(name) >= 0;
  }

  /** The value of the first parameter of this name, or null when absent or valueless. */
  public String get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : pairs[2 * i + 1];
  }

  /** Index of the first parameter of this name (case-insensitive), or -1. */
  public int indexOf(String name) {
    Objects.requireNonNull(name, "name");
    // Parsed names of the common parameters are the same String objects as the literals
    // callers pass ("tag", "branch"...): an identity pass first is cheap and usually enough.
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i] == name) {
        return i / 2;
      }
    }
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equalsIgnoreCase(name)) {
        return i / 2;
      }
    }
    return -1;
  }

  /** The names in order, as written. */
  public List<String> names() {
    String[] names = new String[size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = pairs[2 * i];
    }
    return List.of(names);
  }

  /**
   * A copy with {@code name} set to {@code value} (replacing the first of that name, or appended),
   * as {@link Builder#set} sets it: one copy of the pairs, no builder.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public Parameters with(String name, String value) {
    int at = firstNamed(Objects.requireNonNull(name, "name"));
    if (at >= 0) {
      String[] copy = pairs.clone();
      copy[2 * at + 1] = value;
      return new Parameters(copy);
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name is empty");
    }
    String[] copy = Arrays.copyOf(pairs, pairs.length + 2);
    copy[pairs.length] = name;
    copy[pairs.length + 1] = value;
    return new Parameters(copy);
  }

  /**
   * A copy with {@code received} set, then, when {@code rport} is not null, {@code rport}: as two
   * {@link #with} calls set them, in one copy of the pairs (the stamp of every request received,
   * {@link SipRequest#withReceived}).
   */
  Parameters withReceived(String received, String rport) {
    int at = firstNamed("received");
    String[] copy = at >= 0 ? pairs.clone() : Arrays.copyOf(pairs, pairs.length + 2);
    if (at >= 0) {
      copy[2 * at + 1] = received;
    } else {
      copy[pairs.length] = "received";
      copy[pairs.length + 1] = received;
    }
    if (rport != null) {
      int r = firstNamed("rport");
      if (r < 0) {
        return new Parameters(copy).with("rport", rport);
      }
      copy[2 * r + 1] = rport;
    }
    return new Parameters(copy);
  }

  /** Index of the first parameter of this name as {@link Builder#set} finds it, or -1. */
  private int firstNamed(String name) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equalsIgnoreCase(name)) {
        return i / 2;
      }
    }
    return -1;
  }

  /** A copy without any parameter of this name. */
  public Parameters without(String name) {
    Builder b = toBuilder();
    b.remove(name);
    return b.build();
  }

  /** A builder holding these parameters. */
  public Builder toBuilder() {
    Builder b = new Builder();
    for (int i = 0; i < pairs.length; i += 2) {
      b.names.add(pairs[i]);
      b.values.add(pairs[i + 1]);
    }
    return b;
  }

  /** A new empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** How many chars {@link #appendTo} appends. */
  int writtenLength() {
    int n = 0;
    for (int i = 0; i < pairs.length; i += 2) {
      n += 1 + pairs[i].length();
      if (pairs[i + 1] != null) {
        n += 1 + pairs[i + 1].length();
      }
    }
    return n;
  }

  /** Appends {@code ;name[=value]} for each parameter to {@code out}. */
  public void appendTo(StringBuilder out) {
    for (int i = 0; i < pairs.length; i += 2) {
      out.append(';').append(pairs[i]);
      if (pairs[i + 1] != null) {
        out.append('=').append(pairs[i + 1]);
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    appendTo(sb);
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Parameters p && Arrays.equals(pairs, p.pairs);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pairs);
  }

  /** Builds {@link Parameters}; not thread-safe. */
  public static final class Builder {
    private final List<String> names = new ArrayList<>(4);
    private final List<String> values = new ArrayList<>(4);

    private Builder() {}

    /** Appends a parameter, even if one of this name exists. {@code value} may be null. */
    public Builder add(String name, String value) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("name is empty");
      }
      names.add(name);
      values.add(value);
      return this;
    }

    /** Sets the first parameter of this name, or appends it. {@code value} may be null. */
    public Builder set(String name, String value) {
      Objects.requireNonNull(name, "name");
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).equalsIgnoreCase(name)) {
          values.set(i, value);
          return this;
        }
      }
      return add(name, value);
    }

    /** Removes every parameter of this name. */
    public Builder remove(String name) {
      for (int i = names.size() - 1; i >= 0; i--) {
        if (names.get(i).equalsIgnoreCase(name)) {
          names.remove(i);
          values.remove(i);
        }
      }
      return this;
    }

    /** The immutable parameters. */
    public Parameters build() {
      if (names.isEmpty()) {
        return EMPTY;
      }
      String[] pairs = new String[2 * names.size()];
      for (int i = 0; i < names.size(); i++) {
        pairs[2 * i] = names.get(i);
        pairs[2 * i + 1] = values.get(i);
      }
      return new Parameters(pairs);
    }
  }
}
