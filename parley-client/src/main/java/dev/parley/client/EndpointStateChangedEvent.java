package dev.parley.client;

import java.util.Objects;
import java.util.Optional;

/**
 * An endpoint changed state (UCCAPI's {@code OnEnable}/{@code OnDisable} progress).
 *
 * @param oldState the state before
 * @param newState the state now
 * @param failureOrNull why, when the change was caused by a failure (sign-in refused, registration
 *     lost); null otherwise. Read it with {@link #failure()}.
 */
public record EndpointStateChangedEvent(EndpointState oldState, EndpointState newState,
    SignInException failureOrNull) {
  /** Validates the parts. */
  public EndpointStateChangedEvent {
    Objects.requireNonNull(oldState, "oldState");
    Objects.requireNonNull(newState, "newState");
  }

  /** The failure that caused this change, if any. */
  public Optional<SignInException> failure() {
    return Optional.ofNullable(failureOrNull);
  }
}
