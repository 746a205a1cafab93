package dev.parley.client.internal;

import java.nio.charset.StandardCharsets;

/**
 * The {@code application/im-iscomposing+xml} document of RFC 3994 §5: written with the state and
 * refresh, read leniently (namespace prefixes allowed, unknown elements ignored) by looking for
 * the {@code state} and {@code refresh} elements; no XML parser (and no external entities).
 */
final class IsComposing {
  private IsComposing() {}

  /**
   * What an indication said.
   *
   * @param active whether the state is {@code active} (anything else is idle)
   * @param refreshSeconds the {@code refresh} element, or 0 when absent
   */
  record Indication(boolean active, long refreshSeconds) {}

  /** Our indication: {@code active} with {@code <refresh>}, or {@code idle}. */
  static byte[] body(boolean active, long refreshSeconds) {
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<isComposing xmlns=\"urn:ietf:params:xml:ns:im-iscomposing\">\n"
        + "  <state>" + (active ? "active" : "idle") + "</state>\n"
        + "  <contenttype>text/plain</contenttype>\n"
        + (active ? "  <refresh>" + refreshSeconds + "</refresh>\n" : "")
        + "</isComposing>\n";
    return xml.getBytes(StandardCharsets.UTF_8);
  }

  /** Reads an indication; a document without a readable state counts as idle. */
  static Indication parse(byte[] body) {
    String xml = new String(body, StandardCharsets.UTF_8);
    String state = element(xml, "state");
    String refresh = element(xml, "refresh");
    long seconds = 0;
    if (refresh != null) {
      try {
        seconds = Math.max(0, Math.min(Long.parseLong(refresh), 86_400));
      } catch (NumberFormatException e) {
        seconds = 0;
      }
    }
    return new Indication("active".equalsIgnoreCase(state), seconds);
  }

  /** The text of the first element named {@code name} (any prefix), stripped; null if none. */
  private static String element(String xml, String name) {
    int from = 0;
    while (true) {
      int at = xml.indexOf(name + ">", from);
      if (at < 1) {
        return null;
      }
      char before = xml.charAt(at - 1);
      if (before == '<' || (before == ':' && xml.lastIndexOf('<', at) > xml.lastIndexOf('>', at)
          && xml.charAt(xml.lastIndexOf('<', at) + 1) != '/')) {
        int start = at + name.length() + 1;
        int end = xml.indexOf('<', start);
        return end < 0 ? null : xml.substring(start, end).strip();
      }
      from = at + 1;
    }
  }
}
