package dev.parley.server.web;

import java.util.concurrent.CompletableFuture;

/**
 * What the admin page needs from the server: who may sign in, what to show, and the actions.
 * {@code SipServer} implements it over its registrar, proxy, store and limiter.
 *
 * <p>Called on the web listener's event loops: the methods that return values read memory only
 * and never block; the actions that touch the store return futures completed off the loops.
 */
public interface AdminBackend {
  /**
   * Whether {@code user} signs in with {@code password} and is an admin (marked admin in the
   * store or listed in {@code web.admins}) whose account is not disabled; checked against the
   * stored digest HA1 in memory, in constant time.
   *
   * @return {@link SignIn#OK}, {@link SignIn#NOT_ADMIN} (the password is right) or
   *     {@link SignIn#FAILED}
   */
  SignIn signIn(String user, String password);

  /** Whether {@code user} is an admin now, with an account that is not disabled. */
  boolean isAdmin(String user);

  /** The server's status ({@code GET /status} of the status endpoint), as JSON. */
  String statusJson();

  /**
   * What the admin page lists beyond the status, as one JSON object: {@code registrations}
   * (AOR, contact, key, user agent, source, seconds left), {@code calls} (call-ID, from, to,
   * since), {@code offline} (user, messages, bytes), {@code blocked} (source, seconds left),
   * {@code accounts} (user, admin, disabled); each list bounded.
   */
  String stateJson();

  /**
   * Removes the binding of {@code user} with {@code key} ({@code Binding.key()}).
   *
   * @return whether there was one
   */
  CompletableFuture<Boolean> removeBinding(String user, String key);

  /**
   * Disables (or enables) {@code user}'s account: a disabled account's requests are refused
   * 403 after digest authentication, and its bindings are removed.
   *
   * @return whether the account exists
   */
  CompletableFuture<Boolean> setDisabled(String user, boolean disabled);

  /** The outcome of a sign-in. */
  enum SignIn { OK, NOT_ADMIN, FAILED }
}
