package dev.parley.server.store;

/**
 * A {@link Store} operation failed: the database could not be opened, migrated, read or written,
 * or an account operation broke a rule ({@link DuplicateAccountException}).
 */
public class StoreException extends RuntimeException {
  /** An exception with a message and the cause (a {@link java.sql.SQLException}, say). */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** An exception with a message. */
  public StoreException(String message) {
    super(message);
  }
}
