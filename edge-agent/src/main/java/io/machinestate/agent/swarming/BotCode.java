package io.machinestate.agent.swarming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Downloads swarming_bot.zip as Skia's Go agent does: a service account's access token from the
 * lab's metadata server, then the bot's Swarming server's {@code /bot_code} with that token. The
 * zip is written beside its final place and moved there whole, so a failed download leaves
 * nothing behind for the bot to run.
 */
public final class BotCode {
  private static final System.Logger LOG = System.getLogger(BotCode.class.getName());
  /** The bot's code is a few MiB; this bounds what a misbehaving server can write to the disk. */
  static final long MAX_SIZE = 256L << 20;
  private static final int MAX_TOKEN_RESPONSE = 64 << 10;

  private final OkHttpClient http;
  private final SwarmingServers servers;
  private final HttpUrl tokenUrl;
  private final ObjectMapper mapper;

  /** @param tokenUrl the metadata server's service-account token, as GCE serves it */
  public BotCode(OkHttpClient http, SwarmingServers servers, HttpUrl tokenUrl, ObjectMapper mapper) {
    this.http = http;
    this.servers = servers;
    this.tokenUrl = tokenUrl;
    this.mapper = mapper;
  }

  /** @throws IOException saying which step failed; the token never appears in it */
  public void download(String botId, Path zip) throws IOException {
    HttpUrl url = servers.botCode(botId);
    LOG.log(Level.INFO, "Downloading the Swarming bot''s code from {0} to {1}", url, zip);
    String token = accessToken();
    Path dir = zip.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, zip.getFileName().toString(), ".partial");
    try {
      try (Response response = http.newCall(new Request.Builder().url(url)
          .header("Authorization", "Bearer " + token).build()).execute()) {
        if (response.code() != 200) {
          throw new IOException("Swarming server " + url + " answered " + response.code());
        }
        copy(response.body(), partial, url);
      }
      Files.move(partial, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    LOG.log(Level.INFO, "Swarming bot code saved in {0} ({1} bytes)", zip, String.valueOf(Files.size(zip)));
  }

  private String accessToken() throws IOException {
    Request request = new Request.Builder().url(tokenUrl).header("Metadata-Flavor", "Google").build();
    try (Response response = http.newCall(request).execute()) {
      if (response.code() != 200) {
        throw new IOException("metadata server " + tokenUrl + " answered " + response.code());
      }
      JsonNode token;
      try {
        token = mapper.readTree(response.peekBody(MAX_TOKEN_RESPONSE).string()).path("access_token");
      } catch (IOException e) {
        throw new IOException("metadata server " + tokenUrl + " sent no JSON");
      }
      if (!token.isTextual() || token.asText().isBlank()) {
        throw new IOException("metadata server " + tokenUrl + " sent no access_token");
      }
      return token.asText();
    }
  }

  /** Copies the body, refusing one that is too big or is not a zip (an HTML error page, say). */
  private static void copy(ResponseBody body, Path to, HttpUrl url) throws IOException {
    try (InputStream in = body.byteStream(); OutputStream out = Files.newOutputStream(to)) {
      byte[] magic = in.readNBytes(2);
      if (magic.length == 0) {
        throw new IOException(url + " sent an empty body");
      }
      if (magic.length < 2 || magic[0] != 'P' || magic[1] != 'K') {
        throw new IOException(url + " sent something other than a zip");
      }
      out.write(magic);
      long total = magic.length;
      byte[] buffer = new byte[64 << 10];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
        if (total > MAX_SIZE) {
          throw new IOException(url + " sent more than " + (MAX_SIZE >> 20) + " MiB");
        }
        out.write(buffer, 0, n);
      }
    }
  }
}
