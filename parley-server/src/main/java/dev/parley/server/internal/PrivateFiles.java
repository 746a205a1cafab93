package dev.parley.server.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner-only files for the server's secrets: the data directory (which holds {@code parley.db}
 * with every account's HA1 hashes, its {@code -wal} and {@code -shm} files, the development TLS
 * key in {@code tls/}) is created {@code 0700} and each such file {@code 0600}, whatever the
 * umask. Files and directories found with group or other permissions are restricted to the
 * owner's, with a warning naming them. On a file system without POSIX permissions (Windows)
 * nothing is changed: there the directory's ACL, inherited from its parent, applies.
 *
 * <p>SQLite creates a database's {@code -wal} and {@code -shm} files with the database file's
 * own permissions, so creating {@code parley.db} {@code 0600} before SQLite first opens it makes
 * them {@code 0600} too.
 *
 * <p>Stateless; blocking file-system calls, for start-up and the command line only.
 */
public final class PrivateFiles {
  private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private PrivateFiles() {}

  /**
   * Creates {@code dir} {@code 0700} (its missing parents as the umask says), or restricts it to
   * its owner if it exists.
   *
   * @throws IOException if it cannot be created or its permissions cannot be set
   */
  public static void directory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try {
        if (posix(parent) != null) {
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
          Files.setPosixFilePermissions(dir, DIRECTORY); // the umask may have taken owner bits
          return;
        }
        Files.createDirectory(dir);
        return;
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(dir)) {
          throw e;
        }
        // created meanwhile (another process): restricted below like any existing one
      }
    }
    restrict(dir);
  }

  /**
   * Creates an empty {@code file} {@code 0600}, or restricts it to its owner if it exists.
   *
   * @throws IOException if it cannot be created or its permissions cannot be set
   */
  public static void file(Path file) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      try {
        if (posix(file.toAbsolutePath().getParent()) != null) {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
          Files.setPosixFilePermissions(file, FILE);
        } else {
          Files.createFile(file);
        }
        return;
      } catch (FileAlreadyExistsException e) {
        // created meanwhile (another process): restricted below
      }
    }
    restrict(file);
  }

  /**
   * Takes the group and other permissions off {@code path} when it exists and has any, with a
   * warning; does nothing to a missing path or on a file system without POSIX permissions.
   *
   * @throws IOException if the permissions cannot be read or set
   */
  public static void restrict(Path path) throws IOException {
    restrict(path, true);
  }

  /**
   * {@link #restrict} without the warning, for a file this process has just made (a key store
   * another tool wrote with the umask's permissions).
   *
   * @throws IOException if the permissions cannot be read or set
   */
  public static void restrictNew(Path path) throws IOException {
    restrict(path, false);
  }

  private static void restrict(Path path, boolean warn) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    PosixFileAttributeView view = posix(path);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> now = view.readAttributes().permissions();
    if (now.stream().noneMatch(GROUP_OR_OTHERS::contains)) {
      return;
    }
    Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
    owner.addAll(now);
    owner.removeAll(GROUP_OR_OTHERS);
    view.setPermissions(owner);
    if (!warn) {
      return;
    }
    log.warn("{} had group or other permissions ({}); restricted it to its owner ({})", path,
        PosixFilePermissions.toString(now), PosixFilePermissions.toString(owner));
  }

  /** The POSIX view of {@code path}'s file system, or null where it has none. */
  private static PosixFileAttributeView posix(Path path) {
    return path == null ? null
        : Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
  }
}
