/**
 * Digest access authentication for SIP (RFC 3261 §22, RFC 7616, RFC 8760), client and server side.
 *
 * <p>Client side: {@link dev.parley.auth.DigestClient} answers a 401/407 challenge with
 * Authorization or Proxy-Authorization credentials, using a {@link
 * dev.parley.auth.UserSecret} found through a {@link
 * dev.parley.auth.CredentialsProvider}. Server side: {@link
 * dev.parley.auth.DigestAuthenticator} issues self-validating, expiring nonces and verifies
 * credentials against HA1 values from a {@link dev.parley.auth.CredentialStore}, so the
 * server never needs a plaintext password. {@link dev.parley.auth.Ha1} computes the values
 * the server stores.
 */
package dev.parley.auth;
