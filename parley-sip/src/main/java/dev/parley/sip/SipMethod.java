package dev.parley.sip;

import dev.parley.sip.internal.Chars;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A SIP request method: an open set (RFC 3261 §7.1, {@code Method = INVITEm / ... / extension-method})
 * with cached constants for the methods Parley knows.
 *
 * <p>Methods are case-sensitive (RFC 3261 §7.1). Compare with {@code ==} only for the constants;
 * use {@link #equals} otherwise. Immutable and thread-safe.
 */
public final class SipMethod {
  private static final Map<String, SipMethod> KNOWN = new ConcurrentHashMap<>();

  /** RFC 3261. */
  public static final SipMethod INVITE = known("INVITE");
  /** RFC 3261. */
  public static final SipMethod ACK = known("ACK");
  /** RFC 3261. */
  public static final SipMethod BYE = known("BYE");
  /** RFC 3261. */
  public static final SipMethod CANCEL = known("CANCEL");
  /** RFC 3261. */
  public static final SipMethod OPTIONS = known("OPTIONS");
  /** RFC 3261. */
  public static final SipMethod REGISTER = known("REGISTER");
  /** RFC 3262. */
  public static final SipMethod PRACK = known("PRACK");
  /** RFC 6665. */
  public static final SipMethod SUBSCRIBE = known("SUBSCRIBE");
  /** RFC 6665. */
  public static final SipMethod NOTIFY = known("NOTIFY");
  /** RFC 3903. */
  public static final SipMethod PUBLISH = known("PUBLISH");
  /** RFC 6086. */
  public static final SipMethod INFO = known("INFO");
  /** RFC 3515. */
  public static final SipMethod REFER = known("REFER");
  /** RFC 3428. */
  public static final SipMethod MESSAGE = known("MESSAGE");
  /** RFC 3311. */
  public static final SipMethod UPDATE = known("UPDATE");

  private final String name;
  private final boolean standard;

  private SipMethod(String name, boolean standard) {
    this.name = name;
    this.standard = standard;
  }

  private static SipMethod known(String name) {
    SipMethod m = new SipMethod(name, true);
    KNOWN.put(name, m);
    return m;
  }

  /**
   * The method named {@code name}: a cached constant for standard methods, a new value otherwise.
   *
   * @throws IllegalArgumentException if {@code name} is not a SIP token
   */
  public static SipMethod of(String name) {
    Objects.requireNonNull(name, "name");
    SipMethod m = KNOWN.get(name);
    if (m != null) {
      return m;
    }
    if (!Chars.all(name, Chars.TOKEN)) {
      throw new IllegalArgumentException("method is not a token: \"" + name + "\"");
    }
    return new SipMethod(name, false);
  }

  /** The method name, as on the wire. */
  public String name() {
    return name;
  }

  /** Whether this is a method defined by an RFC that Parley knows (INVITE, MESSAGE, ...). */
  public boolean isStandard() {
    return standard;
  }

  /** Whether this is INVITE. */
  public boolean isInvite() {
    return this == INVITE || name.equals("INVITE");
  }

  /** Whether this is ACK. */
  public boolean isAck() {
    return this == ACK || name.equals("ACK");
  }

  /** Whether this is CANCEL. */
  public boolean isCancel() {
    return this == CANCEL || name.equals("CANCEL");
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof SipMethod m && m.name.equals(name));
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }

}
