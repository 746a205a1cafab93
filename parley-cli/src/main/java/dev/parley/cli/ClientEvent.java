package dev.parley.cli;

import dev.parley.json.JsonWriter;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One event of {@code parley client}: what {@code --json} prints as one JSON line and the text
 * mode as one line of plain words (docs/cli.md, "JSON events"; a stable interface).
 *
 * <p>Immutable. Field values are strings, numbers (a {@code Double} is written as a fraction),
 * booleans, null, or lists of maps of those (the participants of a {@code session} listing).
 */
final class ClientEvent {
  /** Event names (the {@code "event"} field). */
  static final String ENABLED = "enabled";
  static final String ENABLE_FAILED = "enable_failed";
  static final String DISABLED = "disabled";
  static final String INCOMING = "incoming";
  static final String STATE = "state";
  static final String MESSAGE = "message";
  static final String COMPOSING = "composing";
  static final String SENT = "sent";
  static final String ENDED = "ended";
  static final String ERROR = "error";
  static final String SESSION = "session";
  static final String DTMF = "dtmf";
  static final String MEDIA = "media";
  static final String HOLD = "hold";
  static final String CONFERENCE = "conference";
  static final String ROSTER = "roster";

  /** Every name a {@code wait} may name. */
  static final List<String> NAMES = List.of(ENABLED, ENABLE_FAILED, DISABLED, INCOMING, STATE,
      MESSAGE, COMPOSING, SENT, ENDED, ERROR, DTMF, MEDIA, HOLD, CONFERENCE, ROSTER);

  private final String name;
  private final Instant time;
  private final Map<String, Object> fields;
  private final String text;

  private ClientEvent(String name, Instant time, Map<String, Object> fields, String text) {
    this.name = name;
    this.time = time;
    this.fields = fields;
    this.text = text;
  }

  /** A builder of the event {@code name}, stamped now. */
  static Builder of(String name) {
    return new Builder(name);
  }

  String name() {
    return name;
  }

  Object get(String field) {
    return fields.get(field);
  }

  /** The session id, or 0 for events of the endpoint. */
  int session() {
    return fields.get("session") instanceof Integer i ? i : 0;
  }

  /**
   * Whether {@code value} (from {@code wait NAME:VALUE}) matches this event's key field, ignoring
   * case: the state of {@code state}, the reason or cause of {@code ended}, the text of
   * {@code message}, {@code on}/{@code off} for {@code composing}, the type of {@code incoming},
   * the status of {@code sent}, the reason of {@code enable_failed}, the digit of {@code dtmf},
   * the codec of {@code media}, {@code on}/{@code off} for {@code hold} (on: either side holds).
   */
  boolean matches(String value) {
    if (value == null) {
      return true;
    }
    List<String> keys = switch (name) {
      case STATE -> List.of("state", "cause", "reason");
      case ENDED -> List.of("reason", "cause");
      case MESSAGE -> List.of("text");
      case INCOMING -> List.of("type");
      case SENT -> List.of("status");
      case ENABLE_FAILED -> List.of("reason");
      case ERROR -> List.of("command");
      case DTMF -> List.of("digit");
      case MEDIA -> List.of("codec");
      case CONFERENCE -> List.of("uri");
      default -> List.of();
    };
    if (name.equals(COMPOSING)) {
      return value.equalsIgnoreCase(Boolean.TRUE.equals(fields.get("composing")) ? "on" : "off");
    }
    if (name.equals(HOLD)) {
      boolean held = Boolean.TRUE.equals(fields.get("onHold"))
          || Boolean.TRUE.equals(fields.get("heldByPeer"));
      return value.equalsIgnoreCase(held ? "on" : "off");
    }
    for (String k : keys) {
      Object v = fields.get(k);
      if (v != null && String.valueOf(v).equalsIgnoreCase(value)) {
        return true;
      }
    }
    return false;
  }

  /** The JSON line: {@code {"event":NAME,"time":...,FIELDS...}}. */
  String toJson() {
    JsonWriter json = new JsonWriter().beginObject()
        .field("event", name).field("time", time.toString());
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      json.name(e.getKey());
      value(json, e.getValue());
    }
    return json.endObject().toString();
  }

  @SuppressWarnings("unchecked")
  private static void value(JsonWriter json, Object v) {
    if (v == null) {
      json.value((String) null);
    } else if (v instanceof Boolean b) {
      json.value(b);
    } else if (v instanceof Double || v instanceof Float) {
      json.value(((Number) v).doubleValue());
    } else if (v instanceof Number n) {
      json.value(n.longValue());
    } else if (v instanceof List<?> list) {
      json.beginArray();
      for (Object item : list) {
        value(json, item);
      }
      json.endArray();
    } else if (v instanceof Map<?, ?> map) {
      json.beginObject();
      for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
        json.name(e.getKey());
        value(json, e.getValue());
      }
      json.endObject();
    } else {
      json.value(v.toString());
    }
  }

  /** The line of plain words, prefixed {@code #ID } for a session's events. */
  String toText() {
    int id = session();
    return id > 0 ? "#" + id + " " + text : text;
  }

  @Override
  public String toString() {
    return toJson();
  }

  /** Words for a session type: {@code instant messaging}, {@code audio/video}... */
  static String words(dev.parley.client.SessionType type) {
    return switch (type) {
      case INSTANT_MESSAGING -> "instant messaging";
      case AUDIO_VIDEO -> "audio/video";
      case CONFERENCE -> "conference";
      case APPLICATION -> "application";
    };
  }

  /** Words for an enum constant: {@code REMOTE_HANGUP} becomes {@code remote hangup}. */
  static String words(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** Text with control characters made visible, so a message cannot forge output lines. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Builds a {@link ClientEvent}; fields keep the order they are put in. */
  static final class Builder {
    private final String name;
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private String text;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    Builder put(String field, Object value) {
      fields.put(field, value);
      return this;
    }

    /** The plain-words line (without the {@code #ID} prefix). */
    Builder text(String text) {
      this.text = text;
      return this;
    }

    ClientEvent build() {
      return new ClientEvent(name, Instant.now(),
          Collections.unmodifiableMap(new LinkedHashMap<>(fields)), text == null ? name : text);
    }
  }
}
