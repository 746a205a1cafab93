package dev.parley.sip;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How liberal a parser is: the set of {@link Violation}s it repairs instead of refusing.
 *
 * <p>{@link #STRICT} tolerates only what the torture-test RFCs say an element must still accept
 * (RFC 4475 §3.1.1.6, RFC 5118 §4.5 and §4.10). {@link #LENIENT} repairs every violation Parley
 * knows, the "liberal element" of RFC 4475. Build other policies with {@link #with} and
 * {@link #without}. Immutable and thread-safe.
 */
public final class CompliancePolicy {
  /** Refuses everything but the violations that the torture-test RFCs require accepting. */
  public static final CompliancePolicy STRICT = new CompliancePolicy("STRICT", EnumSet.of(
      Violation.NO_WHITESPACE_BEFORE_LAQUOT,
      Violation.IPV6_EXTRA_COLON,
      Violation.BRACKETED_RECEIVED));

  /** Repairs every known violation: RFC 4475's liberal element. */
  public static final CompliancePolicy LENIENT =
      new CompliancePolicy("LENIENT", EnumSet.allOf(Violation.class));

  private final String name;
  private final Set<Violation> allowed;

  private CompliancePolicy(String name, EnumSet<Violation> allowed) {
    this.name = name;
    this.allowed = Collections.unmodifiableSet(allowed);
  }

  /** A policy that tolerates exactly {@code allowed}. */
  public static CompliancePolicy of(String name, Set<Violation> allowed) {
    Objects.requireNonNull(name, "name");
    EnumSet<Violation> set = EnumSet.noneOf(Violation.class);
    set.addAll(allowed);
    return new CompliancePolicy(name, set);
  }

  /** Whether this policy repairs {@code violation}. */
  public boolean allows(Violation violation) {
    return allowed.contains(violation);
  }

  /** The tolerated violations. */
  public Set<Violation> allowed() {
    return allowed;
  }

  /** A copy that also tolerates {@code violation}. */
  public CompliancePolicy with(Violation violation) {
    EnumSet<Violation> set = EnumSet.copyOf(allowedOrEmpty());
    set.add(violation);
    return new CompliancePolicy(name + "+" + violation, set);
  }

  /** A copy that refuses {@code violation}. */
  public CompliancePolicy without(Violation violation) {
    EnumSet<Violation> set = EnumSet.copyOf(allowedOrEmpty());
    set.remove(violation);
    return new CompliancePolicy(name + "-" + violation, set);
  }

  private EnumSet<Violation> allowedOrEmpty() {
    return allowed.isEmpty() ? EnumSet.noneOf(Violation.class) : EnumSet.copyOf(allowed);
  }

  /** The policy's name. */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }
}
