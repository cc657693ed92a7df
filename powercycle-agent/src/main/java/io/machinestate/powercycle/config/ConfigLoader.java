package io.machinestate.powercycle.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Reads the JSON5 configuration file (SPEC §6). The Go implementation's files load unchanged;
 * anything doubtful (an unknown key, a machine under two controllers, a port used twice, a port out
 * of range) is refused with a message naming the file and the place in it.
 */
public final class ConfigLoader {
  /** Where the EdgeSwitch password comes from when the file has none, as in the Go implementation. */
  public static final String PASSWORD_ENV = "POWERCYCLE_PASSWORD";

  private static final ObjectMapper JSON5 = JsonMapper.builder()
      .enable(
          JsonReadFeature.ALLOW_JAVA_COMMENTS,
          JsonReadFeature.ALLOW_TRAILING_COMMA,
          JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
          JsonReadFeature.ALLOW_SINGLE_QUOTES,
          JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
          JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
          JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS,
          JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
      // Two machines with the same id under one controller would otherwise silently become one.
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final double MAX_OFF_SECONDS = 3600;

  private final Map<String, String> env;
  private final Path home;

  /**
   * @param env the process environment, for {@value #PASSWORD_ENV}
   * @param home the user's home directory: {@code ~} in file names, and the default
   *     {@code ~/.ssh/known_hosts}
   */
  public ConfigLoader(Map<String, String> env, Path home) {
    this.env = Map.copyOf(env);
    this.home = home;
  }

  public PowerCycleConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read the configuration: " + e, e);
    }
    return parse(text, file.toString());
  }

  /** Parses configuration text; {@code source} names it in error messages. */
  public PowerCycleConfig parse(String text, String source) throws ConfigException {
    JsonNode root;
    try {
      root = JSON5.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      throw new ConfigException(source + ": not valid JSON5" + where + ": " + e.getOriginalMessage(), e);
    }
    try {
      return new Reading().config(root);
    } catch (Problem p) {
      throw new ConfigException(source + ": " + p.getMessage());
    }
  }

  /** One pass over one file; remembers which machine and port went where. */
  private final class Reading {
    private final Map<String, String> ownerOfMachine = new HashMap<>();

    PowerCycleConfig config(JsonNode root) {
      if (root == null || root.isMissingNode()) {
        throw new Problem("the file is empty");
      }
      Fields top = new Fields(root, "", List.of("gpio", "mpower", "edgeswitch", "synaccess"));
      List<ControllerConfig> controllers = new ArrayList<>();
      controllers.addAll(top.each("gpio", this::gpio));
      controllers.addAll(top.each("mpower", this::mpower));
      controllers.addAll(top.each("edgeswitch", this::edgeSwitch));
      controllers.addAll(top.each("synaccess", this::synaccess));
      // An empty file ({}) is valid, as in Go: such an agent starts and idles rather than crash-looping.
      return new PowerCycleConfig(controllers);
    }

    GpioConfig gpio(String name, Fields f) {
      return new GpioConfig(
          name,
          f.string("chip", "gpiochip0"),
          f.bool("active_low", false),
          f.offTime(Duration.ofSeconds(10)),
          ports(f, 0, 53));
    }

    MPowerConfig mpower(String name, Fields f) {
      return new MPowerConfig(name, login(f, null), f.offTime(Duration.ofSeconds(10)), ports(f, 1, 8));
    }

    EdgeSwitchConfig edgeSwitch(String name, Fields f) {
      // Go's lab files say password: "" and mean "take it from the environment".
      String password = f.string("password", "");
      if (password.isEmpty()) {
        password = env.getOrDefault(PASSWORD_ENV, "").strip();
      }
      if (password.isEmpty()) {
        throw new Problem(f.place + ": no password: set \"password\" here or the environment variable " + PASSWORD_ENV);
      }
      EdgeSwitchConfig.SoftReboot softReboot = f.bool("soft_reboot", true)
          ? new EdgeSwitchConfig.SoftReboot(f.string("soft_reboot_user", null), f.integer("soft_reboot_port", 22, 1, 65535))
          : null;
      return new EdgeSwitchConfig(name, login(f, password), f.offTime(Duration.ofSeconds(5)), ports(f, 1, 48), softReboot);
    }

    SynaccessConfig synaccess(String name, Fields f) {
      return new SynaccessConfig(
          name,
          httpAddress(f),
          f.string("user", "admin"),
          f.string("password", "admin"),
          f.offTime(Duration.ofSeconds(10)),
          ports(f, 1, 16));
    }

    private SshLogin login(Fields f, String password) {
      return new SshLogin(
          f.requiredString("address"),
          f.integer("port", 22, 1, 65535),
          f.requiredString("user"),
          password,
          f.existingFile("identity", home),
          knownHosts(f));
    }

    /** Host keys are checked unless the file opts out for this device, explicitly. */
    private Path knownHosts(Fields f) {
      Path named = f.existingFile("known_hosts", home);
      if (!f.bool("accept_any_host_key", false)) {
        return named != null ? named : home.resolve(".ssh/known_hosts");
      }
      if (named != null) {
        throw new Problem(f.child("accept_any_host_key") + ": contradicts known_hosts; keep one of them");
      }
      return null;
    }

    /** The Go implementation took the address with its scheme; a bare host means plain HTTP. */
    private String httpAddress(Fields f) {
      String address = f.requiredString("address");
      String withScheme = address.contains("://") ? address : "http://" + address;
      try {
        URI uri = new URI(withScheme);
        if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
          throw new URISyntaxException(address, "want http://host[:port]");
        }
      } catch (URISyntaxException e) {
        throw new Problem(f.child("address") + ": \"" + address + "\" is not an HTTP address: " + e.getReason());
      }
      return withScheme.replaceAll("/+$", "");
    }

    private Map<String, Integer> ports(Fields f, int min, int max) {
      Fields ports = f.object("ports");
      Map<String, Integer> result = new LinkedHashMap<>();
      Map<Integer, String> machineOnPort = new HashMap<>();
      for (String machine : ports.keys()) {
        String place = ports.child(machine);
        int port = ports.integer(machine, 0, min, max);
        String other = machineOnPort.putIfAbsent(port, machine);
        if (other != null) {
          throw new Problem(place + ": port " + port + " is already used by \"" + other + "\"");
        }
        String owner = ownerOfMachine.putIfAbsent(machine, place);
        if (owner != null) {
          throw new Problem(place + ": machine \"" + machine + "\" is already configured at " + owner
              + "; a machine may be under one controller only");
        }
        result.put(machine, port);
      }
      if (result.isEmpty()) {
        throw new Problem(f.child("ports") + ": no machine listed");
      }
      return result;
    }
  }

  /** The keys of one JSON object, checked against the keys allowed there. */
  private static final class Fields {
    final JsonNode node;
    final String place;

    Fields(JsonNode node, String place, List<String> allowed) {
      if (!node.isObject()) {
        throw new Problem((place.isEmpty() ? "the top level" : place) + ": want an object, got " + describe(node));
      }
      this.node = node;
      this.place = place;
      if (allowed != null) {
        for (String key : keys()) {
          if (!allowed.contains(key)) {
            throw new Problem(child(key) + ": unknown key; allowed here: " + String.join(", ", allowed));
          }
        }
      }
    }

    List<String> keys() {
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      return keys;
    }

    String child(String key) {
      String k = PLAIN_KEY.matcher(key).matches() ? key : "\"" + key + "\"";
      return place.isEmpty() ? k : place + "." + k;
    }

    /** Each named controller under {@code kind}, read by {@code reader}. */
    <T> List<T> each(String kind, BiFunction<String, Fields, T> reader) {
      List<T> result = new ArrayList<>();
      if (!node.has(kind)) {
        return result;
      }
      Fields controllers = object(kind);
      for (String name : controllers.keys()) {
        JsonNode value = controllers.node.get(name);
        String at = controllers.child(name);
        if (!value.isObject()) {
          throw new Problem(at + ": want an object, got " + describe(value));
        }
        result.add(reader.apply(name, new Fields(value, at, ALLOWED.get(kind))));
      }
      return result;
    }

    Fields object(String key) {
      JsonNode value = node.get(key);
      if (value == null) {
        throw new Problem(child(key) + ": missing");
      }
      return new Fields(value, child(key), null);
    }

    String requiredString(String key) {
      String value = string(key, null);
      if (value == null || value.isBlank()) {
        throw new Problem(child(key) + ": missing");
      }
      return value;
    }

    String string(String key, String orElse) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return orElse;
      }
      if (!value.isTextual()) {
        throw new Problem(child(key) + ": want a string, got " + describe(value));
      }
      return value.asText();
    }

    boolean bool(String key, boolean orElse) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return orElse;
      }
      if (!value.isBoolean()) {
        throw new Problem(child(key) + ": want true or false, got " + describe(value));
      }
      return value.asBoolean();
    }

    int integer(String key, int orElse, int min, int max) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return orElse;
      }
      if (!value.isIntegralNumber() || !value.canConvertToInt()) {
        throw new Problem(child(key) + ": want a whole number, got " + describe(value));
      }
      int n = value.asInt();
      if (n < min || n > max) {
        throw new Problem(child(key) + ": " + n + " is out of range " + min + "–" + max);
      }
      return n;
    }

    Duration offTime(Duration orElse) {
      JsonNode value = node.get("off_seconds");
      if (value == null || value.isNull()) {
        return orElse;
      }
      if (!value.isNumber() || !(value.asDouble() > 0) || value.asDouble() > MAX_OFF_SECONDS) {
        throw new Problem(child("off_seconds") + ": want a number of seconds above 0 and at most "
            + (int) MAX_OFF_SECONDS + ", got " + describe(value));
      }
      return Duration.ofNanos(Math.round(value.asDouble() * 1e9));
    }

    Path existingFile(String key, Path home) {
      String name = string(key, null);
      if (name == null) {
        return null;
      }
      Path path = name.startsWith("~/") ? home.resolve(name.substring(2)) : Path.of(name);
      if (!Files.isRegularFile(path)) {
        throw new Problem(child(key) + ": no such file " + path);
      }
      return path;
    }

    private static String describe(JsonNode value) {
      return value.isContainerNode() ? value.getNodeType().toString().toLowerCase() : value.toString();
    }
  }

  private static final Map<String, List<String>> ALLOWED = Map.of(
      "gpio", List.of("chip", "active_low", "off_seconds", "ports"),
      "mpower", List.of("address", "user", "port", "identity", "known_hosts", "accept_any_host_key", "off_seconds",
          "ports"),
      "edgeswitch", List.of("address", "user", "password", "port", "identity", "known_hosts", "accept_any_host_key",
          "off_seconds", "ports", "soft_reboot", "soft_reboot_user", "soft_reboot_port"),
      "synaccess", List.of("address", "user", "password", "off_seconds", "ports"));

  /** A problem at a place in the file; becomes a {@link ConfigException} naming the file. */
  private static final class Problem extends RuntimeException {
    Problem(String message) {
      super(message, null, false, false);
    }
  }
}
