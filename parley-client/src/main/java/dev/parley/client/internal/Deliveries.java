package dev.parley.client.internal;

import dev.parley.client.DeliveryResult;
import dev.parley.client.ParticipantState;
import dev.parley.dialog.SipFailure;
import dev.parley.sip.SipResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Content sent to a session's participants (messages, INFO, is-composing): one
 * {@link DeliveryResult} per participant, made of the final response or of why nothing was
 * delivered. Used by every session type that sends content; stateless.
 */
final class Deliveries {
  private Deliveries() {}

  /**
   * Sends to each of {@code targets} with {@code sender} (participants not CONNECTED get status 0
   * and nothing is sent); completes on {@code endpoint}'s executor with one result per target,
   * never fails.
   */
  static CompletableFuture<List<DeliveryResult>> toAll(DefaultEndpoint endpoint,
      List<DefaultParticipant> targets,
      Function<DefaultParticipant, CompletableFuture<DeliveryResult>> sender) {
    List<CompletableFuture<DeliveryResult>> each = new ArrayList<>(targets.size());
    for (DefaultParticipant p : targets) {
      if (p.state() != ParticipantState.CONNECTED) {
        each.add(CompletableFuture.completedFuture(
            new DeliveryResult(p, 0, "not sent: the participant is " + p.state())));
      } else {
        CompletableFuture<DeliveryResult> f;
        try {
          f = sender.apply(p);
        } catch (RuntimeException e) {
          f = CompletableFuture.completedFuture(result(p, null, e));
        }
        each.add(f);
      }
    }
    CompletableFuture<List<DeliveryResult>> all = new CompletableFuture<>();
    CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
      List<DeliveryResult> results = new ArrayList<>(each.size());
      for (CompletableFuture<DeliveryResult> f : each) {
        results.add(f.join());
      }
      endpoint.complete(all, List.copyOf(results));
      endpoint.kick();
    });
    return all;
  }

  /** The delivery result of a final response or a failure. */
  static DeliveryResult result(DefaultParticipant p, SipResponse response, Throwable error) {
    if (response != null) {
      return new DeliveryResult(p, response.statusCode(), response.reasonPhrase());
    }
    Throwable cause = Registration.unwrap(error);
    if (cause instanceof SipFailure f) {
      return new DeliveryResult(p, f.statusCode(), String.valueOf(f.getMessage()));
    }
    if (cause instanceof IllegalStateException) {
      return new DeliveryResult(p, 481, "the dialog has ended: " + cause.getMessage());
    }
    return new DeliveryResult(p, 500, "not sent: " + cause);
  }
}
