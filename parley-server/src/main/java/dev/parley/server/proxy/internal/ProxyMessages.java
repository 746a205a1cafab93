package dev.parley.server.proxy.internal;

import dev.parley.sip.Address;
import dev.parley.sip.Credentials;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipStatus;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.sip.Uri;
import dev.parley.sip.UriTextSink;
import java.util.ArrayList;
import java.util.List;

/**
 * The header edits a proxy makes (RFC 3261 §16.6, §16.7): Route and Via lists rewritten, our
 * credentials taken out, and the choice of the best final response among a fork's branches.
 * Stateless.
 */
final class ProxyMessages {
  /** 4xx codes a proxy prefers when it picks the best response (§16.7 step 6). */
  private static final int[] PREFERRED_4XX = {401, 407, 415, 420, 484};

  private ProxyMessages() {}

  /** Replaces every Route field of {@code b} with {@code routes}, in order, on top. */
  static void setRoutes(SipRequest.Builder b, List<Address> routes) {
    b.removeHeader(HeaderName.ROUTE);
    for (int i = routes.size() - 1; i >= 0; i--) {
      b.addFirstHeader(HeaderName.ROUTE, routes.get(i).toString());
    }
  }

  /**
   * {@code r} with every Route field replaced by {@code routes}, in order, on top: the edits of
   * {@link #setRoutes}.
   */
  static SipRequest withRoutes(SipRequest r, List<Address> routes) {
    r = r.withoutHeader(HeaderName.ROUTE);
    for (int i = routes.size() - 1; i >= 0; i--) {
      r = r.withFirstHeader(HeaderName.ROUTE, routes.get(i).toString());
    }
    return r;
  }

  /**
   * {@code r}, an edited copy of {@code request}, without the credentials for {@code realm}: the
   * edits of {@link #removeCredentials} (the credentials read from {@code request}, parsed once).
   */
  static SipRequest withoutCredentials(SipRequest r, SipRequest request, String realm) {
    if (!request.headers().contains(HeaderName.PROXY_AUTHORIZATION)) {
      return r;
    }
    List<Credentials> keep = new ArrayList<>();
    for (Credentials c : request.headers(Header.PROXY_AUTHORIZATION)) {
      if (!realm.equalsIgnoreCase(c.parameter("realm"))) {
        keep.add(c);
      }
    }
    r = r.withoutHeader(HeaderName.PROXY_AUTHORIZATION);
    for (Credentials c : keep) {
      r = r.withLastHeader(HeaderName.PROXY_AUTHORIZATION, c.toString());
    }
    return r;
  }

  /** {@code r} without identity headers: the edits of {@link #removeIdentity}. */
  static SipRequest withoutIdentity(SipRequest r) {
    for (HeaderName h : IDENTITY) {
      r = r.withoutHeader(h);
    }
    return r;
  }

  /**
   * Removes the Proxy-Authorization credentials for {@code realm} (the ones this proxy
   * consumed, §22.3); credentials for other realms stay for the proxies further on.
   */
  static void removeCredentials(SipRequest request, SipRequest.Builder b, String realm) {
    if (!request.headers().contains(HeaderName.PROXY_AUTHORIZATION)) {
      return;
    }
    List<Credentials> keep = new ArrayList<>();
    for (Credentials c : request.headers(Header.PROXY_AUTHORIZATION)) {
      if (!realm.equalsIgnoreCase(c.parameter("realm"))) {
        keep.add(c);
      }
    }
    b.removeHeader(HeaderName.PROXY_AUTHORIZATION);
    for (Credentials c : keep) {
      b.header(HeaderName.PROXY_AUTHORIZATION, c.toString());
    }
  }

  /** The identity headers of RFC 3325 and its predecessor, asserted by trusted nodes only. */
  private static final HeaderName[] IDENTITY = {HeaderName.P_ASSERTED_IDENTITY,
      HeaderName.P_PREFERRED_IDENTITY, HeaderName.REMOTE_PARTY_ID};

  /**
   * Removes {@code P-Asserted-Identity}, {@code P-Preferred-Identity} and
   * {@code Remote-Party-ID} (RFC 3325 §5: a proxy removes identities asserted by a node outside
   * its trust domain, and consumes the preferred identity).
   */
  static void removeIdentity(SipRequest request, SipRequest.Builder b) {
    for (HeaderName h : IDENTITY) {
      if (request.headers().contains(h)) {
        b.removeHeader(h);
      }
    }
  }

  /** Whether {@code message} has any identity header of {@link #removeIdentity}. */
  static boolean hasIdentity(SipMessage message) {
    for (HeaderName h : IDENTITY) {
      if (message.headers().contains(h)) {
        return true;
      }
    }
    return false;
  }

  /** {@code response} without identity headers (a response from an untrusted hop). */
  static SipResponse withoutIdentity(SipResponse response) {
    SipResponse.Builder b = response.toBuilder();
    for (HeaderName h : IDENTITY) {
      b.removeHeader(h);
    }
    return b.build();
  }

  /** Whether the request asks that its identity be withheld ({@code Privacy: id}, RFC 3325 §7). */
  static boolean asksPrivacy(SipRequest request) {
    for (String v : request.headers().values(HeaderName.PRIVACY)) {
      for (String token : v.split("[;,]")) {
        if (token.strip().equalsIgnoreCase("id")) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code s} on one line (CR and LF as spaces), for a reason phrase; "malformed" for null. */
  static String oneLine(String s) {
    return s == null ? "malformed" : s.replace('\r', ' ').replace('\n', ' ');
  }

  /** The {@code P-Asserted-Identity} value for an authenticated user of {@code domain}. */
  static String assertedIdentity(String user, String domain) {
    return Address.of(dev.parley.sip.SipUri.builder().user(user).host(domain).build()).toString();
  }

  /**
   * The request's {@code Max-Breadth} (RFC 5393 §5.3), or {@code defaultValue} when it has none.
   *
   * @throws IllegalArgumentException if the header is not a non-negative integer (answered 400)
   */
  static int maxBreadth(SipRequest request, int defaultValue) {
    String v = request.headers().get(HeaderName.MAX_BREADTH);
    if (v == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Max-Breadth is not a number: " + v);
    }
  }

  /** Whether the message has a second Via under the top one. */
  static boolean hasSecondVia(SipMessage message) {
    return message.vias().size() >= 2;
  }

  /**
   * The best final response of a fork (§16.7 step 6): a 6xx if there is one, else the lowest
   * class, preferring 401, 407, 415, 420 and 484 within 4xx; 408 when there is none. A 401 or
   * 407 chosen carries every challenge of every 401 and 407 (step 7); a 503 becomes 500 (step
   * 6: the 503 was about the next hop, not about us). The chosen response keeps its Via as
   * given: pass responses with our Via already removed.
   *
   * @param finals the final responses (no 2xx) in arrival order, with our Via removed
   * @param request the request being proxied, for a synthesised 408
   */
  static SipResponse best(List<SipResponse> finals, SipRequest request) {
    if (finals.isEmpty()) {
      return request.response(SipStatus.REQUEST_TIMEOUT.code(), Tags.random()).build();
    }
    SipResponse chosen = null;
    for (SipResponse r : finals) {
      if (r.statusCode() >= 600) {
        chosen = r;
        break;
      }
    }
    if (chosen == null) {
      int lowest = 7;
      for (SipResponse r : finals) {
        lowest = Math.min(lowest, r.statusCode() / 100);
      }
      if (lowest == 4) {
        outer:
        for (int code : PREFERRED_4XX) {
          for (SipResponse r : finals) {
            if (r.statusCode() == code) {
              chosen = r;
              break outer;
            }
          }
        }
      }
      if (chosen == null) {
        for (SipResponse r : finals) {
          if (r.statusCode() / 100 == lowest) {
            chosen = r;
            break;
          }
        }
      }
    }
    int code = chosen.statusCode();
    if (code == 401 || code == 407) {
      SipResponse.Builder b = chosen.toBuilder()
          .removeHeader(HeaderName.WWW_AUTHENTICATE).removeHeader(HeaderName.PROXY_AUTHENTICATE);
      for (SipResponse r : finals) {
        if (r.statusCode() == 401 || r.statusCode() == 407) {
          r.headers().values(HeaderName.WWW_AUTHENTICATE)
              .forEach(v -> b.header(HeaderName.WWW_AUTHENTICATE, v));
          r.headers().values(HeaderName.PROXY_AUTHENTICATE)
              .forEach(v -> b.header(HeaderName.PROXY_AUTHENTICATE, v));
        }
      }
      return b.build();
    }
    if (code == 503) {
      return chosen.toBuilder().status(500).reasonPhrase("Server Internal Error")
          .removeHeader(HeaderName.RETRY_AFTER).build();
    }
    return chosen;
  }

  /**
   * A 64-bit FNV-1a hash of what makes a request the same request when it comes back (§16.6
   * step 8, §16.3 step 4): Request-URI as received, From and To tags, Call-ID, CSeq number, the
   * Route values left after ours were removed, and Proxy-Require. Proxy-Authorization is left
   * out (unlike §16.6): we remove the credentials we consume, so a looped request never has them
   * again. Spirals change the Request-URI (or a Route) and hash differently; loops do not.
   */
  static long loopHash(SipRequest r, List<Address> remainingRoutes) {
    long h = 0xcbf29ce484222325L;
    h = fnvUri(h, r.requestUri());
    h = fnv(h, String.valueOf(r.from().tag()));
    h = fnv(h, String.valueOf(r.to().tag()));
    h = fnv(h, r.callId());
    h = end(fnvDigits(h, r.cseq().sequence()));
    for (Address a : remainingRoutes) {
      h = fnv(h, a.uri().toString());
    }
    for (String v : r.headers().values(HeaderName.PROXY_REQUIRE)) {
      h = fnv(h, v);
    }
    return h;
  }

  private static long fnv(long h, String s) {
    return end(chars(h, s));
  }

  /**
   * {@code fnv(h, uri.toString())} without making the text of a SIP URI: its written parts
   * ({@link SipUri#writeTo}) hashed in turn.
   */
  static long fnvUri(long h, Uri uri) {
    if (!(uri instanceof SipUri u)) {
      return fnv(h, uri.toString());
    }
    UriHash hash = new UriHash(h);
    u.writeTo(hash);
    return end(hash.h);
  }

  /** Hashes the parts of a URI's wire form it is given, in turn. */
  private static final class UriHash implements UriTextSink {
    private long h;

    UriHash(long h) {
      this.h = h;
    }

    @Override
    public boolean text(String part) {
      h = chars(h, part);
      return true;
    }

    @Override
    public boolean decimal(int n) {
      h = fnvDigits(h, n);
      return true;
    }
  }

  private static long chars(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** The characters of {@code Long.toString(n)} hashed, without making the String. */
  private static long fnvDigits(long h, long n) {
    if (n < 0) {
      return chars(h, Long.toString(n)); // never for a CSeq or a port
    }
    long div = 1;
    while (div <= n / 10) {
      div *= 10;
    }
    for (; div > 0; div /= 10) {
      h ^= '0' + (int) (n / div % 10);
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static long end(long h) {
    h ^= 0xff;
    return h * 0x100000001b3L;
  }
}
