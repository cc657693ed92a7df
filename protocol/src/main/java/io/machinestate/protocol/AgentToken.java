package io.machinestate.protocol;

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.GROUP_WRITE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bearer token an agent sends on every request to the central server, SSE streams included.
 * Taken from, in order of preference, a file ({@code --token-file} or {@code MACHINESERVER_TOKEN_FILE}:
 * it stays out of process listings and shell history), a flag ({@code --token}) or the environment
 * ({@code MACHINESERVER_TOKEN}). No token at all is fine against a server without authentication.
 */
public final class AgentToken {
  public static final String FILE_ENV = "MACHINESERVER_TOKEN_FILE";
  public static final String ENV = "MACHINESERVER_TOKEN";
  public static final String HEADER = "Authorization";
  /** Set by systemd for a unit with {@code LoadCredential=}; see {@link #checkPrivate}. */
  static final String CREDENTIALS_DIRECTORY_ENV = "CREDENTIALS_DIRECTORY";

  private static final Set<PosixFilePermission> GROUP = EnumSet.of(GROUP_READ, GROUP_WRITE, GROUP_EXECUTE);
  private static final Set<PosixFilePermission> OTHERS = EnumSet.of(OTHERS_READ, OTHERS_WRITE, OTHERS_EXECUTE);

  private AgentToken() {}

  /**
   * @param tokenFile the {@code --token-file} flag, or null
   * @param token the {@code --token} flag, or null
   * @param env the environment: the twins of both flags, and systemd's {@code CREDENTIALS_DIRECTORY}
   * @throws IllegalArgumentException for a token file that cannot be used, saying why and what to do
   */
  public static Optional<String> resolve(String tokenFile, String token, Map<String, String> env) {
    String file = tokenFile != null ? tokenFile : env.get(FILE_ENV);
    if (file != null && !file.isBlank()) {
      return Optional.of(read(Path.of(file), env));
    }
    String value = token != null ? token : env.get(ENV);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** The value of the {@code Authorization} header. */
  public static String headerValue(String token) {
    return "Bearer " + token;
  }

  private static String read(Path file, Map<String, String> env) {
    String token;
    try {
      checkPrivate(file, env);
      token = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("token file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("token file " + file + " is not readable by this user");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read token file " + file + ": " + e.getMessage());
    }
    if (token.isEmpty()) {
      throw new IllegalArgumentException("token file " + file + " is empty");
    }
    return token;
  }

  /**
   * Refuses a token file that group or others may use, as ssh refuses such a private key. systemd's
   * credentials are the exception for the group: systemd writes them 0400 owned by root and grants
   * the service's user read access with an ACL entry, and the group bits of the mode then show the
   * ACL's mask, not a group's access. Others never get in there. A file system without POSIX modes
   * is not checked.
   */
  private static void checkPrivate(Path file, Map<String, String> env) throws IOException {
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException notPosix) {
      return;
    }
    Set<PosixFilePermission> refused = EnumSet.copyOf(OTHERS);
    if (!inCredentialsDirectory(file, env.get(CREDENTIALS_DIRECTORY_ENV))) {
      refused.addAll(GROUP);
    }
    refused.retainAll(mode);
    if (!refused.isEmpty()) {
      throw new IllegalArgumentException("token file " + file + " is open to " + (refused.stream().anyMatch(OTHERS::contains)
          ? "others" : "its group") + " (mode " + octal(mode) + "); make it private to the agent's user: chmod 600 " + file);
    }
  }

  private static boolean inCredentialsDirectory(Path file, String credentialsDirectory) throws IOException {
    if (credentialsDirectory == null || credentialsDirectory.isBlank()) {
      return false;
    }
    Path directory;
    try {
      directory = Path.of(credentialsDirectory).toRealPath();
    } catch (IOException gone) {
      return false;
    }
    // Real paths: a link placed there that leads elsewhere does not count.
    return file.toRealPath().startsWith(directory);
  }

  private static String octal(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      bits |= 1 << (8 - p.ordinal());
    }
    return String.format("%04o", bits);
  }
}
