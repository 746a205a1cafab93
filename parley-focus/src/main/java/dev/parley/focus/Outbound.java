package dev.parley.focus;

import dev.parley.sip.Address;
import dev.parley.sip.Uri;
import dev.parley.transport.Hop;

/**
 * How the focus sends the requests it starts (a dial-out INVITE): through the server's own
 * proxy, which locates the target (bindings, forking, NAT) and record-routes the dialog. The
 * server gives the focus its own listen point as the hop and a Route that the proxy accepts as
 * its own (signed with the server's route secret), so the request needs no credentials and
 * nobody else can forge one.
 */
public interface Outbound {
  /** Where the focus sends: one of the server's own listen points. */
  Hop hop();

  /**
   * The Route to put on a request the focus starts, for its Call-ID, From tag and Request-URI;
   * the proxy takes a request bearing it as from the server itself.
   */
  Address route(String callId, String fromTag, Uri target);
}
