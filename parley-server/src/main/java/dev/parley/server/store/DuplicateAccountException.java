package dev.parley.server.store;

/** An account was added that already exists in its domain. */
public final class DuplicateAccountException extends StoreException {
  private final String username;

  /** For {@code username} in {@code domain}. */
  public DuplicateAccountException(String username, String domain) {
    super("user already exists: " + username + "@" + domain);
    this.username = username;
  }

  /** The username that exists already. */
  public String username() {
    return username;
  }
}
