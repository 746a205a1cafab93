package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A {@code c=} field (RFC 8866 §5.7): {@code <nettype> <addrtype> <connection-address>}.
 *
 * <p>For {@code IP4} the address may carry a multicast TTL and a number of addresses
 * ({@code 224.2.1.1/127/3}); for {@code IP6} only a number of addresses ({@code FF15::101/3}).
 * For other address types the address is kept verbatim. Immutable and thread-safe; {@link
 * Builder#build()} throws {@link IllegalArgumentException} naming the bad field.
 */
public final class Connection {
  private final String netType;
  private final String addrType;
  private final String address;
  private final int ttl; // -1: absent
  private final int numberOfAddresses; // -1: absent

  private Connection(Builder b) {
    this.netType = b.netType;
    this.addrType = b.addrType;
    this.address = b.address;
    this.ttl = b.ttl;
    this.numberOfAddresses = b.numberOfAddresses;
  }

  /** A connection {@code IN IP4 address} or {@code IN IP6 address}, the type told by a colon. */
  public static Connection of(String address) {
    Objects.requireNonNull(address, "address");
    return builder().addrType(address.indexOf(':') >= 0 ? "IP6" : "IP4").address(address).build();
  }

  /** A builder with net type {@code IN} and address type {@code IP4}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this connection's fields. */
  public Builder toBuilder() {
    Builder b = new Builder().netType(netType).addrType(addrType).address(address);
    b.ttl = ttl;
    b.numberOfAddresses = numberOfAddresses;
    return b;
  }

  /** The network type, {@code IN} for the Internet. */
  public String netType() {
    return netType;
  }

  /** The address type: {@code IP4}, {@code IP6} or another token. */
  public String addrType() {
    return addrType;
  }

  /** Whether the address type is {@code IP6}. */
  public boolean isIp6() {
    return "IP6".equals(addrType);
  }

  /** The base address, without TTL and number of addresses. */
  public String address() {
    return address;
  }

  /** The multicast TTL (0..255), IP4 only. */
  public OptionalInt ttl() {
    return ttl < 0 ? OptionalInt.empty() : OptionalInt.of(ttl);
  }

  /** The number of consecutive multicast addresses, when written. */
  public OptionalInt numberOfAddresses() {
    return numberOfAddresses < 0 ? OptionalInt.empty() : OptionalInt.of(numberOfAddresses);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Connection)) {
      return false;
    }
    Connection that = (Connection) o;
    return ttl == that.ttl && numberOfAddresses == that.numberOfAddresses
        && netType.equals(that.netType) && addrType.equals(that.addrType)
        && address.equals(that.address);
  }

  @Override
  public int hashCode() {
    return Objects.hash(netType, addrType, address, ttl, numberOfAddresses);
  }

  /** The field value as written after {@code c=}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder().append(netType).append(' ').append(addrType).append(' ')
        .append(address);
    if (ttl >= 0) {
      b.append('/').append(ttl);
    }
    if (numberOfAddresses >= 0) {
      b.append('/').append(numberOfAddresses);
    }
    return b.toString();
  }

  /** Builds a {@link Connection}. Not thread-safe. */
  public static final class Builder {
    private String netType = "IN";
    private String addrType = "IP4";
    private String address;
    private int ttl = -1;
    private int numberOfAddresses = -1;

    private Builder() {}

    /** Sets the network type. */
    public Builder netType(String netType) {
      this.netType = netType;
      return this;
    }

    /** Sets the address type. */
    public Builder addrType(String addrType) {
      this.addrType = addrType;
      return this;
    }

    /** Sets the base address (for IP4 and IP6 without {@code /}). */
    public Builder address(String address) {
      this.address = address;
      return this;
    }

    /** Sets the multicast TTL, 0..255 (IP4 only). */
    public Builder ttl(int ttl) {
      if (ttl < 0 || ttl > 255) {
        throw new IllegalArgumentException("connection ttl out of range: " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /** Sets the number of multicast addresses, at least 1. */
    public Builder numberOfAddresses(int numberOfAddresses) {
      if (numberOfAddresses < 1) {
        throw new IllegalArgumentException(
            "connection numberOfAddresses out of range: " + numberOfAddresses);
      }
      this.numberOfAddresses = numberOfAddresses;
      return this;
    }

    /**
     * Builds the connection.
     *
     * @throws IllegalArgumentException if a field is missing or malformed, or a TTL is set for an
     *     address type other than IP4
     */
    public Connection build() {
      SdpSyntax.requireToken("connection netType", netType);
      SdpSyntax.requireToken("connection addrType", addrType);
      SdpSyntax.requireNonWs("connection address", address);
      boolean ip4 = "IP4".equals(addrType);
      boolean ip6 = "IP6".equals(addrType);
      if ((ip4 || ip6) && address.indexOf('/') >= 0) {
        throw new IllegalArgumentException(
            "connection address must not contain '/': " + SdpSyntax.quote(address));
      }
      if (ttl >= 0 && !ip4) {
        throw new IllegalArgumentException("connection ttl is only defined for IP4: " + addrType);
      }
      if (numberOfAddresses >= 0 && !ip6 && !(ip4 && ttl >= 0)) {
        throw new IllegalArgumentException(
            "connection numberOfAddresses needs IP6, or IP4 with a ttl: " + addrType);
      }
      return new Connection(this);
    }
  }
}
