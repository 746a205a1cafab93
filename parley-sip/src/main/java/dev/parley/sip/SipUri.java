package dev.parley.sip;

import dev.parley.sip.internal.Chars;
import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.UriAccess;
import dev.parley.sip.internal.UriEscapes;
import dev.parley.sip.internal.UriParser;
import java.util.ArrayList;
import java.util.Objects;

/**
 * A {@code sip:} or {@code sips:} URI (RFC 3261 §19.1):
 * {@code sip:user:password@host:port;uri-parameters?headers}.
 *
 * <p>Components are kept as written: {@link #user()}, {@link #password()}, parameter values and
 * headers with their {@code %HH} escapes, {@link #host()} with its case and, for an IPv6
 * reference, its brackets ({@code [2001:db8::10]}). Only the scheme is normalised, to lower case.
 * {@link #toString()} is the wire form and {@code SipUri.parse(u.toString()).equals(u)}.
 *
 * <p>{@link #equals(Object)} compares those written components; {@link #equivalentTo(Uri)} is the
 * RFC 3261 §19.1.4 comparison (case-insensitive host and parameters, escapes of unreserved
 * characters decoded, some parameters ignored when only one side has them).
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder()} or {@link #toBuilder()}.
 */
public final class SipUri implements Uri {
  static {
    UriAccess.register(new Access());
  }

  private final boolean secure;
  private final String user;
  private final String password;
  private final String host;
  private final int port;
  private final Parameters parameters;
  private final UriHeaders headers;
  private String wire;

  SipUri(boolean secure, String user, String password, String host, int port,
      Parameters parameters, UriHeaders headers) {
    this.secure = secure;
    this.user = user;
    this.password = password;
    this.host = host;
    this.port = port;
    this.parameters = parameters;
    this.headers = headers;
  }

  /**
   * Parses a whole {@code sip:} or {@code sips:} URI under {@link CompliancePolicy#STRICT}.
   *
   * @throws SipParseException when {@code text} is not one
   */
  public static SipUri parse(CharSequence text) {
    return UriParser.parseSipUri(text, 0, text.length(), Leniency.strict());
  }

  /** A builder for a new {@code sip:} URI; {@link Builder#host(String)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this URI's components. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@code "sips"} when {@link #isSecure()}, else {@code "sip"}. */
  @Override
  public String scheme() {
    return secure ? "sips" : "sip";
  }

  /** Whether this is a {@code sips:} URI (RFC 3261 §19.1: TLS on every hop). */
  public boolean isSecure() {
    return secure;
  }

  /**
   * The user part as written, escapes included ({@code sips%3Auser%40example.com}), or null when
   * the URI has none. It may hold a telephone-subscriber with {@code ;} parameters
   * ({@code +1-212-555-1212;isub=1411}).
   */
  public String user() {
    return user;
  }

  /**
   * The user part with its escapes decoded as UTF-8 ({@code sips:user@example.com}), or null. An
   * escaped NUL ({@code %00}) becomes U+0000 and does not end the text (RFC 4475 §3.1.1.4).
   */
  public String userDecoded() {
    return user == null ? null : UriEscapes.decode(user);
  }

  /**
   * The password as written, or null when absent; {@code ""} for {@code sip:user:@host}. RFC 3261
   * §19.1.1 says SHOULD NOT be used.
   */
  public String password() {
    return password;
  }

  /**
   * The host as written: a host name, an IPv4 address, or an IPv6 reference with its brackets
   * ({@code [2001:db8::10]}).
   */
  public String host() {
    return host;
  }

  /** Whether {@link #host()} is an IPv6 reference ({@code [..]}). */
  public boolean isIPv6() {
    return host.charAt(0) == '[';
  }

  /** The port, or -1 when absent (absent is not 5060: RFC 3261 §19.1.4). */
  public int port() {
    return port;
  }

  /** The uri-parameters in order, values as written (escaped); flags such as lr have null. */
  public Parameters parameters() {
    return parameters;
  }

  /** The headers component ({@code ?name=value&...}), possibly empty. */
  public UriHeaders headers() {
    return headers;
  }

  /** The {@code transport} parameter as written ({@code udp}, {@code tcp}, {@code TLS}...), or null. */
  public String transport() {
    return parameter("transport");
  }

  /** Whether the {@code lr} parameter is present: a loose router (RFC 3261 §19.1.1, §16.4). */
  public boolean isLooseRouting() {
    return indexOfParameter("lr") >= 0;
  }

  /** The {@code maddr} parameter (a host), or null. */
  public String maddr() {
    return parameter("maddr");
  }

  /** The {@code ttl} parameter (0..255), or -1 when absent or without a value. */
  public int ttl() {
    String ttl = parameter("ttl");
    if (ttl == null || ttl.isEmpty() || ttl.length() > 3) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < ttl.length(); i++) {
      char c = ttl.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + c - '0';
    }
    return value;
  }

  /** The {@code method} parameter as written, or null. */
  public String method() {
    return parameter("method");
  }

  /** The {@code user} parameter ({@code phone}, {@code ip}, ...) as written, or null. */
  public String userParam() {
    return parameter("user");
  }

  private String parameter(String name) {
    int i = indexOfParameter(name);
    return i < 0 ? null : parameters.value(i);
  }

  /** Index of a parameter by name, case-insensitive and also when the name is escaped. */
  private int indexOfParameter(String name) {
    int i = parameters.indexOf(name);
    if (i >= 0) {
      return i;
    }
    for (int j = 0; j < parameters.size(); j++) {
      String n = parameters.name(j);
      if (n.indexOf('%') >= 0 && UriEscapes.comparisonForm(n, true).equals(name)) {
        return j;
      }
    }
    return -1;
  }

  /**
   * Whether {@code other} is the same SIP or SIPS URI under RFC 3261 §19.1.4:
   * <ul>
   *   <li>a SIP and a SIPS URI are never equivalent, nor is a SIP URI to another scheme;
   *   <li>user and password match case-sensitively, host case-insensitively (IPv6 references by
   *       address, so {@code [2001:DB8::1]} matches {@code [2001:db8:0::1]}); a component absent
   *       on one side only never matches, and an absent port is not 5060;
   *   <li>escapes of characters outside RFC 2396's reserved set are decoded before comparing
   *       ({@code %61lice} is {@code alice}); a reserved character and its escape differ
   *       ({@code a;b} is not {@code a%3Bb});
   *   <li>parameters, in any order, match by name and case-insensitive value when both sides
   *       have them; {@code user}, {@code ttl}, {@code method}, {@code maddr} and
   *       {@code transport} on one side only never match; other parameters on one side only are
   *       ignored;
   *   <li>headers are never ignored: the same names (case-insensitive) with the same values
   *       (case-sensitive, after decoding), in any order.
   * </ul>
   * When a name is repeated, its first occurrence counts.
   */
  @Override
  public boolean equivalentTo(Uri other) {
    return other instanceof SipUri o && SipUriComparison.equivalent(this, o);
  }

  /**
   * Structural equality of the written form: same scheme, user, password, host (case included),
   * port, parameters and headers in the same order. Use {@link #equivalentTo(Uri)} for the
   * RFC 3261 §19.1.4 comparison, which cannot be {@code equals} because it is not transitive.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof SipUri u
        && secure == u.secure
        && port == u.port
        && Objects.equals(user, u.user)
        && Objects.equals(password, u.password)
        && host.equals(u.host)
        && parameters.equals(u.parameters)
        && headers.equals(u.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(secure, user, password, host, port, parameters, headers);
  }

  /** The wire form: {@code sip:user:password@host:port;params?headers}. */
  @Override
  public String toString() {
    String s = wire;
    if (s == null) {
      Writer w = new Writer();
      writeTo(w);
      s = w.sb.toString();
      wire = s;
    }
    return s;
  }

  /**
   * Gives the wire form's parts to {@code sink} in the order written: scheme with its colon, the
   * user, {@code :} and the password, {@code @}, the host, {@code :} and the port, then the
   * parameters and the headers, each only where present. The one place that lays the wire form
   * out; {@link #toString()} is these parts joined.
   *
   * @return false if {@code sink} stopped the walk, true if it took every part
   */
  public boolean writeTo(UriTextSink sink) {
    if (!sink.text(secure ? "sips:" : "sip:")) {
      return false;
    }
    if (user != null) {
      if (!sink.text(user)
          || password != null && !(sink.text(":") && sink.text(password))
          || !sink.text("@")) {
        return false;
      }
    }
    if (!sink.text(host) || port >= 0 && !(sink.text(":") && sink.decimal(port))) {
      return false;
    }
    return (parameters.isEmpty() || sink.parameters(parameters))
        && (headers.isEmpty() || sink.headers(headers));
  }

  /** {@link #toString()}'s sink. */
  private static final class Writer implements UriTextSink {
    final StringBuilder sb = new StringBuilder(64);

    @Override
    public boolean text(String part) {
      sb.append(part);
      return true;
    }

    @Override
    public boolean decimal(int n) {
      sb.append(n);
      return true;
    }

    @Override
    public boolean parameters(Parameters parameters) {
      parameters.appendTo(sb);
      return true;
    }

    @Override
    public boolean headers(UriHeaders headers) {
      headers.appendTo(sb);
      return true;
    }
  }

  /**
   * Builds a {@link SipUri}; not thread-safe. Setters take components in their wire form
   * (escaped), except {@link #userDecoded(String)}; {@link #build()} checks them against the
   * RFC 3261 §25.1 grammar. Components copied by {@link SipUri#toBuilder()} and left unchanged
   * are not checked again, so a URI parsed under a lenient policy can be rebuilt.
   */
  public static final class Builder {
    private final SipUri origin;
    private boolean secure;
    private String user;
    private String password;
    private String host;
    private int port = -1;
    private final Parameters.Builder parameters;
    private final UriHeaders.Builder headers;

    private Builder() {
      this.origin = null;
      this.parameters = Parameters.builder();
      this.headers = UriHeaders.builder();
    }

    private Builder(SipUri origin) {
      this.origin = origin;
      this.secure = origin.secure;
      this.user = origin.user;
      this.password = origin.password;
      this.host = origin.host;
      this.port = origin.port;
      this.parameters = origin.parameters.toBuilder();
      this.headers = origin.headers.toBuilder();
    }

    /** {@code sips:} when true, {@code sip:} when false (the default). */
    public Builder secure(boolean secure) {
      this.secure = secure;
      return this;
    }

    /** The user part in wire form (escaped), or null for none. */
    public Builder user(String user) {
      this.user = user;
      return this;
    }

    /**
     * The user part as plain text ({@code "I have spaces"}), escaped here with UTF-8 {@code %HH}
     * where RFC 3261 §25.1 requires it; null for none.
     */
    public Builder userDecoded(String user) {
      this.user = user == null ? null
          : UriEscapes.encode(user, Chars.UNRESERVED | Chars.USER_UNRESERVED);
      return this;
    }

    /** The password in wire form, or null for none (RFC 3261 §19.1.1: SHOULD NOT be used). */
    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /**
     * The host: a host name, an IPv4 address, or an IPv6 address with or without brackets (the
     * brackets are added when missing).
     */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** The port, 0..65535, or -1 for none (the default). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Sets (replaces or appends) a uri-parameter; {@code value} null for a flag like lr. */
    public Builder parameter(String name, String value) {
      parameters.set(name, value);
      return this;
    }

    /** Removes every uri-parameter of this name. */
    public Builder removeParameter(String name) {
      parameters.remove(name);
      return this;
    }

    /** Replaces all uri-parameters. */
    public Builder parameters(Parameters parameters) {
      for (String name : new ArrayList<>(this.parameters.build().names())) {
        this.parameters.remove(name);
      }
      for (int i = 0; i < parameters.size(); i++) {
        this.parameters.add(parameters.name(i), parameters.value(i));
      }
      return this;
    }

    /** Sets {@code transport}, or removes it when null. */
    public Builder transport(String transport) {
      return setOrRemove("transport", transport);
    }

    /** Adds or removes the {@code lr} flag. */
    public Builder looseRouting(boolean lr) {
      return lr ? parameter("lr", null) : removeParameter("lr");
    }

    /** Sets {@code maddr}, or removes it when null. */
    public Builder maddr(String maddr) {
      return setOrRemove("maddr", maddr);
    }

    /** Sets {@code ttl} (0..255), or removes it when -1. */
    public Builder ttl(int ttl) {
      if (ttl == -1) {
        return removeParameter("ttl");
      }
      if (ttl < 0 || ttl > 255) {
        throw new IllegalArgumentException("ttl out of range: " + ttl);
      }
      return parameter("ttl", Integer.toString(ttl));
    }

    /** Sets {@code method}, or removes it when null. */
    public Builder method(String method) {
      return setOrRemove("method", method);
    }

    /** Sets the {@code user} parameter ({@code phone}, {@code ip}), or removes it when null. */
    public Builder userParam(String userParam) {
      return setOrRemove("user", userParam);
    }

    private Builder setOrRemove(String name, String value) {
      return value == null ? removeParameter(name) : parameter(name, value);
    }

    /** Appends a header ({@code ?name=value}), both in wire form (escaped). */
    public Builder header(String name, String value) {
      headers.add(name, value);
      return this;
    }

    /** Removes every header of this name. */
    public Builder removeHeader(String name) {
      headers.remove(name);
      return this;
    }

    /** Replaces all headers. */
    public Builder headers(UriHeaders headers) {
      for (String name : new ArrayList<>(this.headers.build().names())) {
        this.headers.remove(name);
      }
      for (int i = 0; i < headers.size(); i++) {
        this.headers.add(headers.name(i), headers.value(i));
      }
      return this;
    }

    /**
     * The URI.
     *
     * @throws IllegalArgumentException when a component breaks the grammar, with its name and
     *     value ({@code "port out of range: 70000"})
     */
    public SipUri build() {
      if (host == null) {
        throw new IllegalArgumentException("host is missing");
      }
      String h = host;
      if (h.indexOf(':') >= 0 && h.charAt(0) != '[') {
        h = "[" + h + "]";
      }
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      if (password != null && user == null) {
        throw new IllegalArgumentException("password without user");
      }
      boolean same = origin != null;
      if (user != null && !(same && user.equals(origin.user))) {
        check("user", user, () -> UriParser.checkUser(user));
      }
      if (password != null && !(same && password.equals(origin.password))) {
        check("password", password, () -> UriParser.checkPassword(password));
      }
      if (!(same && h.equals(origin.host))) {
        String checked = h;
        check("host", h, () -> UriParser.checkHost(checked));
      }
      Parameters params = parameters.build();
      for (int i = 0; i < params.size(); i++) {
        String name = params.name(i);
        String value = params.value(i);
        if (same && contains(origin.parameters, name, value)) {
          continue;
        }
        check("parameter", value == null ? name : name + "=" + value,
            () -> UriParser.checkUriParameter(name, value));
      }
      UriHeaders hdrs = headers.build();
      for (int i = 0; i < hdrs.size(); i++) {
        String name = hdrs.name(i);
        String value = hdrs.value(i);
        if (same && contains(origin.headers, name, value)) {
          continue;
        }
        check("header", name + "=" + value, () -> UriParser.checkUriHeader(name, value));
      }
      return new SipUri(secure, user, password, h, port, params, hdrs);
    }

    private static boolean contains(Parameters p, String name, String value) {
      for (int i = 0; i < p.size(); i++) {
        if (p.name(i).equals(name) && Objects.equals(p.value(i), value)) {
          return true;
        }
      }
      return false;
    }

    private static boolean contains(UriHeaders h, String name, String value) {
      for (int i = 0; i < h.size(); i++) {
        if (h.name(i).equals(name) && h.value(i).equals(value)) {
          return true;
        }
      }
      return false;
    }

    private static void check(String what, String value, Runnable rule) {
      try {
        rule.run();
      } catch (SipParseException e) {
        throw new IllegalArgumentException(
            what + " is not valid: " + value + " (" + e.reason() + " at index "
                + (e.column() - 1) + ")", e);
      }
    }
  }

  /** Lets the parser in {@code dev.parley.sip.internal} create values without re-checking. */
  private static final class Access extends UriAccess {
    @Override
    public SipUri newSipUri(boolean secure, String user, String password, String host, int port,
        Parameters parameters, UriHeaders headers) {
      return new SipUri(secure, user, password, host, port, parameters, headers);
    }

    @Override
    public TelUri newTelUri(String number, Parameters parameters) {
      return new TelUri(number, parameters);
    }

    @Override
    public AbsoluteUri newAbsoluteUri(String scheme, String schemeSpecificPart) {
      return new AbsoluteUri(scheme, schemeSpecificPart);
    }
  }
}
