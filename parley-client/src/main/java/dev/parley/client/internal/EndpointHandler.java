package dev.parley.client.internal;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.transaction.ServerTransaction;

/**
 * What an endpoint's user agent core hands up, passed to its {@link DefaultSessionManager}; runs
 * on event loops, never blocks.
 */
final class EndpointHandler implements UserAgent.Handler {
  private final DefaultSessionManager sessions;
  private final DefaultEndpoint endpoint;

  EndpointHandler(DefaultSessionManager sessions, DefaultEndpoint endpoint) {
    this.sessions = sessions;
    this.endpoint = endpoint;
  }

  @Override
  public void onInvite(IncomingInvite invite) {
    sessions.onInvite(invite);
  }

  @Override
  public void onDialogEnded(Dialog dialog, SipRequest bye) {
    sessions.onDialogEnded(dialog, bye);
  }

  @Override
  public void onReInvite(Dialog dialog, IncomingInvite invite) {
    sessions.onReInvite(dialog, invite);
  }

  @Override
  public void onRequest(ServerTransaction transaction, SipRequest request) {
    if (request.method().equals(SipMethod.MESSAGE)) {
      sessions.onMessage(transaction, request);
    } else {
      endpoint.ua.answerByDefault(transaction, request); // the default answer, with our Server
    }
  }

  @Override
  public void onDialogRequest(Dialog dialog, ServerTransaction transaction, SipRequest request) {
    sessions.onDialogRequest(dialog, transaction, request);
  }
}
