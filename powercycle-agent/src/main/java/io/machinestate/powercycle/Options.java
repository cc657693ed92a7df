package io.machinestate.powercycle;

import io.machinestate.protocol.AgentToken;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * The command line, each flag with an environment variable twin; the flag wins.
 *
 * @param token the bearer token for the central server, if any; never printed
 */
public record Options(HttpUrl server, Path config, Path stateDir, Optional<String> token, boolean help) {
  static final String USAGE = """
      Usage: java -jar powercycle-agent.jar --server URL --config FILE --state-dir DIR

      Power-cycles test machines on request of the central server, through GPIO relay boards,
      mPower strips, EdgeSwitch PoE ports and Synaccess strips.

        --server URL       central server, e.g. http://machines.lab:8000   [POWERCYCLE_SERVER]
        --config FILE      JSON5 file mapping controllers to machine ids   [POWERCYCLE_CONFIG]
        --state-dir DIR    where cycles awaiting the server's acknowledgement are remembered
                                                                           [POWERCYCLE_STATE_DIR]
        --token-file FILE  file holding the bearer token for the server; preferred, as it stays
                           out of process listings                    [MACHINESERVER_TOKEN_FILE]
        --token TOKEN      the bearer token itself                         [MACHINESERVER_TOKEN]
        --help             this text

      Without a token the server must allow anonymous access. A token file wins over a token.
      The EdgeSwitch password may also come from POWERCYCLE_PASSWORD.
      """;

  private static final Map<String, String> ENV_OF_FLAG = Map.of(
      "--server", "POWERCYCLE_SERVER",
      "--config", "POWERCYCLE_CONFIG",
      "--state-dir", "POWERCYCLE_STATE_DIR",
      "--token-file", AgentToken.FILE_ENV,
      "--token", AgentToken.ENV);

  /** @throws IllegalArgumentException with a message for the user */
  public static Options parse(String[] args, Map<String, String> env) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return new Options(null, null, null, Optional.empty(), true);
      }
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (!ENV_OF_FLAG.containsKey(flag)) {
        throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
      }
      if (arg.contains("=")) {
        values.put(flag, arg.substring(arg.indexOf('=') + 1));
      } else if (i + 1 < args.length) {
        values.put(flag, args[++i]);
      } else {
        throw new IllegalArgumentException(flag + " needs a value");
      }
    }
    String server = required(values, env, "--server");
    HttpUrl url = HttpUrl.parse(server);
    if (url == null) {
      throw new IllegalArgumentException("--server: \"" + server + "\" is not an http(s) URL");
    }
    return new Options(url, Path.of(required(values, env, "--config")), Path.of(required(values, env, "--state-dir")),
        token(values.get("--token-file"), values.get("--token"), env), false);
  }

  private static String required(Map<String, String> values, Map<String, String> env, String flag) {
    String value = values.getOrDefault(flag, env.get(ENV_OF_FLAG.get(flag)));
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing " + flag + " (or " + ENV_OF_FLAG.get(flag) + ")");
    }
    return value;
  }

  /** A token file that cannot be read is refused at start, not found out at the first request. */
  private static Optional<String> token(String tokenFile, String token, Map<String, String> env) {
    try {
      return AgentToken.resolve(tokenFile, token, env);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("token file " + e.getFile() + " does not exist");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("token file " + e.getFile() + " is not readable by this user");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot use the token file: " + e.getMessage());
    }
  }

  /** Leaves the token out, as every log line must. */
  @Override
  public String toString() {
    return "Options[server=" + server + ", config=" + config + ", stateDir=" + stateDir
        + ", token=" + token.map(t -> "(hidden)").orElse("(none)") + ", help=" + help + "]";
  }
}
