package dev.parley.sip;

import java.util.Objects;

/**
 * One value of a Via header (RFC 3261 §20.42): the sent-protocol, the sent-by host and port, and
 * the via-params ({@code branch}, {@code received}, {@code rport}, {@code maddr}, {@code ttl}).
 *
 * <p>Immutable and thread-safe; build with {@link #builder(String, String)}.
 */
public final class Via {
  /** The RFC 3261 branch prefix that marks a compliant transaction ID (§8.1.1.7). */
  public static final String MAGIC_COOKIE = "z9hG4bK";

  private final String protocolName;
  private final String protocolVersion;
  private final String transport;
  private final String host;
  private final int port;
  private final Parameters parameters;

  private Via(Builder b) {
    this.protocolName = b.protocolName;
    this.protocolVersion = b.protocolVersion;
    this.transport = b.transport;
    this.host = b.host;
    this.port = b.port;
    this.parameters = b.edits != null ? b.edits.build() : b.parameters;
  }

  /** A Via from parts the parser has already checked. */
  Via(String protocolName, String protocolVersion, String transport, String host, int port,
      Parameters parameters) {
    this.protocolName = protocolName;
    this.protocolVersion = protocolVersion;
    this.transport = transport;
    this.host = host;
    this.port = port;
    this.parameters = parameters;
  }

  /** A builder for a {@code SIP/2.0/<transport>} Via to {@code host}. */
  public static Builder builder(String transport, String host) {
    return new Builder().transport(transport).host(host);
  }

  /** A builder holding this value. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.protocolName = protocolName;
    b.protocolVersion = protocolVersion;
    b.transport = transport;
    b.host = host;
    b.port = port;
    b.parameters = parameters;
    return b;
  }

  /** "SIP", as written. */
  public String protocolName() {
    return protocolName;
  }

  /** "2.0", as written. */
  public String protocolVersion() {
    return protocolVersion;
  }

  /** The transport ("UDP", "TCP", "TLS", "WS", ...) as written. */
  public String transport() {
    return transport;
  }

  /** The sent-by host (IPv6 references keep their brackets). */
  public String host() {
    return host;
  }

  /** The sent-by port, or -1 when absent. */
  public int port() {
    return port;
  }

  /** All via-params, values as written. */
  public Parameters parameters() {
    return parameters;
  }

  /** The branch parameter, or null. */
  public String branch() {
    return parameters.get("branch");
  }

  /** Whether the branch starts with the RFC 3261 magic cookie. */
  public boolean hasRfc3261Branch() {
    String b = branch();
    return b != null && b.startsWith(MAGIC_COOKIE);
  }

  /** The received parameter (RFC 3261 §18.2.1), or null. */
  public String received() {
    return parameters.get("received");
  }

  /** Whether an {@code rport} parameter is present (RFC 3581). */
  public boolean hasRport() {
    return parameters.contains("rport");
  }

  /** The rport value, or -1 when absent or empty. */
  public int rport() {
    String v = parameters.get("rport");
    if (v == null || v.isEmpty() || v.length() > 5) {
      return -1;
    }
    int p = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      p = p * 10 + (c - '0');
    }
    return p <= 65535 ? p : -1;
  }

  /** The maddr parameter, or null. */
  public String maddr() {
    return parameters.get("maddr");
  }

  /**
   * This value with {@code parameters} as its via-params, every other part the same: for an edit
   * that has already checked them ({@link SipRequest#withReceived}).
   */
  Via withParameters(Parameters parameters) {
    return new Via(protocolName, protocolVersion, transport, host, port, parameters);
  }

  /** The Via value in wire form. */
  @Override
  public String toString() {
    // sized exactly: the text is made once per stamp of every request received
    int length = protocolName.length() + protocolVersion.length() + transport.length()
        + host.length() + 3 + (port >= 0 ? 1 + digits(port) : 0) + parameters.writtenLength();
    StringBuilder sb = new StringBuilder(length);
    sb.append(protocolName).append('/').append(protocolVersion).append('/').append(transport)
        .append(' ').append(host);
    if (port >= 0) {
      sb.append(':').append(port);
    }
    parameters.appendTo(sb);
    return sb.toString();
  }

  /** The decimal digits of {@code port} (0 to 65535). */
  private static int digits(int port) {
    return port < 10 ? 1 : port < 100 ? 2 : port < 1000 ? 3 : port < 10000 ? 4 : 5;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Via v
        && v.port == port
        && v.protocolName.equalsIgnoreCase(protocolName)
        && v.protocolVersion.equals(protocolVersion)
        && v.transport.equalsIgnoreCase(transport)
        && v.host.equalsIgnoreCase(host)
        && v.parameters.equals(parameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(transport.toUpperCase(java.util.Locale.ROOT), host.toLowerCase(java.util.Locale.ROOT), port, parameters);
  }

  /** Builds a {@link Via}; not thread-safe. */
  public static final class Builder {
    private String protocolName = "SIP";
    private String protocolVersion = "2.0";
    private String transport;
    private String host;
    private int port = -1;
    private Parameters parameters = Parameters.EMPTY;
    private Parameters.Builder edits;

    private Builder() {}

    public Builder protocol(String name, String version) {
      this.protocolName = Objects.requireNonNull(name, "name");
      this.protocolVersion = Objects.requireNonNull(version, "version");
      return this;
    }

    public Builder transport(String transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The sent-by port, or -1 for none. */
    public Builder port(int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    public Builder branch(String branch) {
      return parameter("branch", Objects.requireNonNull(branch, "branch"));
    }

    /** Sets a via-param; {@code value} null for a flag such as {@code rport}. */
    public Builder parameter(String name, String value) {
      edits().set(name, value);
      return this;
    }

    /** Replaces all via-params with {@code parameters} (kept as they are, duplicates included). */
    public Builder parameters(Parameters parameters) {
      this.parameters = Objects.requireNonNull(parameters, "parameters");
      this.edits = null;
      return this;
    }

    public Builder removeParameter(String name) {
      edits().remove(name);
      return this;
    }

    private Parameters.Builder edits() {
      if (edits == null) {
        edits = parameters.toBuilder();
      }
      return edits;
    }

    /** The Via. */
    public Via build() {
      if (transport == null || transport.isEmpty()) {
        throw new IllegalArgumentException("transport is missing");
      }
      if (host == null || host.isEmpty()) {
        throw new IllegalArgumentException("host is missing");
      }
      return new Via(this);
    }
  }
}
