package dev.parley.sip.body;

import dev.parley.sip.body.ConferenceInfo.ConfUri;
import dev.parley.sip.body.ConferenceInfo.Endpoint;
import dev.parley.sip.body.ConferenceInfo.Media;
import dev.parley.sip.body.ConferenceInfo.State;
import dev.parley.sip.body.ConferenceInfo.User;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads a conference-info document with the JDK's StAX parser, hardened: DTDs refused (so no
 * entity but XML's predefined ones, no external entity, no entity expansion), size, nesting and
 * counts bounded by {@link ConferenceInfoLimits}. Elements of RFC 4575 are matched by local name
 * in its namespace or in none (some senders omit the xmlns); everything else is skipped. One
 * reader per document; not thread-safe.
 */
final class ConferenceInfoReader {
  private final ConferenceInfoLimits limits;
  private XMLStreamReader r;
  private int depth;
  private int userCount;

  ConferenceInfoReader(ConferenceInfoLimits limits) {
    this.limits = limits;
  }

  ConferenceInfo read(byte[] xml) {
    if (xml.length > limits.maxBytes()) {
      throw new ConferenceInfoException("document of " + xml.length + " bytes is larger than "
          + limits.maxBytes());
    }
    try {
      r = factory().createXMLStreamReader(new StringReader(utf8(xml)));
      try {
        ConferenceInfo info = document();
        while (r.hasNext()) { // the epilog: comments and whitespace only, still checked
          if (r.next() == XMLStreamConstants.DTD) {
            throw new ConferenceInfoException("a DTD is not allowed");
          }
        }
        return info;
      } finally {
        r.close();
      }
    } catch (XMLStreamException e) {
      throw new ConferenceInfoException("not well-formed XML: " + e.getMessage(), e);
    }
  }

  /**
   * The document's text: UTF-8, a byte order mark dropped. Decoded here rather than by the XML
   * parser, which would also print its encoding errors on standard error; an encoding the XML
   * declaration names is then not used.
   */
  private static String utf8(byte[] xml) {
    int start = xml.length >= 3 && (xml[0] & 0xFF) == 0xEF && (xml[1] & 0xFF) == 0xBB
        && (xml[2] & 0xFF) == 0xBF ? 3 : 0;
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(xml, start, xml.length - start)).toString();
    } catch (CharacterCodingException e) {
      throw new ConferenceInfoException("not UTF-8: " + e.getMessage(), e);
    }
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    return f;
  }

  /** conference-info: the root, with entity and version required, state full by default. */
  private ConferenceInfo document() throws XMLStreamException {
    while (true) {
      int event = r.next();
      if (event == XMLStreamConstants.DTD) {
        throw new ConferenceInfoException("a DTD is not allowed");
      }
      if (event == XMLStreamConstants.START_ELEMENT) {
        break;
      }
      if (event == XMLStreamConstants.END_DOCUMENT) {
        throw new ConferenceInfoException("no root element");
      }
    }
    depth = 1;
    if (!ours() || !r.getLocalName().equals("conference-info")) {
      throw new ConferenceInfoException("root element is not conference-info: " + r.getName());
    }
    String entity = attribute("entity");
    if (entity == null) {
      throw new ConferenceInfoException("conference-info without entity");
    }
    String versionText = attribute("version");
    if (versionText == null) {
      throw new ConferenceInfoException("conference-info without version");
    }
    ConferenceInfo.Builder b = ConferenceInfo.builder(entity, version(versionText));
    State docState = state("conference-info");
    b.state(docState);
    while (nextChild()) {
      switch (known()) {
        case "conference-description" -> description(b);
        case "conference-state" -> conferenceState(b);
        case "users" -> {
          String written = attribute("state");
          State s = written == null
              ? (docState == State.FULL ? State.FULL : State.PARTIAL) : state("users");
          b.usersState(s);
          while (nextChild()) {
            if (known().equals("user")) {
              if (++userCount > limits.maxUsers()) {
                throw new ConferenceInfoException("more than " + limits.maxUsers() + " users");
              }
              b.addUser(user());
            } else {
              skip();
            }
          }
        }
        default -> skip();
      }
    }
    return b.build();
  }

  private void description(ConferenceInfo.Builder b) throws XMLStreamException {
    while (nextChild()) {
      switch (known()) {
        case "display-text" -> b.displayText(text());
        case "subject" -> b.subject(text());
        case "conf-uris" -> {
          int entries = 0;
          while (nextChild()) {
            if (known().equals("entry")) {
              if (++entries > limits.maxListEntries()) {
                throw new ConferenceInfoException("more than " + limits.maxListEntries()
                    + " conf-uris entries");
              }
              b.addConfUri(confUri());
            } else {
              skip();
            }
          }
        }
        default -> skip();
      }
    }
  }

  private ConfUri confUri() throws XMLStreamException {
    String uri = null;
    String displayText = null;
    String purpose = null;
    while (nextChild()) {
      switch (known()) {
        case "uri" -> uri = text();
        case "display-text" -> displayText = text();
        case "purpose" -> purpose = text();
        default -> skip();
      }
    }
    if (uri == null) {
      throw new ConferenceInfoException("conf-uris entry without uri");
    }
    return new ConfUri(uri, displayText, purpose);
  }

  private void conferenceState(ConferenceInfo.Builder b) throws XMLStreamException {
    while (nextChild()) {
      switch (known()) {
        case "user-count" -> {
          String t = text();
          try {
            b.userCount(t == null ? null : Integer.valueOf(t));
          } catch (IllegalArgumentException e) { // NumberFormatException or negative
            throw new ConferenceInfoException("bad user-count: " + t, e);
          }
        }
        case "active" -> b.active(bool("active", text()));
        case "locked" -> b.locked(bool("locked", text()));
        default -> skip();
      }
    }
  }

  private User user() throws XMLStreamException {
    String entity = attribute("entity");
    if (entity == null) {
      throw new ConferenceInfoException("user without entity");
    }
    User.Builder u = User.builder(entity).state(state("user"));
    int endpoints = 0;
    while (nextChild()) {
      switch (known()) {
        case "display-text" -> u.displayText(text());
        case "roles" -> {
          int roles = 0;
          while (nextChild()) {
            if (known().equals("entry")) {
              String role = text();
              if (++roles > limits.maxListEntries()) {
                throw new ConferenceInfoException("more than " + limits.maxListEntries()
                    + " roles in user " + entity);
              }
              if (role != null) {
                u.addRole(role);
              }
            } else {
              skip();
            }
          }
        }
        case "endpoint" -> {
          if (++endpoints > limits.maxEndpointsPerUser()) {
            throw new ConferenceInfoException("more than " + limits.maxEndpointsPerUser()
                + " endpoints in user " + entity);
          }
          u.addEndpoint(endpoint());
        }
        default -> skip();
      }
    }
    return u.build();
  }

  private Endpoint endpoint() throws XMLStreamException {
    String entity = attribute("entity");
    if (entity == null) {
      throw new ConferenceInfoException("endpoint without entity");
    }
    Endpoint.Builder e = Endpoint.builder(entity).state(state("endpoint"));
    int media = 0;
    while (nextChild()) {
      switch (known()) {
        case "display-text" -> e.displayText(text());
        case "status" -> e.status(EndpointStatus.fromWire(text()));
        case "joining-method" -> e.joiningMethod(text());
        case "joining-info" -> {
          while (nextChild()) {
            if (known().equals("when")) {
              e.joiningWhen(dateTime(text()));
            } else {
              skip();
            }
          }
        }
        case "disconnection-method" -> e.disconnectionMethod(text());
        case "media" -> {
          if (++media > limits.maxMediaPerEndpoint()) {
            throw new ConferenceInfoException("more than " + limits.maxMediaPerEndpoint()
                + " media in endpoint " + entity);
          }
          e.addMedia(media());
        }
        default -> skip();
      }
    }
    return e.build();
  }

  private Media media() throws XMLStreamException {
    String id = attribute("id");
    if (id == null) {
      throw new ConferenceInfoException("media without id");
    }
    String displayText = null;
    String type = null;
    String label = null;
    String srcId = null;
    MediaStatus status = null;
    while (nextChild()) {
      switch (known()) {
        case "display-text" -> displayText = text();
        case "type" -> type = text();
        case "label" -> label = text();
        case "src-id" -> srcId = text();
        case "status" -> status = MediaStatus.fromWire(text());
        default -> skip();
      }
    }
    return new Media(id, displayText, type, label, srcId, status);
  }

  // ---- the event walk

  /**
   * Moves to the next child element of the current one and answers true, or to the current
   * one's end tag and answers false. Text between children (whitespace, comments) is passed.
   */
  private boolean nextChild() throws XMLStreamException {
    while (true) {
      switch (r.next()) {
        case XMLStreamConstants.START_ELEMENT -> {
          if (++depth > limits.maxDepth()) {
            throw new ConferenceInfoException("elements nested deeper than " + limits.maxDepth());
          }
          return true;
        }
        case XMLStreamConstants.END_ELEMENT -> {
          depth--;
          return false;
        }
        case XMLStreamConstants.DTD -> throw new ConferenceInfoException("a DTD is not allowed");
        case XMLStreamConstants.END_DOCUMENT -> throw new ConferenceInfoException("unexpected end");
        default -> { } // characters, comments, processing instructions
      }
    }
  }

  /** The current element's local name if it is in our namespace (or none), else "". */
  private String known() {
    return ours() ? r.getLocalName() : "";
  }

  private boolean ours() {
    String ns = r.getNamespaceURI();
    return ns == null || ns.isEmpty() || ns.equals(ConferenceInfo.NAMESPACE);
  }

  /** Skips the current element and everything in it. */
  private void skip() throws XMLStreamException {
    while (nextChild()) {
      skip();
    }
  }

  /** The current element's text, trimmed (child elements skipped), or null when empty. */
  private String text() throws XMLStreamException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      switch (r.next()) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE,
            XMLStreamConstants.ENTITY_REFERENCE -> sb.append(r.getText());
        case XMLStreamConstants.START_ELEMENT -> {
          if (++depth > limits.maxDepth()) {
            throw new ConferenceInfoException("elements nested deeper than " + limits.maxDepth());
          }
          skip();
        }
        case XMLStreamConstants.END_ELEMENT -> {
          depth--;
          String t = sb.toString().strip();
          return t.isEmpty() ? null : t;
        }
        case XMLStreamConstants.END_DOCUMENT -> throw new ConferenceInfoException("unexpected end");
        default -> { }
      }
    }
  }

  private String attribute(String name) {
    String v = r.getAttributeValue(null, name);
    if (v == null) {
      return null;
    }
    v = v.strip();
    return v.isEmpty() ? null : v;
  }

  private State state(String element) {
    String v = attribute("state");
    if (v == null) {
      return State.FULL; // the schema's default
    }
    State s = State.fromWire(v);
    if (s == null) {
      throw new ConferenceInfoException("bad state of " + element + ": " + v);
    }
    return s;
  }

  private static long version(String text) {
    try {
      long v = Long.parseLong(text);
      if (v >= 0 && v <= 0xFFFFFFFFL) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConferenceInfoException("bad version: " + text);
  }

  private static Boolean bool(String element, String text) {
    if (text == null) {
      return null;
    }
    return switch (text) {
      case "true", "1" -> Boolean.TRUE;
      case "false", "0" -> Boolean.FALSE;
      default -> throw new ConferenceInfoException("bad " + element + ": " + text);
    };
  }

  /** An xs:dateTime; one without a zone is taken as UTC. */
  private static Instant dateTime(String text) {
    if (text == null) {
      return null;
    }
    try {
      TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parse(text);
      if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
        return Instant.from(t);
      }
      return LocalDateTime.from(t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw new ConferenceInfoException("bad when: " + text, e);
    }
  }
}
