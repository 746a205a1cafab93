package dev.parley.client.internal;

import dev.parley.client.SignInException;
import dev.parley.client.SignInFailure;
import dev.parley.dialog.SipFailure;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.sip.Uri;
import dev.parley.transport.Hop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One binding of an address of record at a registrar (RFC 3261 §10.2): REGISTER requests that share
 * a Call-ID with increasing CSeq (§10.2.4), for our Contact only. Digest challenges are answered by
 * the user agent core. Holds no endpoint state: the endpoint decides when to register.
 * Thread-safe.
 */
final class Registration {
  private final UserAgent ua;
  private final SipUri aor;
  private final Address from;
  private final SipUri registrar;
  private final String callId = Tags.random() + Tags.random();
  private long cseq;

  Registration(UserAgent ua, SipUri aor, String displayName) {
    this.ua = ua;
    this.aor = aor;
    Address.Builder b = Address.builder(aor).tag(Tags.random());
    if (displayName != null) {
      b.displayName(displayName);
    }
    this.from = b.build();
    this.registrar = SipUri.builder().secure(aor.isSecure()).host(aor.host()).build();
  }

  /** The Call-ID all our REGISTERs share (RFC 3261 §10.2.4). */
  String callId() {
    return callId;
  }

  /**
   * Sends REGISTER for our Contact with {@code expires} seconds (0 removes the binding) to
   * {@code hop}; a 423 is retried once with the registrar's Min-Expires (§10.2.8).
   *
   * @return completes with the expiry the registrar granted, in seconds; fails with
   *     {@link SignInException}
   */
  CompletableFuture<Long> register(Hop hop, long expires) {
    return send(hop, expires, true);
  }

  private CompletableFuture<Long> send(Hop hop, long expires, boolean retry423) {
    Address contact = ua.contact(hop.transport());
    SipRequest request;
    synchronized (this) {
      cseq++;
      request = ua.newRequest(SipMethod.REGISTER, registrar, from, Address.of(aor), hop.transport())
          .setHeader(HeaderName.CALL_ID, callId)
          .setHeader(HeaderName.CSEQ, cseq + " REGISTER")
          .header(HeaderName.CONTACT, contact)
          .header(HeaderName.EXPIRES, Long.toString(expires))
          .build();
    }
    return ua.request(request, hop).handle((response, error) -> {
      if (error != null) {
        throw new CompletionException(failure(unwrap(error)));
      }
      synchronized (this) {
        cseq = Math.max(cseq, response.cseq().sequence()); // digest retries used CSeq + 1
      }
      return response;
    }).thenCompose(response -> {
      int code = response.statusCode();
      if (response.isSuccess()) {
        return CompletableFuture.completedFuture(granted(response, contact.uri(), expires));
      }
      if (code == 423 && retry423 && response.headers().get(HeaderName.MIN_EXPIRES) != null) {
        long min;
        try {
          min = Long.parseLong(response.headers().get(HeaderName.MIN_EXPIRES).strip());
        } catch (NumberFormatException e) {
          return CompletableFuture.failedFuture(failure(response));
        }
        return send(hop, Math.max(min, expires), false);
      }
      return CompletableFuture.failedFuture(failure(response));
    });
  }

  /** The expiry of our binding in a 2xx: our Contact's expires, else Expires, else what we asked. */
  private static long granted(SipResponse ok, Uri ours, long requested) {
    for (Address a : ok.contacts()) {
      if (!a.isWildcard() && a.uri().equals(ours) && a.expires() >= 0) {
        return a.expires();
      }
    }
    long header = ok.expires();
    return header >= 0 ? header : requested;
  }

  static SignInException failure(SipResponse response) {
    int code = response.statusCode();
    String why = code + " " + response.reasonPhrase();
    return switch (code) {
      case 401, 407 -> new SignInException(SignInFailure.AUTHENTICATION_FAILED, code,
          "the registrar refused our credentials: " + why);
      case 403 -> new SignInException(SignInFailure.FORBIDDEN, code, why);
      default -> new SignInException(SignInFailure.REJECTED, code, why);
    };
  }

  static SignInException failure(Throwable error) {
    if (error instanceof SignInException s) {
      return s;
    }
    if (error instanceof SipFailure f) {
      if (f.response() != null) {
        return failure(f.response());
      }
      if (f.statusCode() == 408) {
        return new SignInException(SignInFailure.TIMEOUT, 408, "no response from the registrar");
      }
      return new SignInException(SignInFailure.SERVER_UNREACHABLE, f.statusCode(), f.getMessage());
    }
    return new SignInException(SignInFailure.SERVER_UNREACHABLE, 503, String.valueOf(error));
  }

  /** Whether a retry later may succeed: network trouble or a server error, not a refusal. */
  static boolean isTransient(SignInException e) {
    return switch (e.reason()) {
      case TIMEOUT, SERVER_UNREACHABLE -> true;
      case REJECTED -> e.statusCode() >= 500 || e.statusCode() == 408 || e.statusCode() == 480;
      default -> false;
    };
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
