package dev.parley.client.internal;

import dev.parley.auth.UserSecret;
import dev.parley.sip.SipUri;
import dev.parley.transport.TransportLayer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What {@link dev.parley.client.Endpoint.Builder} collected (validated there). Not API.
 *
 * @param uri the address of record
 * @param displayName our display name, or null
 * @param secret digest credentials, or null
 * @param server registrar and outbound proxy, or null for peer-to-peer
 * @param transport a transport given by the application, or null
 * @param listen listen points to create a Netty transport on (when {@code transport} is null)
 * @param executor the callback executor, or null for the shared default
 * @param registrationExpiry the expiry we ask for
 * @param invitationTimeout how long an invitation waits before 480
 * @param retryBase first re-registration backoff
 * @param retryMax longest re-registration backoff
 * @param reconnectDelay longest random wait before re-registering after the registration's
 *     connection closed
 * @param composingIdle time without keystrokes before our idle indication (RFC 3994)
 * @param composingRefresh refresh interval of our active indications
 * @param maxPagerSessions most pager-mode peers tracked
 * @param pagerIdle lifetime of a quiet pager session or a remembered pager reject
 * @param traceLimit most messages per session trace; 0 for none
 * @param audio what audio sessions use (sources, sinks, codecs, the media network)
 * @param conferenceFactory where ad hoc conferences are created (RFC 4579)
 * @param userAgent the User-Agent of our requests and Server of our responses; null for none
 */
public record EndpointConfig(SipUri uri, String displayName, UserSecret secret, SipUri server,
    TransportLayer transport, List<String> listen, Executor executor, Duration registrationExpiry,
    Duration invitationTimeout, Duration retryBase, Duration retryMax, Duration reconnectDelay, Duration composingIdle,
    Duration composingRefresh, int maxPagerSessions, Duration pagerIdle, int traceLimit,
    EndpointAudio audio, SipUri conferenceFactory, String userAgent) {}
