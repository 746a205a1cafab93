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
  public static final Parameters EMPTY = new Parameters(new String[0], new String[0]);

  private final String[] names;
  private final String[] values;

  /** Takes the arrays as they are (the parser hands over arrays nobody else holds). */
  Parameters(String[] names, String[] values) {
    this.names = names;
    this.values = values;
  }

  /** Number of parameters. */
  public int size() {
    return names.length;
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return names.length == 0;
  }

  /** The name of the parameter at {@code index}, as written. */
  public String name(int index) {
    return names[index];
  }

  /** The value of the parameter at {@code index}, or null when it has none. */
  public String value(int index) {
    return values[index];
  }

  /** Whether a parameter of this name is present (case-insensitive). */
  public boolean contains(String name) {
    return indexOf(name) >= 0;
  }

  /** The value of the first parameter of this name, or null when absent or valueless. */
  public String get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : values[i];
  }

  /** Index of the first parameter of this name (case-insensitive), or -1. */
  public int indexOf(String name) {
    Objects.requireNonNull(name, "name");
    // Parsed names of the common parameters are the same String objects as the literals
    // callers pass ("tag", "branch"...): an identity pass first is cheap and usually enough.
    for (int i = 0; i < names.length; i++) {
      if (names[i] == name) {
        return i;
      }
    }
    for (int i = 0; i < names.length; i++) {
      if (names[i].equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The names in order, as written. */
  public List<String> names() {
    return List.of(names);
  }

  /** A copy with {@code name} set to {@code value} (replacing the first of that name, or appended). */
  public Parameters with(String name, String value) {
    Builder b = toBuilder();
    b.set(name, value);
    return b.build();
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
    b.names.addAll(Arrays.asList(names));
    b.values.addAll(Arrays.asList(values));
    return b;
  }

  /** A new empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Appends {@code ;name[=value]} for each parameter to {@code out}. */
  public void appendTo(StringBuilder out) {
    for (int i = 0; i < names.length; i++) {
      out.append(';').append(names[i]);
      if (values[i] != null) {
        out.append('=').append(values[i]);
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
    return o instanceof Parameters p && Arrays.equals(names, p.names) && Arrays.equals(values, p.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(names) * 31 + Arrays.hashCode(values);
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
      return new Parameters(names.toArray(new String[0]), values.toArray(new String[0]));
    }
  }
}
