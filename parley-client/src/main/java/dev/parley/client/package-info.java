/**
 * The Parley client API: UCCAPI's model (endpoints, the session manager, session invitations,
 * sessions and participants) over standard SIP.
 *
 * <p>Start with {@link dev.parley.client.Endpoint#builder(String)}; see {@code docs/client.md}.
 * Application callbacks never run on a network thread; each endpoint delivers its events serially,
 * in order, on its own executor.
 */
package dev.parley.client;
