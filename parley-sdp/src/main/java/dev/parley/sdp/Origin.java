package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import java.math.BigInteger;
import java.util.Objects;

/**
 * The {@code o=} field of a session description (RFC 8866 §5.2): {@code <username> <sess-id>
 * <sess-version> <nettype> <addrtype> <unicast-address>}.
 *
 * <p>The session id and version are kept as the digit strings they were written as (they may
 * exceed a {@code long}); {@link #withNextVersion()} increments the version for a new offer (RFC
 * 3264 §8). Immutable and thread-safe; {@link Builder#build()} throws {@link
 * IllegalArgumentException} naming the bad field.
 */
public final class Origin {
  private final String username;
  private final String sessionId;
  private final String sessionVersion;
  private final String netType;
  private final String addrType;
  private final String address;

  private Origin(Builder b) {
    this.username = b.username;
    this.sessionId = b.sessionId;
    this.sessionVersion = b.sessionVersion;
    this.netType = b.netType;
    this.addrType = b.addrType;
    this.address = b.address;
  }

  /** A builder with username {@code "-"}, net type {@code IN} and address type {@code IP4}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this origin's fields. */
  public Builder toBuilder() {
    return new Builder().username(username).sessionId(sessionId).sessionVersion(sessionVersion)
        .netType(netType).addrType(addrType).address(address);
  }

  /** The user's login on the originating host, or {@code "-"}. */
  public String username() {
    return username;
  }

  /** The session id, a digit string. */
  public String sessionId() {
    return sessionId;
  }

  /** The session version, a digit string. */
  public String sessionVersion() {
    return sessionVersion;
  }

  /** The network type, {@code IN} for the Internet. */
  public String netType() {
    return netType;
  }

  /** The address type, {@code IP4} or {@code IP6} for the Internet. */
  public String addrType() {
    return addrType;
  }

  /** The originating host's address or name. */
  public String address() {
    return address;
  }

  /** This origin with the session version incremented by one (RFC 3264 §8). */
  public Origin withNextVersion() {
    return toBuilder()
        .sessionVersion(new BigInteger(sessionVersion).add(BigInteger.ONE).toString())
        .build();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Origin)) {
      return false;
    }
    Origin that = (Origin) o;
    return username.equals(that.username) && sessionId.equals(that.sessionId)
        && sessionVersion.equals(that.sessionVersion) && netType.equals(that.netType)
        && addrType.equals(that.addrType) && address.equals(that.address);
  }

  @Override
  public int hashCode() {
    return Objects.hash(username, sessionId, sessionVersion, netType, addrType, address);
  }

  /** The field value as written after {@code o=}. */
  @Override
  public String toString() {
    return username + ' ' + sessionId + ' ' + sessionVersion + ' ' + netType + ' ' + addrType
        + ' ' + address;
  }

  /** Builds an {@link Origin}. Not thread-safe. */
  public static final class Builder {
    private String username = "-";
    private String sessionId;
    private String sessionVersion;
    private String netType = "IN";
    private String addrType = "IP4";
    private String address;

    private Builder() {}

    /** Sets the username ({@code "-"} if none). */
    public Builder username(String username) {
      this.username = username;
      return this;
    }

    /** Sets the session id, a digit string. */
    public Builder sessionId(String sessionId) {
      this.sessionId = sessionId;
      return this;
    }

    /** Sets the session id. */
    public Builder sessionId(long sessionId) {
      return sessionId(Long.toString(sessionId));
    }

    /** Sets the session version, a digit string. */
    public Builder sessionVersion(String sessionVersion) {
      this.sessionVersion = sessionVersion;
      return this;
    }

    /** Sets the session version. */
    public Builder sessionVersion(long sessionVersion) {
      return sessionVersion(Long.toString(sessionVersion));
    }

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

    /** Sets the unicast address. */
    public Builder address(String address) {
      this.address = address;
      return this;
    }

    /**
     * Builds the origin.
     *
     * @throws IllegalArgumentException if a field is missing or malformed
     */
    public Origin build() {
      SdpSyntax.requireNonWs("origin username", username);
      if (!SdpSyntax.isDigits(sessionId)) {
        throw new IllegalArgumentException(
            "origin sessionId is not a digit string: " + SdpSyntax.quote(sessionId));
      }
      if (!SdpSyntax.isDigits(sessionVersion)) {
        throw new IllegalArgumentException(
            "origin sessionVersion is not a digit string: " + SdpSyntax.quote(sessionVersion));
      }
      SdpSyntax.requireToken("origin netType", netType);
      SdpSyntax.requireToken("origin addrType", addrType);
      SdpSyntax.requireNonWs("origin address", address);
      return new Origin(this);
    }
  }
}
