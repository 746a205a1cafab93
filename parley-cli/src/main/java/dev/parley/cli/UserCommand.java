package dev.parley.cli;

import dev.parley.server.config.ServerConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.AccountImporter;
import dev.parley.server.store.DuplicateAccountException;
import dev.parley.server.store.Store;
import dev.parley.server.store.StoreException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code parley user}: manages the accounts of the server's store. Passwords are kept only as
 * digest HA1 values (MD5, SHA-256, SHA-512-256) computed with the domain as realm.
 */
@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description = "Adds, changes, removes, lists and imports SIP accounts in the server's store.",
    subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.Remove.class,
        UserCommand.ListUsers.class, UserCommand.Import.class})
final class UserCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing subcommand: add, passwd, remove, list or import");
  }

  /** Options every subcommand takes: where the store is and which domain. */
  static final class StoreOptions {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = ServerConfig.DEFAULT_DATA_DIR,
        description = "The server's data directory (default ./data).")
    Path data;

    @Option(names = "--domain", paramLabel = "NAME",
        description = "The SIP domain (digest realm). Default: the domain recorded in the data "
            + "directory (by the server, or by the first --domain given here), else the host name.")
    String domain;

    Store open() {
      Logging.quietLibraries();
      return Store.embedded(data);
    }

    String domain(Store store) {
      java.util.Optional<String> recorded = store.setting("domain");
      if (domain != null) {
        String d = domain.toLowerCase(java.util.Locale.ROOT);
        if (recorded.isEmpty()) {
          store.setSetting("domain", d); // later commands (and their realm) default to it
        }
        return d;
      }
      return recorded.orElseGet(ServerConfig::defaultDomain);
    }
  }

  /** Common plumbing: output, exit codes, errors. */
  abstract static class Sub implements Callable<Integer> {
    @CommandLine.Mixin StoreOptions store;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    int fail(String message) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("parley user: " + message);
      err.flush();
      return 1;
    }

    @Override
    public final Integer call() throws Exception {
      try (Store s = store.open()) {
        int status = run(s, store.domain(s));
        out().flush();
        return status;
      } catch (StoreException e) {
        return fail(e.getMessage());
      }
    }

    abstract int run(Store s, String domain) throws Exception;

    void checkUsername(String username) {
      try {
        AccountImporter.checkUsername(username);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "USER: " + e.getMessage());
      }
    }
  }

  /** A subcommand that needs a password: from an option, standard input or the console. */
  abstract static class WithPassword extends Sub {
    @Option(names = "--password", paramLabel = "PASSWORD",
        description = "The password (visible to other local users in the process list: prefer "
            + "--password-stdin in scripts).")
    String password;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    String password(String who) throws IOException {
      if (password != null && passwordStdin) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--password and --password-stdin exclude each other");
      }
      String p = password;
      if (passwordStdin) {
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        p = r.readLine();
        if (p == null) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--password-stdin: standard input is empty");
        }
      } else if (p == null) {
        Console console = System.console();
        if (console == null) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "no terminal to ask for the password: give --password or --password-stdin");
        }
        char[] first = console.readPassword("Password for %s: ", who);
        char[] again = console.readPassword("Again: ");
        if (first == null || again == null || !Arrays.equals(first, again)) {
          throw new CommandLine.ParameterException(spec.commandLine(), "the passwords differ");
        }
        p = new String(first);
        Arrays.fill(first, ' ');
        Arrays.fill(again, ' ');
      }
      if (p.isEmpty()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "the password is empty");
      }
      return p;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds an account.")
  static final class Add extends WithPassword {
    @Parameters(paramLabel = "USER", description = "The username (the user part of the AOR).")
    String username;

    @Option(names = "--admin",
        description = "Marks the account admin: it may sign in to the web admin page (/admin).")
    boolean admin;

    @Override
    int run(Store s, String domain) throws IOException {
      checkUsername(username);
      String pw = password(username + "@" + domain);
      try {
        s.addAccount(Account.withPassword(domain, username, pw).withAdmin(admin));
      } catch (DuplicateAccountException e) {
        return fail(e.getMessage());
      }
      out().println("added " + username + "@" + domain + (admin ? " (admin)" : ""));
      return 0;
    }
  }

  @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Changes an account's password.")
  static final class Passwd extends WithPassword {
    @Parameters(paramLabel = "USER", description = "The username.")
    String username;

    @Override
    int run(Store s, String domain) throws IOException {
      if (s.account(domain, username).isEmpty()) {
        return fail("unknown user: " + username + "@" + domain);
      }
      String pw = password(username + "@" + domain);
      if (!s.updateAccount(Account.withPassword(domain, username, pw))) {
        return fail("unknown user: " + username + "@" + domain);
      }
      out().println("password changed for " + username + "@" + domain);
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes an account.")
  static final class Remove extends Sub {
    @Parameters(paramLabel = "USER", description = "The username.")
    String username;

    @Override
    int run(Store s, String domain) {
      if (!s.removeAccount(domain, username)) {
        return fail("unknown user: " + username + "@" + domain);
      }
      out().println("removed " + username + "@" + domain);
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists the usernames of the domain, one per line, sorted.")
  static final class ListUsers extends Sub {
    @Override
    int run(Store s, String domain) {
      for (Account a : s.accounts(domain)) {
        out().println(a.username());
      }
      return 0;
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true, description = {
      "Adds the accounts of a CSV file of user,password lines, all or none.",
      "The password is everything after the first comma; blank lines, # comments and a "
          + "'user,password' header line are skipped."})
  static final class Import extends Sub {
    @Parameters(paramLabel = "FILE", description = "The CSV file (UTF-8).")
    Path file;

    @Override
    int run(Store s, String domain) {
      if (!Files.isReadable(file)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "FILE: cannot read " + file);
      }
      PrintWriter err = spec.commandLine().getErr();
      AccountImporter.Result r;
      try {
        r = AccountImporter.importCsv(file, domain, s, (phase, done, total) -> {
          err.println("parley user import: " + phase + " " + done + "/" + total);
          err.flush();
        });
      } catch (AccountImporter.CsvException e) {
        return fail(e.getMessage() + " (nothing imported)");
      } catch (NoSuchFileException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "FILE: no such file " + file);
      } catch (IOException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "FILE: " + e.getMessage());
      }
      out().printf("imported %d users into %s in %.1f s%n", r.imported(), domain,
          r.millis() / 1000.0);
      return 0;
    }
  }
}
