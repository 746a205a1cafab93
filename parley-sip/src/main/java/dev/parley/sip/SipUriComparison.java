package dev.parley.sip;

import dev.parley.sip.internal.UriEscapes;
import dev.parley.sip.internal.UriParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The RFC 3261 §19.1.4 comparison of two SIP or SIPS URIs: see {@link SipUri#equivalentTo}. */
final class SipUriComparison {
  private SipUriComparison() {}

  static boolean equivalent(SipUri a, SipUri b) {
    if (a.isSecure() != b.isSecure() || a.port() != b.port()) {
      return false;
    }
    return sameUserinfoPart(a.user(), b.user())
        && sameUserinfoPart(a.password(), b.password())
        && sameHost(a.host(), b.host())
        && sameParameters(a.parameters(), b.parameters())
        && sameHeaders(a.headers(), b.headers());
  }

  private static boolean sameUserinfoPart(String a, String b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals(b) || UriEscapes.comparisonForm(a, false).equals(UriEscapes.comparisonForm(b, false));
  }

  private static boolean sameHost(String a, String b) {
    if (a.equalsIgnoreCase(b)) {
      return true;
    }
    if (a.charAt(0) == '[' && b.charAt(0) == '[') {
      byte[] x = UriParser.ipv6Octets(a);
      return x != null && Arrays.equals(x, UriParser.ipv6Octets(b));
    }
    return false;
  }

  /** Parameters that RFC 3261 §19.1.4 never ignores when only one URI has them. */
  private static boolean isNeverIgnored(String comparisonName) {
    switch (comparisonName) {
      case "user":
      case "ttl":
      case "method":
      case "maddr":
      case "transport":
        return true;
      default:
        return false;
    }
  }

  private static boolean sameParameters(Parameters a, Parameters b) {
    if (a.equals(b)) {
      return true;
    }
    Map<String, String> x = comparisonMap(a);
    Map<String, String> y = comparisonMap(b);
    for (Map.Entry<String, String> e : x.entrySet()) {
      if (y.containsKey(e.getKey())) {
        if (!Objects.equals(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      } else if (isNeverIgnored(e.getKey())) {
        return false;
      }
    }
    for (String name : y.keySet()) {
      if (!x.containsKey(name) && isNeverIgnored(name)) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> comparisonMap(Parameters p) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < p.size(); i++) {
      String value = p.value(i);
      map.putIfAbsent(UriEscapes.comparisonForm(p.name(i), true),
          value == null ? null : UriEscapes.comparisonForm(value, true));
    }
    return map;
  }

  private static boolean sameHeaders(UriHeaders a, UriHeaders b) {
    if (a.size() != b.size()) {
      return false;
    }
    if (a.equals(b)) {
      return true;
    }
    List<String> x = comparisonList(a);
    List<String> y = comparisonList(b);
    for (String h : x) {
      if (!y.remove(h)) {
        return false;
      }
    }
    return y.isEmpty();
  }

  private static List<String> comparisonList(UriHeaders h) {
    List<String> list = new ArrayList<>(h.size());
    for (int i = 0; i < h.size(); i++) {
      list.add(UriEscapes.comparisonForm(h.name(i), true) + "="
          + UriEscapes.comparisonForm(h.value(i), false));
    }
    return list;
  }
}
