package dev.parley.dialog;

import dev.parley.sip.Address;
import dev.parley.sip.SipUri;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportLayer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link UserAgent}'s Contact per listen point ({@link UserAgent#contact}):
 * {@code <sip:user@host:port;transport=t>}, the host advertised or the listen point's. Thread-safe.
 */
final class Contacts {
  private final TransportLayer transport;
  private final String user;
  private final String advertisedHost;
  /** One per listen point (a fixed few), made once, with its text. */
  private final Map<ListenPoint, Contact> byListenPoint = new ConcurrentHashMap<>();

  /**
   * A Contact and its text as a header value ({@code String.valueOf(address)}): ours are made
   * once per listen point, since every 180 and 200 we send writes one.
   */
  record Contact(Address address, String text) {
    /** {@code address} with its text made now. */
    static Contact of(Address address) {
      return new Contact(address, String.valueOf(address));
    }
  }

  Contacts(TransportLayer transport, String user, String advertisedHost) {
    this.transport = transport;
    this.user = user;
    this.advertisedHost = advertisedHost;
  }

  /** The Contact for messages sent over {@code t} (the first listen point's when none is). */
  Address of(Transport t) {
    return contact(t).address();
  }

  /** {@link #of} with its text, both made once. */
  Contact contact(Transport t) {
    ListenPoint lp = transport.listenPoint(t);
    if (lp == null) {
      lp = transport.listenPoints().get(0);
    }
    // made once: every INVITE answered and every request sent outside a dialog asks for it
    return byListenPoint.computeIfAbsent(lp, this::contactOf);
  }

  private Contact contactOf(ListenPoint lp) {
    Address a = addressOf(lp);
    return new Contact(a, a.toString());
  }

  private Address addressOf(ListenPoint lp) {
    String host = lp.hostText();
    if (advertisedHost != null) {
      host = advertisedHost;
    } else if (lp.address().getAddress().isAnyLocalAddress()) {
      host = wildcardFallback(lp);
    }
    SipUri.Builder uri = SipUri.builder().user(user).host(host)
        .port(lp.address().getPort());
    if (lp.transport() != Transport.UDP) {
      uri.transport(lp.transport().name().toLowerCase(Locale.ROOT));
    }
    return Address.of(uri.build());
  }

  /**
   * A host for a wildcard listen point (0.0.0.0 or ::) when no advertised host was given: the
   * loopback address of the same family, which at least never advertises an unroutable 0.0.0.0.
   */
  private static String wildcardFallback(ListenPoint lp) {
    return lp.address().getAddress() instanceof java.net.Inet6Address ? "[::1]" : "127.0.0.1";
  }
}
