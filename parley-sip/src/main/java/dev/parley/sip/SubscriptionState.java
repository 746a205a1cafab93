package dev.parley.sip;

import java.util.Objects;

/**
 * The Subscription-State header (RFC 6665 §8.2.3): active, pending or terminated, with expires,
 * reason and retry-after parameters.
 *
 * @param state the substate-value as written
 * @param parameters subexp-params, values as written
 */
public record SubscriptionState(String state, Parameters parameters) {
  /** Validates the parts. */
  public SubscriptionState {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(parameters, "parameters");
  }

  /** Whether the state is "terminated". */
  public boolean isTerminated() {
    return state.equalsIgnoreCase("terminated");
  }

  /** The expires parameter, or -1 when absent. */
  public long expires() {
    String v = parameters.get("expires");
    return v == null ? -1 : Header.parseDeltaSeconds(v);
  }

  /** The reason parameter, or null. */
  public String reason() {
    return parameters.get("reason");
  }

  @Override
  public String toString() {
    return state + parameters;
  }
}
