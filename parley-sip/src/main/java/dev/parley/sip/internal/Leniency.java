package dev.parley.sip.internal;

import dev.parley.sip.CompliancePolicy;
import dev.parley.sip.SipParseException;
import dev.parley.sip.Violation;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A policy in use by one parse: each violation found is either recorded (when the policy tolerates
 * it) or thrown as a {@link SipParseException}. Not thread-safe; one per parse.
 */
public final class Leniency {
  /** Refuses every violation and records nothing. */
  public static Leniency strict() {
    return new Leniency(CompliancePolicy.STRICT);
  }

  private final CompliancePolicy policy;
  private EnumSet<Violation> found;

  public Leniency(CompliancePolicy policy) {
    this.policy = policy;
  }

  /** The policy in use. */
  public CompliancePolicy policy() {
    return policy;
  }

  /**
   * Reports {@code violation} found at the 0-based {@code index} of the text being parsed.
   *
   * @throws SipParseException when the policy does not tolerate it
   */
  public void violate(Violation violation, int index) {
    if (!policy.allows(violation)) {
      throw SipParseException.at(
          violation.description() + " (" + violation.reference() + ")", index);
    }
    if (found == null) {
      found = EnumSet.noneOf(Violation.class);
    }
    found.add(violation);
  }

  /** Whether the policy would repair {@code violation} (without recording it). */
  public boolean tolerates(Violation violation) {
    return policy.allows(violation);
  }

  /** The violations recorded so far. */
  public Set<Violation> found() {
    return found == null ? Set.of() : found;
  }

  /** Adds what another parse found to this one. */
  public void addAll(Set<Violation> violations) {
    if (!violations.isEmpty()) {
      if (found == null) {
        found = EnumSet.noneOf(Violation.class);
      }
      found.addAll(violations);
    }
  }

  /** The violations found, as a list in enum order. */
  public List<Violation> list() {
    return found == null ? List.of() : new ArrayList<>(found);
  }
}
