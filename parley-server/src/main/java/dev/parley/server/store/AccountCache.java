package dev.parley.server.store;

import dev.parley.auth.CredentialStore;
import dev.parley.auth.DigestAlgorithm;
import java.util.HashMap;
import java.util.Map;

/**
 * The accounts of one domain held in memory, so that digest verification on an event loop never
 * touches the database. {@link #refresh()} (called off the loops, on a timer) reloads them when
 * {@link Store#accountsVersion()} says that something changed, which is how accounts edited by
 * {@code parley user} in another process reach a running server.
 *
 * <p>Thread-safe: readers see an immutable map swapped in whole.
 */
public final class AccountCache implements CredentialStore {
  private final Store store;
  private final String domain;
  private volatile Map<String, Account> accounts = Map.of();
  private long version = Long.MIN_VALUE;

  /** A cache of {@code domain}'s accounts in {@code store}; empty until {@link #refresh()}. */
  public AccountCache(Store store, String domain) {
    this.store = store;
    this.domain = domain;
  }

  /**
   * Reloads the accounts if the store's version changed since the last load. Blocks on the store.
   *
   * @return whether it reloaded
   */
  public synchronized boolean refresh() {
    long v = store.accountsVersion();
    if (v == version) {
      return false;
    }
    Map<String, Account> next = new HashMap<>();
    for (Account a : store.accounts(domain)) {
      next.put(a.username(), a);
    }
    accounts = Map.copyOf(next);
    version = v;
    return true;
  }

  /** How many accounts are loaded. */
  public int size() {
    return accounts.size();
  }

  /** Whether {@code username} has an account in the domain. */
  public boolean contains(String username) {
    return accounts.containsKey(username);
  }

  @Override
  public String ha1(String username, String realm, DigestAlgorithm algorithm) {
    if (!realm.equalsIgnoreCase(domain)) {
      return null;
    }
    Account a = accounts.get(username);
    return a == null ? null : a.ha1(algorithm);
  }
}
