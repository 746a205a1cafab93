package dev.parley.server.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Adds many accounts at once from a CSV file of {@code user,password} lines, as
 * {@code parley user import} does.
 *
 * <p>Format: UTF-8; one account per line; the password is everything after the first comma (no
 * quoting, so it may hold commas); blank lines and lines starting with {@code #} are skipped; a
 * first line {@code user,password} is taken for a header. The whole file is checked before
 * anything is written, the HA1 values are computed in parallel, and the accounts are inserted in
 * one transaction: a file imports completely or not at all.
 *
 * <p>Stateless and thread-safe.
 */
public final class AccountImporter {
  /** Receives progress while a file is imported. */
  @FunctionalInterface
  public interface Progress {
    /** {@code done} of {@code total} accounts went through {@code phase} ("read", "hashed", "stored"). */
    void report(String phase, int done, int total);
  }

  /**
   * A line of the file is wrong, or names a user that exists already.
   */
  public static final class CsvException extends RuntimeException {
    private final int line;

    /** For the 1-based {@code line}. */
    public CsvException(Path file, int line, String message) {
      super(file + ":" + line + ": " + message);
      this.line = line;
    }

    /** The 1-based line number. */
    public int line() {
      return line;
    }
  }

  /** What an import did. */
  public record Result(int imported, long millis) {}

  private AccountImporter() {}

  /**
   * Checks that {@code username} can be a SIP user part and a CSV field.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static void checkUsername(String username) {
    Objects.requireNonNull(username, "username");
    if (username.isEmpty()) {
      throw new IllegalArgumentException("username is empty");
    }
    if (username.length() > 255) {
      throw new IllegalArgumentException("username longer than 255 characters");
    }
    for (int i = 0; i < username.length(); i++) {
      char c = username.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-_.!~*'()&=+$;?/".indexOf(c) >= 0;
      if (!ok) {
        throw new IllegalArgumentException("username '" + username + "' has a character not"
            + " allowed in a SIP user part: '" + c + "'");
      }
    }
  }

  /**
   * Imports {@code file} into {@code domain} of {@code store}.
   *
   * @throws CsvException naming the line of the first bad entry, duplicate within the file, or
   *     user that exists already (nothing is written then)
   * @throws IOException if the file cannot be read
   * @throws StoreException if the store fails
   */
  public static Result importCsv(Path file, String domain, Store store, Progress progress)
      throws IOException {
    long start = System.nanoTime();
    List<String> users = new ArrayList<>();
    List<String> passwords = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    Map<String, Integer> firstLine = new HashMap<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int n = 0;
      for (String line; (line = r.readLine()) != null; ) {
        n++;
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        if (n == 1 && t.equalsIgnoreCase("user,password")) {
          continue;
        }
        int comma = line.indexOf(',');
        if (comma < 0) {
          throw new CsvException(file, n, "expected user,password");
        }
        String user = line.substring(0, comma).strip();
        String password = line.substring(comma + 1);
        try {
          checkUsername(user);
        } catch (IllegalArgumentException e) {
          throw new CsvException(file, n, e.getMessage());
        }
        if (password.isEmpty()) {
          throw new CsvException(file, n, "empty password for " + user);
        }
        Integer earlier = firstLine.putIfAbsent(user, n);
        if (earlier != null) {
          throw new CsvException(file, n, "user " + user + " already on line " + earlier);
        }
        users.add(user);
        passwords.add(password);
        lines.add(n);
      }
    } catch (CharacterCodingException e) {
      throw new IOException(file + ": not UTF-8 text", e);
    }
    int total = users.size();
    progress.report("read", total, total);
    Account[] accounts = new Account[total];
    IntStream.range(0, total).parallel().forEach(i ->
        accounts[i] = Account.withPassword(domain, users.get(i), passwords.get(i)));
    progress.report("hashed", total, total);
    try {
      store.addAccounts(List.of(accounts));
    } catch (DuplicateAccountException e) {
      throw new CsvException(file, firstLine.get(e.username()),
          "user " + e.username() + " already exists in " + domain);
    }
    progress.report("stored", total, total);
    return new Result(total, (System.nanoTime() - start) / 1_000_000);
  }
}
