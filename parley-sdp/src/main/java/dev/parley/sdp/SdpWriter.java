package dev.parley.sdp;

/**
 * Writes a {@link SessionDescription} as CRLF lines in the order of RFC 8866 §5: {@code v o s i u e
 * p c b (t r*)+ z k a*} then per media {@code m i c* b* k a*}. Stateless.
 */
final class SdpWriter {
  private static final String CRLF = "\r\n";

  private SdpWriter() {}

  static void write(SessionDescription d, StringBuilder out) {
    out.append("v=0").append(CRLF);
    field(out, 'o', d.origin().toString());
    field(out, 's', d.sessionName());
    field(out, 'i', d.information());
    field(out, 'u', d.uri());
    for (String e : d.emails()) {
      field(out, 'e', e);
    }
    for (String p : d.phones()) {
      field(out, 'p', p);
    }
    if (d.connection() != null) {
      field(out, 'c', d.connection().toString());
    }
    for (Bandwidth b : d.bandwidths()) {
      field(out, 'b', b.toString());
    }
    for (Timing t : d.timings()) {
      field(out, 't', t.toString());
      for (String r : t.repeats()) {
        field(out, 'r', r);
      }
    }
    field(out, 'z', d.zoneAdjustments());
    field(out, 'k', d.key());
    for (Attribute a : d.attributes()) {
      field(out, 'a', a.toString());
    }
    for (MediaDescription m : d.media()) {
      writeMedia(m, out);
    }
  }

  static void writeMedia(MediaDescription m, StringBuilder out) {
    out.append("m=").append(m.media()).append(' ').append(m.port());
    if (m.numberOfPorts().isPresent()) {
      out.append('/').append(m.numberOfPorts().getAsInt());
    }
    out.append(' ').append(m.proto());
    for (String f : m.formats()) {
      out.append(' ').append(f);
    }
    out.append(CRLF);
    field(out, 'i', m.information());
    for (Connection c : m.connections()) {
      field(out, 'c', c.toString());
    }
    for (Bandwidth b : m.bandwidths()) {
      field(out, 'b', b.toString());
    }
    field(out, 'k', m.key());
    for (Attribute a : m.attributes()) {
      field(out, 'a', a.toString());
    }
  }

  private static void field(StringBuilder out, char type, String value) {
    if (value != null) {
      out.append(type).append('=').append(value).append(CRLF);
    }
  }
}
