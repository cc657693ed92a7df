package io.machinestate.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads the {@code auth} section of the server's YAML file, naming the place of any mistake. */
public final class AuthYaml {
  private AuthYaml() {}

  public static AuthConfig parse(Path file, JsonNode auth, boolean allowAnonymous) {
    if (auth.isMissingNode() || auth.isNull()) {
      return new AuthConfig(List.of(), null, allowAnonymous);
    }
    keys(file, "auth", auth, Set.of("tokens", "proxy"));
    List<AuthConfig.Token> tokens = new ArrayList<>();
    int i = 0;
    for (JsonNode t : auth.path("tokens")) {
      String where = "auth.tokens[" + i++ + "]";
      keys(file, where, t, Set.of("name", "sha256", "role", "machines"));
      try {
        tokens.add(new AuthConfig.Token(t.path("name").asText(null), t.path("sha256").asText(null),
            Role.parse(t.path("role").asText("")), machines(t.get("machines"))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + where + ": " + e.getMessage());
      }
    }
    AuthConfig.Proxy proxy = null;
    JsonNode p = auth.path("proxy");
    if (!p.isMissingNode() && !p.isNull()) {
      keys(file, "auth.proxy", p, Set.of("header", "trusted", "editors", "iap"));
      JsonNode iapNode = p.path("iap");
      boolean hasIap = !iapNode.isMissingNode() && !iapNode.isNull();
      if (hasIap) {
        keys(file, "auth.proxy.iap", iapNode, Set.of("keys", "audience"));
      }
      try {
        AuthConfig.Iap iap = !hasIap ? null : new AuthConfig.Iap(
            iapNode.hasNonNull("keys") ? file.resolveSibling(iapNode.get("keys").asText()) : null,
            iapNode.path("audience").asText(null));
        List<Cidr> trusted = new ArrayList<>();
        p.path("trusted").forEach(c -> trusted.add(Cidr.parse(c.asText())));
        List<String> editors = new ArrayList<>();
        p.path("editors").forEach(e -> editors.add(e.asText()));
        proxy = new AuthConfig.Proxy(p.path("header").asText(null), trusted, editors, iap);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": auth.proxy: " + e.getMessage());
      }
    }
    return new AuthConfig(tokens, proxy, allowAnonymous);
  }

  /** A list of ids, or one regex that must match a whole id. */
  private static Pattern machines(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isArray()) {
      List<String> ids = new ArrayList<>();
      node.forEach(n -> ids.add(Pattern.quote(n.asText())));
      return Pattern.compile(ids.isEmpty() ? "(?!)" : String.join("|", ids));
    }
    try {
      return Pattern.compile(node.asText());
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("machines: invalid regex: " + e.getDescription());
    }
  }

  private static void keys(Path file, String where, JsonNode node, Set<String> allowed) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(file + ": " + where + ": want a mapping");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(file + ": " + where + ": unknown key \"" + key + "\"");
      }
    }
  }
}
