package io.machinestate.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

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

  private AgentToken() {}

  /**
   * @param tokenFile the {@code --token-file} flag, or null
   * @param token the {@code --token} flag, or null
   */
  public static Optional<String> resolve(String tokenFile, String token, Map<String, String> env) throws IOException {
    String file = tokenFile != null ? tokenFile : env.get(FILE_ENV);
    if (file != null && !file.isBlank()) {
      String fromFile = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
      if (fromFile.isEmpty()) {
        throw new IOException("token file " + file + " is empty");
      }
      return Optional.of(fromFile);
    }
    String value = token != null ? token : env.get(ENV);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** The value of the {@code Authorization} header. */
  public static String headerValue(String token) {
    return "Bearer " + token;
  }
}
