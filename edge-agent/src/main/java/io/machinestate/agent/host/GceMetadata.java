package io.machinestate.agent.host;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Whether the host is a GCE VM, and its machine type, from the metadata server. Asked once: the
 * answer does not change while the agent runs, and off GCE every question costs a timeout.
 */
public final class GceMetadata {
  private static final System.Logger LOG = System.getLogger(GceMetadata.class.getName());

  /** On GCE: the machine type ("n1-standard-4") and CPU platform ("Intel Haswell"); off GCE: "". */
  public record Answer(boolean onGce, String machineType, String cpuPlatform) {}

  private final OkHttpClient client;
  private final String host;
  private Answer answer;

  /**
   * @param host the metadata server, "169.254.169.254" in production, as {@code host[:port]}
   */
  public GceMetadata(OkHttpClient client, String host, Duration timeout) {
    this.client = client.newBuilder().callTimeout(timeout).connectTimeout(timeout).retryOnConnectionFailure(false).build();
    this.host = host;
  }

  public synchronized Answer answer() {
    if (answer == null) {
      answer = ask();
    }
    return answer;
  }

  private Answer ask() {
    String type;
    try {
      type = get("machine-type"); // projects/123/machineTypes/n1-standard-4
    } catch (IOException e) {
      LOG.log(Level.INFO, "Not on GCE: no metadata server at {0}: {1}", host, e.getMessage());
      return new Answer(false, "", "");
    }
    String platform;
    try {
      platform = get("cpu-platform");
    } catch (IOException e) {
      LOG.log(Level.WARNING, "On GCE, but the CPU platform is unknown: {0}", e.getMessage());
      platform = "";
    }
    return new Answer(true, type.substring(type.lastIndexOf('/') + 1), platform);
  }

  /** An instance attribute; only the real metadata server answers with the Metadata-Flavor header. */
  private String get(String attribute) throws IOException {
    Request request = new Request.Builder()
        .url("http://" + host + "/computeMetadata/v1/instance/" + attribute)
        .header("Metadata-Flavor", "Google")
        .build();
    try (Response response = client.newCall(request).execute()) {
      if (!response.isSuccessful() || !"Google".equals(response.header("Metadata-Flavor"))) {
        throw new IOException("metadata server at " + host + " answered " + response.code() + " for " + attribute);
      }
      return response.body().string().strip();
    }
  }
}
