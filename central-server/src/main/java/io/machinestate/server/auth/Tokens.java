package io.machinestate.server.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Making tokens and the hashes the server's config lists instead of them. */
public final class Tokens {
  private Tokens() {}

  /** 32 random bytes, URL-safe: fits a header, a file and an environment variable as is. */
  public static String newToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(Authenticator.sha256(token));
  }

  public static void printNew(PrintStream out) {
    String token = newToken();
    out.println("token:  " + token);
    out.println("sha256: " + sha256Hex(token));
  }

  /** Reads one token (surrounding whitespace dropped) and prints its hash. */
  public static void printHash(InputStream in, PrintStream out) throws IOException {
    String token = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    if (token.isEmpty()) {
      throw new IOException("no token on standard input");
    }
    out.println(sha256Hex(token));
  }
}
