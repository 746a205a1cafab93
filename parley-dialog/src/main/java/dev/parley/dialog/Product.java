package dev.parley.dialog;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;

/**
 * The product a {@link UserAgent} names on the messages it builds (RFC 3261 §20.41, §20.35): a
 * User-Agent header on its requests ({@link UserAgent#newRequest}, the requests inside its
 * dialogs, the ACK for a 2xx) and a Server header on its responses ({@link UserAgent#response}).
 * The transaction layer's own messages (CANCEL, the ACK for a non-2xx, 100 Trying) carry none.
 * Immutable.
 */
final class Product {
  /** No product: the headers are left out. */
  static final Product NONE = new Product(null);

  private final String name;

  private Product(String name) {
    this.name = name;
  }

  /**
   * {@code name} as a product; {@link #NONE} when it is null or empty.
   *
   * @throws IllegalArgumentException if it holds a control character (a line break would end the
   *     header)
   */
  static Product of(String name) {
    if (name == null || name.isEmpty()) {
      return NONE;
    }
    if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
      throw new IllegalArgumentException("product holds a control character: " + name);
    }
    return new Product(name);
  }

  /** {@code b} with our User-Agent, when we name one. */
  SipRequest.Builder on(SipRequest.Builder b) {
    return name == null ? b : b.header(HeaderName.USER_AGENT, name);
  }

  /** {@code request}'s response (see {@link SipRequest#response(int, String)}) with our Server. */
  SipResponse.Builder response(SipRequest request, int status, String toTag) {
    SipResponse.Builder b = request.response(status, toTag);
    return name == null ? b : b.header(HeaderName.SERVER, name);
  }
}
