package dev.parley.server.registrar;

import dev.parley.sip.Address;
import dev.parley.sip.SipParseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One registered contact of an address of record (RFC 3261 §10): where requests for the AOR go,
 * until when, and the data that the registrar needs to order and replace registrations.
 *
 * <p>A binding is identified within its AOR by {@link #key()}: the {@code +sip.instance} and
 * {@code reg-id} pair when the contact carries an instance (RFC 5626 §6, so a new registration
 * from the same instance and reg-id replaces the old one even with a new contact URI), otherwise
 * the contact URI as written.
 *
 * <p>Compact (issue 16): the texts (contact, Call-ID, Path, instance, source) are held as one
 * UTF-8 byte array and the parsed contact and Path are rebuilt on each {@link #contact()} and
 * {@link #path()} call; the User-Agent is shared between bindings through {@link SharedTexts}.
 * A contact or Path whose text does not parse back to an equal address is kept parsed instead.
 * Values as with the record this class replaces: same accessors, equality over every component.
 *
 * <p>Immutable and thread-safe.
 */
public final class Binding {
  private static final SharedTexts USER_AGENTS = new SharedTexts(4096, 256);
  private static final int CONTACT = 0;
  private static final int CALL_ID = 1;
  private static final int PATH = 2;
  private static final int INSTANCE = 3;
  private static final int SOURCE = 4;
  private static final int FIELDS = 5;

  private final Aor aor;
  /** The five texts, each as a length (varint, 0 for null, else length + 1) and UTF-8 bytes. */
  private final byte[] texts;
  /** The contact and Path as given, when their text does not parse back to them; else null. */
  private final Object parsed;
  private final long expiresAt;
  private final long cseq;
  private final long registeredAt;
  private final float q;
  private final int regId;
  private final String userAgent;

  /**
   * A binding.
   *
   * @param aor the address of record
   * @param contact the Contact as registered, with its parameters ({@code q},
   *     {@code +sip.instance}, {@code reg-id}) but without {@code expires}
   * @param expiresAt when the binding lapses, in milliseconds since the epoch
   * @param q the q-value (0.0..1.0), or -1 when the contact gave none
   * @param callId the Call-ID of the REGISTER that last refreshed it
   * @param cseq the CSeq number of that REGISTER
   * @param path the Path header values recorded with it (RFC 3327), outermost first; empty if none
   * @param instance the {@code +sip.instance} value, or null
   * @param regId the {@code reg-id} value, or 0 when absent
   * @param source where the REGISTER came from, as {@code transport:ip:port}, or null
   * @param userAgent the User-Agent of the REGISTER, or null
   * @param registeredAt when the binding was last refreshed, in milliseconds since the epoch
   * @throws NullPointerException if {@code aor}, {@code contact}, {@code callId} or {@code path}
   *     is null
   */
  public Binding(Aor aor, Address contact, long expiresAt, float q, String callId, long cseq,
      List<Address> path, String instance, int regId, String source, String userAgent,
      long registeredAt) {
    this.aor = Objects.requireNonNull(aor, "aor");
    Objects.requireNonNull(contact, "contact");
    Objects.requireNonNull(callId, "callId");
    List<Address> pathCopy = List.copyOf(Objects.requireNonNull(path, "path"));
    String contactText = contact.toString();
    String pathText = pathCopy.isEmpty() ? null : joinLines(pathCopy);
    this.parsed = parsesBack(contactText, contact) && parsesBack(pathText, pathCopy)
        ? null : new Object[] {contact, pathCopy};
    this.texts = pack(contactText, callId, pathText, instance, source);
    this.expiresAt = expiresAt;
    this.q = q;
    this.cseq = cseq;
    this.regId = regId;
    this.userAgent = USER_AGENTS.share(userAgent);
    this.registeredAt = registeredAt;
  }

  private Binding(Binding b, Aor aor) {
    this.aor = aor;
    this.texts = b.texts;
    this.parsed = b.parsed;
    this.expiresAt = b.expiresAt;
    this.q = b.q;
    this.cseq = b.cseq;
    this.regId = b.regId;
    this.userAgent = b.userAgent;
    this.registeredAt = b.registeredAt;
  }

  /**
   * This binding holding {@code aor} as its AOR when that is an equal instance (else this binding
   * itself): the location service hands it the key its table already holds, so that a refresh
   * does not keep a second copy of the AOR.
   */
  Binding sharingAor(Aor aor) {
    return aor == this.aor || !aor.equals(this.aor) ? this : new Binding(this, aor);
  }

  /** The address of record. */
  public Aor aor() {
    return aor;
  }

  /** The Contact as registered, without {@code expires}. */
  public Address contact() {
    return parsed != null ? (Address) ((Object[]) parsed)[0] : Address.parse(text(CONTACT));
  }

  /**
   * The Contact as registered, as text: what {@code contact().toString()} gives, without parsing
   * the contact back (the registrar's 200 and the store write it per REGISTER).
   */
  public String contactText() {
    return parsed != null ? contact().toString() : text(CONTACT);
  }

  /** When the binding lapses, in milliseconds since the epoch. */
  public long expiresAt() {
    return expiresAt;
  }

  /** The q-value (0.0..1.0), or -1 when the contact gave none. */
  public float q() {
    return q;
  }

  /** The Call-ID of the REGISTER that last refreshed it. */
  public String callId() {
    return text(CALL_ID);
  }

  /** The CSeq number of that REGISTER. */
  public long cseq() {
    return cseq;
  }

  /** The Path header values recorded with it, outermost first; empty if none. */
  @SuppressWarnings("unchecked")
  public List<Address> path() {
    if (parsed != null) {
      return (List<Address>) ((Object[]) parsed)[1];
    }
    return parseLines(text(PATH));
  }

  /**
   * The Path header values as text, one per line (what the store writes), or null when there is
   * no Path; without parsing them back.
   */
  public String pathText() {
    if (parsed != null) {
      List<Address> path = path();
      return path.isEmpty() ? null : joinLines(path);
    }
    return text(PATH);
  }

  /** The {@code +sip.instance} value, or null. */
  public String instance() {
    return text(INSTANCE);
  }

  /** The {@code reg-id} value, or 0 when absent. */
  public int regId() {
    return regId;
  }

  /** Where the REGISTER came from, as {@code transport:ip:port}, or null. */
  public String source() {
    return text(SOURCE);
  }

  /** The User-Agent of the REGISTER, or null. */
  public String userAgent() {
    return userAgent;
  }

  /** When the binding was last refreshed, in milliseconds since the epoch. */
  public long registeredAt() {
    return registeredAt;
  }

  /** The identity of this binding within its AOR (see the class comment). */
  public String key() {
    String instance = instance();
    if (instance != null) {
      return keyOf(null, instance, regId);
    }
    String uri = parsed != null ? null : uriText(text(CONTACT));
    return keyOf(uri != null ? uri : contact().uri().toString(), null, 0);
  }

  /**
   * The URI's text in an address as {@code Address.toString()} writes it: an optional quoted
   * display name (backslash escapes), then {@code <uri>} and the parameters. The URI ends at the
   * first {@code >}: a URI holding one would not have parsed back to the same address (the
   * constructor keeps such a contact parsed, and this is not called for it). Null when the text
   * has another shape.
   */
  static String uriText(String address) {
    int i = 0;
    if (address.startsWith("\"")) {
      i = 1;
      while (i < address.length() && address.charAt(i) != '"') {
        i += address.charAt(i) == '\\' ? 2 : 1;
      }
      i++;
    }
    int open = address.indexOf('<', i);
    int close = open < 0 ? -1 : address.indexOf('>', open + 1);
    return close < 0 ? null : address.substring(open + 1, close);
  }

  /** The binding key for a contact URI, instance and reg-id (see the class comment). */
  public static String keyOf(String contactUri, String instance, int regId) {
    return instance != null ? "instance:" + instance + ";reg-id=" + regId : "uri:" + contactUri;
  }

  /** Seconds left at {@code nowMillis}, rounded up, never negative. */
  public long expiresInSeconds(long nowMillis) {
    long left = expiresAt - nowMillis;
    return left <= 0 ? 0 : (left + 999) / 1000;
  }

  /** Whether the binding has lapsed at {@code nowMillis}. */
  public boolean isExpired(long nowMillis) {
    return expiresAt <= nowMillis;
  }

  /** The q-value used for ordering: 1.0 when the contact gave none. */
  public float effectiveQ() {
    return q < 0 ? 1.0f : q;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Binding b)) {
      return false;
    }
    return expiresAt == b.expiresAt && cseq == b.cseq && registeredAt == b.registeredAt
        && Float.compare(q, b.q) == 0 && regId == b.regId && aor.equals(b.aor)
        && Objects.equals(userAgent, b.userAgent) && Arrays.equals(texts, b.texts)
        && (parsed == null && b.parsed == null
            || contact().equals(b.contact()) && path().equals(b.path()));
  }

  @Override
  public int hashCode() {
    return Objects.hash(aor, expiresAt, q, cseq, regId, userAgent, registeredAt)
        * 31 + Arrays.hashCode(texts);
  }

  @Override
  public String toString() {
    return "Binding[aor=" + aor + ", contact=" + contact() + ", expiresAt=" + expiresAt + ", q=" + q
        + ", callId=" + callId() + ", cseq=" + cseq + ", path=" + path() + ", instance="
        + instance() + ", regId=" + regId + ", source=" + source() + ", userAgent=" + userAgent
        + ", registeredAt=" + registeredAt + "]";
  }

  private static boolean parsesBack(String contactText, Address contact) {
    try {
      return Address.parse(contactText).equals(contact);
    } catch (SipParseException | IllegalArgumentException e) {
      return false; // kept parsed: contact() must not fail later
    }
  }

  private static boolean parsesBack(String pathText, List<Address> path) {
    try {
      return parseLines(pathText).equals(path);
    } catch (SipParseException | IllegalArgumentException e) {
      return false;
    }
  }

  private static String joinLines(List<Address> path) {
    StringBuilder sb = new StringBuilder();
    for (Address a : path) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(a);
    }
    return sb.toString();
  }

  private static List<Address> parseLines(String text) {
    if (text == null) {
      return List.of();
    }
    List<Address> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      out.add(Address.parse(line));
    }
    return List.copyOf(out);
  }

  private static byte[] pack(String... values) {
    byte[][] encoded = new byte[values.length][];
    int size = 0;
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        encoded[i] = values[i].getBytes(StandardCharsets.UTF_8);
        size += encoded[i].length;
      }
      size += varintSize(encoded[i] == null ? 0 : encoded[i].length + 1);
    }
    byte[] out = new byte[size];
    int at = 0;
    for (byte[] e : encoded) {
      int n = e == null ? 0 : e.length + 1;
      while (n >= 0x80) {
        out[at++] = (byte) (n & 0x7f | 0x80);
        n >>>= 7;
      }
      out[at++] = (byte) n;
      if (e != null) {
        System.arraycopy(e, 0, out, at, e.length);
        at += e.length;
      }
    }
    return out;
  }

  private static int varintSize(int n) {
    int size = 1;
    while (n >= 0x80) {
      n >>>= 7;
      size++;
    }
    return size;
  }

  private String text(int field) {
    int at = 0;
    for (int i = 0; i < FIELDS; i++) {
      int n = 0;
      int shift = 0;
      byte b;
      do {
        b = texts[at++];
        n |= (b & 0x7f) << shift;
        shift += 7;
      } while (b < 0);
      if (i == field) {
        return n == 0 ? null : new String(texts, at, n - 1, StandardCharsets.UTF_8);
      }
      at += n == 0 ? 0 : n - 1;
    }
    throw new IllegalArgumentException("field " + field);
  }
}
