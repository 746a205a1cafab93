package dev.parley.sip;

import java.util.Objects;

/**
 * The Event header (RFC 6665 §8.2.1): an event package name and its parameters ({@code id}).
 *
 * @param type the event type ("conference", "refer", "presence", ...)
 * @param parameters event-params, values as written
 */
public record Event(String type, Parameters parameters) {
  /** Validates the parts. */
  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(parameters, "parameters");
  }

  /** The id parameter, or null. */
  public String id() {
    return parameters.get("id");
  }

  @Override
  public String toString() {
    return type + parameters;
  }
}
