package io.machinestate.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Checks the signed header Google's Identity-Aware Proxy adds ({@code x-goog-iap-jwt-assertion}), so
 * that the email header is believed only with IAP's signature over it, not merely because the
 * request came through a trusted load balancer. The keys are IAP's ES256 keys as a JWK set, from a
 * file the operator keeps current (https://www.gstatic.com/iap/verify/public_key-jwk); the file is
 * read again when an assertion names a key it does not hold, at most once a minute.
 */
public final class IapAssertion {
  public static final String HEADER = "x-goog-iap-jwt-assertion";
  private static final Logger LOG = Logger.getLogger(IapAssertion.class.getName());
  private static final String ISSUER = "https://cloud.google.com/iap";
  /** Clocks differ a little between Google and this server. */
  private static final Duration SKEW = Duration.ofSeconds(30);
  private static final Duration REREAD = Duration.ofMinutes(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AuthConfig.Iap config;
  private final Clock clock;
  private Map<String, PublicKey> keys;
  private Instant read;

  public IapAssertion(AuthConfig.Iap config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.keys = readKeys(config.keys());
    this.read = clock.instant();
  }

  /** The email the assertion vouches for, when it is IAP's, for this audience, and current; else why not. */
  public Result verify(String jwt) {
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) {
      return Result.no("not a signed JWT");
    }
    try {
      JsonNode header = JSON.readTree(base64(parts[0]));
      JsonNode claims = JSON.readTree(base64(parts[1]));
      if (!"ES256".equals(header.path("alg").asText())) {
        return Result.no("algorithm " + header.path("alg").asText() + ", not ES256");
      }
      Optional<PublicKey> key = key(header.path("kid").asText());
      if (key.isEmpty()) {
        return Result.no("unknown key id");
      }
      Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
      ecdsa.initVerify(key.get());
      ecdsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!ecdsa.verify(base64(parts[2]))) {
        return Result.no("bad signature");
      }
      Instant now = clock.instant();
      if (!ISSUER.equals(claims.path("iss").asText())) {
        return Result.no("issuer is not " + ISSUER);
      }
      if (!config.audience().equals(claims.path("aud").asText())) {
        return Result.no("audience is not " + config.audience());
      }
      if (!claims.path("exp").canConvertToLong() || Instant.ofEpochSecond(claims.path("exp").asLong()).plus(SKEW).isBefore(now)) {
        return Result.no("expired");
      }
      if (!claims.path("iat").canConvertToLong() || Instant.ofEpochSecond(claims.path("iat").asLong()).minus(SKEW).isAfter(now)) {
        return Result.no("issued in the future");
      }
      String email = claims.path("email").asText("");
      return email.isEmpty() ? Result.no("no email") : new Result(email, null);
    } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
      return Result.no("unreadable: " + e.getMessage());
    }
  }

  /** The verified email, or null and why not. */
  public record Result(String email, String problem) {
    static Result no(String problem) {
      return new Result(null, problem);
    }
  }

  private synchronized Optional<PublicKey> key(String kid) {
    if (!keys.containsKey(kid) && clock.instant().isAfter(read.plus(REREAD))) {
      read = clock.instant();
      try {
        keys = readKeys(config.keys());
      } catch (IllegalArgumentException e) {
        LOG.warning("cannot read IAP keys again, keeping those read before: " + e.getMessage());
      }
    }
    return Optional.ofNullable(keys.get(kid));
  }

  /** The EC P-256 keys of a JWK set, by key id. */
  static Map<String, PublicKey> readKeys(Path file) {
    try {
      JsonNode set = JSON.readTree(Files.readAllBytes(file));
      ECParameterSpec p256 = p256();
      Map<String, PublicKey> keys = new HashMap<>();
      for (JsonNode k : set.path("keys")) {
        if ("EC".equals(k.path("kty").asText()) && "P-256".equals(k.path("crv").asText())) {
          ECPoint point = new ECPoint(new BigInteger(1, base64(k.path("x").asText())),
              new BigInteger(1, base64(k.path("y").asText())));
          keys.put(k.path("kid").asText(), KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, p256)));
        }
      }
      if (keys.isEmpty()) {
        throw new IllegalArgumentException(file + ": no EC P-256 keys in a JWK set {\"keys\": [...]}");
      }
      return keys;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": cannot read IAP keys: " + e.getMessage());
    }
  }

  private static ECParameterSpec p256() throws GeneralSecurityException {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    return parameters.getParameterSpec(ECParameterSpec.class);
  }

  private static byte[] base64(String text) {
    return Base64.getUrlDecoder().decode(text);
  }
}
