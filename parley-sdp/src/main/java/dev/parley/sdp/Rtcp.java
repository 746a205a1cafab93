package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import dev.parley.sdp.internal.ValueReader;
import dev.parley.sdp.internal.ValueSyntaxException;
import java.util.Objects;
import java.util.Optional;

/**
 * The value of an {@code a=rtcp} attribute (RFC 3605 §2.1): {@code <port> [<nettype> <addrtype>
 * <connection-address>]}, the RTCP port (and address) when it is not the RTP port plus one.
 *
 * <p>Immutable and thread-safe.
 */
public final class Rtcp {
  private final int port;
  private final String netType;
  private final String addrType;
  private final String address;

  private Rtcp(int port, String netType, String addrType, String address) {
    this.port = port;
    this.netType = netType;
    this.addrType = addrType;
    this.address = address;
  }

  /**
   * An rtcp attribute with a port only.
   *
   * @throws IllegalArgumentException if the port is out of range
   */
  public static Rtcp of(int port) {
    checkPort(port);
    return new Rtcp(port, null, null, null);
  }

  /**
   * An rtcp attribute with a port and an address.
   *
   * @throws IllegalArgumentException if the port is out of range or a field is malformed
   */
  public static Rtcp of(int port, String netType, String addrType, String address) {
    checkPort(port);
    SdpSyntax.requireToken("rtcp netType", netType);
    SdpSyntax.requireToken("rtcp addrType", addrType);
    SdpSyntax.requireNonWs("rtcp address", address);
    return new Rtcp(port, netType, addrType, address);
  }

  private static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("rtcp port out of range: " + port);
    }
  }

  /**
   * Parses an rtcp value (the text after {@code a=rtcp:}).
   *
   * @throws SdpParseException at line 1 and the column of the problem in {@code value}
   */
  public static Rtcp parse(String value) {
    Objects.requireNonNull(value, "value");
    try {
      return AttributeGrammar.rtcp(new ValueReader(value, true));
    } catch (ValueSyntaxException e) {
      throw new SdpParseException(e.getMessage(), 1, e.index() + 1, e.violation());
    }
  }

  /** The RTCP port. */
  public int port() {
    return port;
  }

  /** The network type, or {@code null} when no address was given. */
  public String netType() {
    return netType;
  }

  /** The address type, or {@code null} when no address was given. */
  public String addrType() {
    return addrType;
  }

  /** The RTCP address, if given. */
  public Optional<String> address() {
    return Optional.ofNullable(address);
  }

  /** The attribute {@code a=rtcp:<this>}. */
  public Attribute toAttribute() {
    return Attribute.of(Attribute.RTCP, toString());
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Rtcp)) {
      return false;
    }
    Rtcp that = (Rtcp) o;
    return port == that.port && Objects.equals(netType, that.netType)
        && Objects.equals(addrType, that.addrType) && Objects.equals(address, that.address);
  }

  @Override
  public int hashCode() {
    return Objects.hash(port, netType, addrType, address);
  }

  /** The attribute value, such as {@code 53020 IN IP4 126.16.64.4}. */
  @Override
  public String toString() {
    return address == null ? Integer.toString(port)
        : port + " " + netType + ' ' + addrType + ' ' + address;
  }
}
