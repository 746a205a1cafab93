package dev.parley.server.registrar;

import dev.parley.sip.Address;
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
 * <p>Immutable and thread-safe.
 *
 * @param aor the address of record
 * @param contact the Contact as registered, with its parameters ({@code q}, {@code +sip.instance},
 *     {@code reg-id}) but without {@code expires}
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
 */
public record Binding(Aor aor, Address contact, long expiresAt, float q, String callId, long cseq,
    List<Address> path, String instance, int regId, String source, String userAgent,
    long registeredAt) {
  /**
   * Validates the parts and copies {@code path}.
   *
   * @throws NullPointerException if {@code aor}, {@code contact}, {@code callId} or {@code path}
   *     is null
   */
  public Binding {
    Objects.requireNonNull(aor, "aor");
    Objects.requireNonNull(contact, "contact");
    Objects.requireNonNull(callId, "callId");
    path = List.copyOf(Objects.requireNonNull(path, "path"));
  }

  /** The identity of this binding within its AOR (see the class comment). */
  public String key() {
    return keyOf(contact.uri().toString(), instance, regId);
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
}
