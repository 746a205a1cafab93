package dev.parley.client.internal;

import dev.parley.client.ApplicationData;
import dev.parley.client.ApplicationSession;
import dev.parley.client.DeliveryResult;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.transaction.ServerTransaction;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link ApplicationSession}: data goes out as INFO in the dialog; INFO or MESSAGE with a body
 * that comes in is delivered as data.
 */
final class DefaultApplicationSession extends DefaultSession implements ApplicationSession {
  private volatile ApplicationData invitationData;

  DefaultApplicationSession(DefaultEndpoint endpoint, SessionContext context, boolean incoming) {
    super(endpoint, SessionType.APPLICATION, context, incoming);
  }

  /** The INVITE's body of a registered content type (set before the invitation is delivered). */
  void invitationData(ApplicationData data) {
    this.invitationData = data;
  }

  @Override
  public Optional<ApplicationData> invitationData() {
    return Optional.ofNullable(invitationData);
  }

  @Override
  public CompletableFuture<List<DeliveryResult>> sendData(byte[] data, MediaType contentType) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(contentType, "contentType");
    List<DefaultParticipant> targets;
    synchronized (endpoint.lock) {
      if (isTerminated()) {
        throw new IllegalStateException("the session has ended");
      }
      targets = remotesLocked();
    }
    byte[] copy = data.clone();
    String conversation = conversationId();
    return Deliveries.toAll(endpoint, targets,
        p -> p.sendInDialog(SipMethod.INFO, copy, contentType, conversation));
  }

  @Override
  void onDialogRequest(DefaultParticipant p, ServerTransaction tx, SipRequest request) {
    boolean data = (request.method().equals(SipMethod.INFO)
        || request.method().equals(SipMethod.MESSAGE))
        && request.bodyLength() > 0 && request.contentType() != null;
    if (!data) {
      super.onDialogRequest(p, tx, request);
      return;
    }
    ApplicationData d = new ApplicationData(p, request.contentType(), request.body(), Instant.now());
    synchronized (endpoint.lock) {
      endpoint.deliver(listeners, l -> {
        if (l instanceof ApplicationSession.Listener a) {
          a.onDataReceived(this, d);
        }
      });
    }
    tx.respond(endpoint.ua.response(request, 200).build());
    endpoint.kick();
  }
}
