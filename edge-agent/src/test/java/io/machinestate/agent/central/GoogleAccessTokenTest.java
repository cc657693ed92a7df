package io.machinestate.agent.central;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoogleAccessTokenTest {
  @TempDir Path dir;

  @Test
  void aServiceAccountsTokenIsSentAsABearerTokenAndFetchedOnce() throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    HttpServer central = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    central.createContext("/", e -> {
      authorizations.add(String.valueOf(e.getRequestHeaders().getFirst("Authorization")));
      e.sendResponseHeaders(204, -1);
      e.close();
    });
    central.start();
    try (FakeGoogle google = new FakeGoogle()) {
      Path key = google.serviceAccountKey(dir);
      OkHttpClient client = new OkHttpClient.Builder()
          .addInterceptor(GoogleAccessToken.of(new GoogleAuth(Optional.of(key)))).build();

      for (int i = 0; i < 2; i++) {
        try (Response r = client.newCall(new Request.Builder()
            .url("http://127.0.0.1:" + central.getAddress().getPort() + "/json/v1/machine/event/").build()).execute()) {
          assertEquals(204, r.code());
        }
      }

      assertEquals(List.of("Bearer " + FakeGoogle.SERVICE_ACCOUNT_TOKEN, "Bearer " + FakeGoogle.SERVICE_ACCOUNT_TOKEN),
          authorizations);
      assertEquals(List.of("/token urn:ietf:params:oauth:grant-type:jwt-bearer"), google.requests,
          "one token for both requests");
    } finally {
      central.stop(0);
    }
  }

  @Test
  void aKeyThatCannotBeUsedIsRefusedAtStart() throws Exception {
    Path notAKey = Files.writeString(dir.resolve("key.json"), "{\"type\":\"authorized_user\"}");
    IOException e = assertThrows(IOException.class, () -> GoogleAccessToken.of(new GoogleAuth(Optional.of(notAKey))));
    assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), String.valueOf(e.getMessage()));
    Path missing = dir.resolve("missing.json");
    assertThrows(IOException.class, () -> GoogleAccessToken.of(new GoogleAuth(Optional.of(missing))));
  }

  @Test
  void aFailureTheLibraryWrapsWithoutSayingWhatIsNamedByItsCause() {
    GoogleCredentials broken = new GoogleCredentials() {
      @Override
      public AccessToken refreshAccessToken() {
        throw new NoClassDefFoundError("com/google/api/client/json/webtoken/JsonWebSignature");
      }
    };
    OkHttpClient client = new OkHttpClient.Builder().addInterceptor(new GoogleAccessToken(broken)).build();
    IOException e = assertThrows(IOException.class,
        () -> client.newCall(new Request.Builder().url("http://127.0.0.1:9/").build()).execute().close());
    assertTrue(e.getMessage().startsWith("cannot get a Google access token: "), e.getMessage());
    assertTrue(e.getMessage().contains("NoClassDefFoundError: com/google/api/client/json/webtoken/JsonWebSignature"),
        e.getMessage());
  }
}
