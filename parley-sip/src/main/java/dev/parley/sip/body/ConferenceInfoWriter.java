package dev.parley.sip.body;

import dev.parley.sip.body.ConferenceInfo.ConfUri;
import dev.parley.sip.body.ConferenceInfo.Endpoint;
import dev.parley.sip.body.ConferenceInfo.Media;
import dev.parley.sip.body.ConferenceInfo.State;
import dev.parley.sip.body.ConferenceInfo.User;

/**
 * Writes a {@link ConferenceInfo} as the XML of RFC 4575 §5, elements in the schema's order,
 * text and attribute values escaped. Stateless.
 */
final class ConferenceInfoWriter {
  private final StringBuilder out = new StringBuilder(1024);

  private ConferenceInfoWriter() {}

  static String write(ConferenceInfo info) {
    return new ConferenceInfoWriter().document(info);
  }

  private String document(ConferenceInfo info) {
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.append("<conference-info xmlns=\"").append(ConferenceInfo.NAMESPACE).append('"');
    attribute("entity", info.entity());
    attribute("state", info.state().wire());
    attribute("version", Long.toString(info.version()));
    out.append(">\n");
    if (info.displayText() != null || info.subject() != null || !info.confUris().isEmpty()) {
      out.append(" <conference-description>\n");
      element(2, "display-text", info.displayText());
      element(2, "subject", info.subject());
      if (!info.confUris().isEmpty()) {
        out.append("  <conf-uris>\n");
        for (ConfUri u : info.confUris()) {
          out.append("   <entry>\n");
          element(4, "uri", u.uri());
          element(4, "display-text", u.displayText());
          element(4, "purpose", u.purpose());
          out.append("   </entry>\n");
        }
        out.append("  </conf-uris>\n");
      }
      out.append(" </conference-description>\n");
    }
    if (info.userCount() != null || info.active() != null || info.locked() != null) {
      out.append(" <conference-state>\n");
      element(2, "user-count", info.userCount() == null ? null : info.userCount().toString());
      element(2, "active", info.active() == null ? null : info.active().toString());
      element(2, "locked", info.locked() == null ? null : info.locked().toString());
      out.append(" </conference-state>\n");
    }
    if (!info.users().isEmpty() || info.isFull() || info.usersState() != State.PARTIAL) {
      out.append(" <users");
      if (info.usersState() != State.FULL) {
        attribute("state", info.usersState().wire());
      }
      out.append(">\n");
      for (User u : info.users()) {
        user(u);
      }
      out.append(" </users>\n");
    }
    out.append("</conference-info>\n");
    return out.toString();
  }

  private void user(User u) {
    out.append("  <user");
    attribute("entity", u.entity());
    attribute("state", u.state().wire());
    out.append(">\n");
    element(3, "display-text", u.displayText());
    if (!u.roles().isEmpty()) {
      out.append("   <roles>\n");
      for (String role : u.roles()) {
        element(4, "entry", role);
      }
      out.append("   </roles>\n");
    }
    for (Endpoint e : u.endpoints()) {
      endpoint(e);
    }
    out.append("  </user>\n");
  }

  private void endpoint(Endpoint e) {
    out.append("   <endpoint");
    attribute("entity", e.entity());
    attribute("state", e.state().wire());
    out.append(">\n");
    element(4, "display-text", e.displayText());
    element(4, "status", e.status() == null ? null : e.status().wire());
    element(4, "joining-method", e.joiningMethod());
    if (e.joiningWhen() != null) {
      out.append("    <joining-info>\n");
      element(5, "when", e.joiningWhen().toString());
      out.append("    </joining-info>\n");
    }
    element(4, "disconnection-method", e.disconnectionMethod());
    for (Media m : e.media()) {
      out.append("    <media");
      attribute("id", m.id());
      out.append(">\n");
      element(5, "display-text", m.displayText());
      element(5, "type", m.type());
      element(5, "label", m.label());
      element(5, "src-id", m.srcId());
      element(5, "status", m.status() == null ? null : m.status().wire());
      out.append("    </media>\n");
    }
    out.append("   </endpoint>\n");
  }

  private void element(int indent, String name, String text) {
    if (text == null) {
      return;
    }
    out.append(" ".repeat(indent)).append('<').append(name).append('>');
    escape(text, false);
    out.append("</").append(name).append(">\n");
  }

  private void attribute(String name, String value) {
    out.append(' ').append(name).append("=\"");
    escape(value, true);
    out.append('"');
  }

  /**
   * Appends {@code text} escaped for XML 1.0 (§2.4, §3.3.3): {@code & < >} always, quotes and
   * line ends in attributes (so that they survive attribute-value normalization); characters XML
   * 1.0 cannot carry at all (controls other than tab, CR, LF; lone surrogates; U+FFFE/U+FFFF)
   * become U+FFFD.
   */
  private void escape(String text, boolean inAttribute) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append(inAttribute ? "&quot;" : "\"");
        case '\t' -> out.append(inAttribute ? "&#9;" : "\t");
        case '\n' -> out.append(inAttribute ? "&#10;" : "\n");
        case '\r' -> out.append("&#13;");
        default -> {
          if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
            out.append('\uFFFD');
          } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1))) {
            out.append(c).append(text.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
  }
}
