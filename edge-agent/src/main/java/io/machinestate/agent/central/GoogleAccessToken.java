package io.machinestate.agent.central;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Puts a Google OAuth2 access token on every request to the central server, refreshed by the
 * library before it expires. Like the bearer token, add it to the central server's client only.
 */
public final class GoogleAccessToken implements Interceptor {
  private final GoogleCredentials credentials;

  GoogleAccessToken(GoogleCredentials credentials) {
    this.credentials = credentials;
  }

  /** @throws IOException when no credentials are found or the key file cannot be read */
  public static Interceptor of(GoogleAuth auth) throws IOException {
    GoogleCredentials credentials;
    if (auth.credentialsFile().isPresent()) {
      try (InputStream in = Files.newInputStream(auth.credentialsFile().get())) {
        credentials = GoogleCredentials.fromStream(in);
      }
    } else {
      credentials = GoogleCredentials.getApplicationDefault();
    }
    return new GoogleAccessToken(credentials.createScoped(List.of(GoogleAuth.SCOPE)));
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    AccessToken token;
    try {
      credentials.refreshIfExpired();
      token = credentials.getAccessToken();
    } catch (IOException | RuntimeException e) {
      // Delivered as a failed request: the callers retry it as they retry a server that is down.
      throw new IOException("cannot get a Google access token: " + withRootCause(e), e);
    }
    if (token == null) {
      throw new IOException("cannot get a Google access token: the credentials gave none");
    }
    return chain.proceed(chain.request().newBuilder()
        .header("Authorization", "Bearer " + token.getTokenValue()).build());
  }

  /**
   * The message, and the root cause when the message does not already say it: the library reports
   * some failures (a class missing from the jar, say) only as "Unexpected error refreshing access token".
   */
  private static String withRootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String message = String.valueOf(e.getMessage());
    return root == e || message.contains(String.valueOf(root.getMessage())) ? message : message + " (" + root + ")";
  }

  @Override
  public String toString() {
    return "GoogleAccessToken[hidden]";
  }
}
