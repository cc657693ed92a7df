package io.machinestate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.central.FakeGoogle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google default credentials in the real process, as on a GCE test host: no key file, no gcloud
 * configuration, a metadata server (a stand-in, named by GCE_METADATA_HOST as the library reads
 * it). And the footprint's side of the option: without it, none of the library's classes load.
 */
class GoogleAuthProcessTest {
  static final String ID = "skia-e-linux-401";

  @TempDir Path dir;

  @Test
  void theMetadataServersTokenReachesTheServer() throws Exception {
    try (FakeCentral central = FakeCentral.start(); FakeGoogle google = new FakeGoogle()) {
      ProcessBuilder builder = builder(central, "--google-auth");
      builder.environment().put("GCE_METADATA_HOST", google.hostAndPort());
      String classes = run(builder, central);

      assertTrue(central.authorizations().stream().allMatch(a -> a.endsWith(" Bearer " + FakeGoogle.METADATA_TOKEN)),
          central.authorizations().toString());
      assertTrue(google.requests.contains("/computeMetadata/v1/instance/service-accounts/default/token"),
          google.requests.toString());
      assertTrue(classes.contains("com.google.auth.oauth2.ComputeEngineCredentials"));
    }
  }

  @Test
  void withoutTheOptionTheLibraryIsNotLoaded() throws Exception {
    try (FakeCentral central = FakeCentral.start()) {
      ProcessBuilder builder = builder(central, "--gce-metadata-host", "127.0.0.1:" + AgentProcess.freePort());
      String classes = run(builder, central);

      assertTrue(central.authorizations().stream().allMatch(a -> a.endsWith(" none")), central.authorizations().toString());
      List<String> google = classes.lines().filter(l -> l.contains(" com.google.")).toList();
      assertEquals(List.of(), google);
    }
  }

  private ProcessBuilder builder(FakeCentral central, String... more) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    List<String> args = new java.util.ArrayList<>(List.of("--server", central.url().toString(), "--machine-id", ID,
        "--port", "0", "--state-dir", dir.resolve("state").toString(), "--home", dir.toString(), "--tool-timeout", "1"));
    args.addAll(List.of(more));
    ProcessBuilder builder = AgentProcess.builder(bin.toString(),
        List.of("-Xlog:class+load=info:file=" + dir.resolve("classes.txt")), args);
    builder.environment().put("HOME", dir.toString()); // no gcloud configuration
    builder.environment().remove("CLOUDSDK_CONFIG");
    return builder;
  }

  /** Runs the agent to its first accepted event; returns the classes it loaded. */
  private String run(ProcessBuilder builder, FakeCentral central) throws Exception {
    Path log = dir.resolve("agent.log");
    Process agent = AgentProcess.start(builder, log);
    try {
      FakeCentral.await("the first event", 30, () -> AgentProcess.read(log).contains("First event of machine " + ID));
    } finally {
      agent.destroyForcibly();
      agent.waitFor();
    }
    String logged = AgentProcess.read(log);
    assertFalse(logged.contains("ya29."), "the token is never logged: " + logged);
    return AgentProcess.read(dir.resolve("classes.txt"));
  }
}
