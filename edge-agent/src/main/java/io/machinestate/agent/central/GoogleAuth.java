package io.machinestate.agent.central;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Authenticating to the central server with Google default credentials, as Swarming's Go agent
 * does behind the Go server's auth proxy: an OAuth2 access token sent as a bearer token. This
 * record is the setting only; {@link GoogleAccessToken} holds the library's classes, which are
 * loaded only when the setting is used.
 *
 * @param credentialsFile a service account's JSON key; empty for the default credentials
 *     (GOOGLE_APPLICATION_CREDENTIALS, gcloud's, or the metadata server's)
 */
public record GoogleAuth(Optional<Path> credentialsFile) {
  /** The scope the auth proxy of Skia's Go server checks: who the caller is. */
  public static final String SCOPE = "https://www.googleapis.com/auth/userinfo.email";
}
