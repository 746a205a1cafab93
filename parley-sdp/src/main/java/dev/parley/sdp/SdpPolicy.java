package dev.parley.sdp;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How liberal {@link SdpParser} is: the set of {@link SdpViolation}s it repairs instead of
 * refusing.
 *
 * <p>{@link #STRICT} tolerates only what RFC 8866 itself asks parsers to accept (bare LF line ends,
 * §5). {@link #LENIENT}, the default of {@link SdpParser}, repairs every violation Parley knows,
 * because real peers and the RFC examples themselves (RFC 3264 §9-§10, RFC 4475) send them. Build
 * other policies with {@link #with}, {@link #without} and {@link #of}. Immutable and thread-safe.
 */
public final class SdpPolicy {
  /** Refuses every violation but {@link SdpViolation#BARE_LF}, which RFC 8866 §5 asks to accept. */
  public static final SdpPolicy STRICT = new SdpPolicy("STRICT", EnumSet.of(SdpViolation.BARE_LF));

  /** Repairs every known violation. */
  public static final SdpPolicy LENIENT =
      new SdpPolicy("LENIENT", EnumSet.allOf(SdpViolation.class));

  private final String name;
  private final Set<SdpViolation> allowed;

  private SdpPolicy(String name, EnumSet<SdpViolation> allowed) {
    this.name = name;
    this.allowed = Collections.unmodifiableSet(allowed);
  }

  /**
   * A policy that tolerates exactly {@code allowed}.
   *
   * @throws NullPointerException if an argument is null
   */
  public static SdpPolicy of(String name, Set<SdpViolation> allowed) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(allowed, "allowed");
    EnumSet<SdpViolation> set = EnumSet.noneOf(SdpViolation.class);
    set.addAll(allowed);
    return new SdpPolicy(name, set);
  }

  /** Whether this policy repairs {@code violation}. */
  public boolean allows(SdpViolation violation) {
    return allowed.contains(violation);
  }

  /** The tolerated violations. */
  public Set<SdpViolation> allowed() {
    return allowed;
  }

  /** A copy that also tolerates {@code violation}. */
  public SdpPolicy with(SdpViolation violation) {
    EnumSet<SdpViolation> set = copy();
    set.add(Objects.requireNonNull(violation, "violation"));
    return new SdpPolicy(name + "+" + violation, set);
  }

  /** A copy that refuses {@code violation}. */
  public SdpPolicy without(SdpViolation violation) {
    EnumSet<SdpViolation> set = copy();
    set.remove(Objects.requireNonNull(violation, "violation"));
    return new SdpPolicy(name + "-" + violation, set);
  }

  private EnumSet<SdpViolation> copy() {
    EnumSet<SdpViolation> set = EnumSet.noneOf(SdpViolation.class);
    set.addAll(allowed);
    return set;
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
