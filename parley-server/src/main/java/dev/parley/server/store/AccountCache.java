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
 * <p>Compact (issue 16): per account only the username and one array of the three HA1 values as
 * raw bytes (16 + 32 + 32), not an {@link Account} with its domain and three hex strings (about
 * 170 bytes per account instead of 470); the hex an authentication needs is rebuilt on each call.
 * An account whose HA1 values are not lower-case hex of the expected lengths (never written by
 * Parley, possible in a hand-edited store) is kept as its {@link Account}, so it verifies as
 * before.
 *
 * <p>Thread-safe: readers see an immutable map swapped in whole.
 */
public final class AccountCache implements CredentialStore {
  private static final int MD5_BYTES = 16;
  private static final int SHA256_BYTES = 32;
  private static final int PACKED_BYTES = MD5_BYTES + 2 * SHA256_BYTES;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final Store store;
  private final String domain;
  /** Username to its packed HA1 values (a byte[]) or, for odd ones, its {@link Account}. */
  private volatile Map<String, Object> accounts = Map.of();
  /** Users marked admin, and users disabled (few: sets of names, swapped in with the map). */
  private volatile java.util.Set<String> admins = java.util.Set.of();
  private volatile java.util.Set<String> disabled = java.util.Set.of();
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
    Map<String, Object> next = new HashMap<>();
    java.util.Set<String> nextAdmins = new java.util.HashSet<>();
    java.util.Set<String> nextDisabled = new java.util.HashSet<>();
    for (Account a : store.accounts(domain)) {
      byte[] packed = pack(a);
      next.put(a.username(), packed != null ? packed : a);
      if (a.admin()) {
        nextAdmins.add(a.username());
      }
      if (a.disabled()) {
        nextDisabled.add(a.username());
      }
    }
    accounts = Map.copyOf(next);
    admins = java.util.Set.copyOf(nextAdmins);
    disabled = java.util.Set.copyOf(nextDisabled);
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

  /** Whether {@code username}'s account is marked admin in the store. */
  public boolean isAdmin(String username) {
    return admins.contains(username);
  }

  /**
   * Whether {@code username}'s account is disabled: the registrar and the proxy answer its
   * authenticated requests 403.
   */
  public boolean isDisabled(String username) {
    return disabled.contains(username);
  }

  /** The users of the domain, sorted (for the admin page; a copy). */
  public java.util.List<String> usernames() {
    return accounts.keySet().stream().sorted().toList();
  }

  @Override
  public String ha1(String username, String realm, DigestAlgorithm algorithm) {
    if (!realm.equalsIgnoreCase(domain)) {
      return null;
    }
    Object entry = accounts.get(username);
    if (entry instanceof byte[] packed) {
      return switch (algorithm.base()) {
        case MD5 -> hex(packed, 0, MD5_BYTES);
        case SHA_256 -> hex(packed, MD5_BYTES, SHA256_BYTES);
        case SHA_512_256 -> hex(packed, MD5_BYTES + SHA256_BYTES, SHA256_BYTES);
        default -> null;
      };
    }
    return entry == null ? null : ((Account) entry).ha1(algorithm);
  }

  /** The three HA1 values as raw bytes, or null if one is not lower-case hex of its length. */
  static byte[] pack(Account a) {
    byte[] out = new byte[PACKED_BYTES];
    if (unhex(a.ha1Md5(), out, 0, MD5_BYTES) && unhex(a.ha1Sha256(), out, MD5_BYTES, SHA256_BYTES)
        && unhex(a.ha1Sha512256(), out, MD5_BYTES + SHA256_BYTES, SHA256_BYTES)) {
      return out;
    }
    return null;
  }

  private static boolean unhex(String hex, byte[] out, int at, int bytes) {
    if (hex.length() != 2 * bytes) {
      return false;
    }
    for (int i = 0; i < bytes; i++) {
      int hi = digit(hex.charAt(2 * i));
      int lo = digit(hex.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        return false;
      }
      out[at + i] = (byte) (hi << 4 | lo);
    }
    return true;
  }

  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }

  private static String hex(byte[] b, int at, int bytes) {
    char[] out = new char[2 * bytes];
    for (int i = 0; i < bytes; i++) {
      out[2 * i] = HEX[(b[at + i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[b[at + i] & 0xf];
    }
    return new String(out);
  }
}
