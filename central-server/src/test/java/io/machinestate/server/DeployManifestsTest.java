package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.machinestate.server.tls.ServerCertificates;
import io.machinestate.server.tls.TlsFiles;
import io.machinestate.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kubernetes manifests in deploy/k8s are wired to what the server really reads and serves. */
class DeployManifestsTest {
  private static final Path DIR = Path.of("deploy/k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir
  Path tmp;

  @Test
  void manifestsMatchTheServer() throws Exception {
    Map<String, JsonNode> byKindAndName = manifests();
    JsonNode deployment = byKindAndName.get("Deployment/machineserver");
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    Map<String, String> env = env(container);

    // every variable is one the server reads, and the port it listens on is the one exposed and probed
    for (String name : env.keySet()) {
      if (name.startsWith("MACHINESERVER_")) {
        assertTrue(Flags.usage().contains(name), name + " is not a setting of the server");
      }
    }
    assertEquals(env.get("MACHINESERVER_PORT"), container.at("/ports/0/containerPort").asText());
    String portName = container.at("/ports/0/name").asText();
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertEquals(portName, container.at("/" + probe + "/httpGet/port").asText(), probe);
    }
    assertEquals(portName, byKindAndName.get("Service/machineserver").at("/spec/ports/0/targetPort").asText());
    assertEquals(deployment.at("/spec/selector/matchLabels"), byKindAndName.get("PodDisruptionBudget/machineserver")
        .at("/spec/selector/matchLabels"));

    // the probes' paths answer 200 on a running server, readiness only while its database does
    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(tmp.resolve("data")))) {
      TestHttp http = new TestHttp(server.port());
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        assertEquals(200, http.get(container.at("/" + probe + "/httpGet/path").asText()).status(), probe);
      }
    }

    // the config file is where the ConfigMap is mounted, and the server accepts it
    JsonNode configMap = byKindAndName.get("ConfigMap/machineserver-config");
    String configPath = env.get("MACHINESERVER_CONFIG");
    assertEquals(mountOf(pod, container, "configMap", "machineserver-config") + "/" + Path.of(configPath).getFileName(),
        configPath);
    Path config = tmp.resolve("server.yaml");
    Files.writeString(config, configMap.at("/data/" + Path.of(configPath).getFileName()).asText());
    assertTrue(Flags.parse(new String[] {"--config", config.toString()}, Map.of()).config().auth().enabled());

    // the database URL comes from the Secret, and names certificate files that the certs Secret provides
    JsonNode urlRef = container.at("/env").findParent("secretKeyRef").get("secretKeyRef");
    JsonNode dbSecret = byKindAndName.get("Secret/" + urlRef.get("name").asText());
    String url = dbSecret.at("/stringData/" + urlRef.get("key").asText()).asText();
    String certsDir = mountOf(pod, container, "secret", "machineserver-db-certs");
    JsonNode certs = byKindAndName.get("Secret/machineserver-db-certs").get("data");
    for (String param : List.of("sslrootcert", "sslcert", "sslkey")) {
      String file = url.replaceAll(".*[?&]" + param + "=([^&]*).*", "$1");
      assertTrue(file.startsWith(certsDir + "/"), param + "=" + file);
      assertTrue(certs.has(file.substring(certsDir.length() + 1)), file + " is not in the certs Secret");
    }

    // init-db runs the server's command with the same database settings
    JsonNode job = byKindAndName.get("Job/machineserver-init-db").at("/spec/template/spec");
    assertEquals("init-db", job.at("/containers/0/args/0").asText());
    assertEquals(urlRef, job.at("/containers/0/env").findParent("secretKeyRef").get("secretKeyRef"));
    assertEquals(certsDir, mountOf(job, job.at("/containers/0"), "secret", "machineserver-db-certs"));

    for (JsonNode resource : byKindAndName.get("Kustomization/").get("resources")) {
      assertTrue(Files.exists(DIR.resolve(resource.asText())), resource.asText());
    }
  }

  @Test
  void theTlsComponentServesHttpsWhereTheProbesLook() throws Exception {
    Map<String, JsonNode> base = manifests();
    JsonNode component = read(DIR.resolve("tls/kustomization.yaml"));
    assertEquals("Component", component.get("kind").asText());
    JsonNode patch = read(DIR.resolve("tls/deployment-patch.yaml"));
    JsonNode pod = patch.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    JsonNode baseContainer = base.get("Deployment/machineserver").at("/spec/template/spec/containers/0");
    assertEquals(baseContainer.get("name"), container.get("name"));

    // the files the server is told of are cert-manager's keys in the mounted Secret
    Map<String, String> env = env(container);
    String dir = mountOf(pod, container, "secret", "machineserver-tls");
    assertEquals(dir + "/tls.crt", env.get("MACHINESERVER_TLS_CERT"));
    assertEquals(dir + "/tls.key", env.get("MACHINESERVER_TLS_KEY"));
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertEquals("HTTPS", container.at("/" + probe + "/httpGet/scheme").asText(), probe);
    }
    String portName = base.get("Service/machineserver").at("/spec/ports/0/name").asText();
    assertTrue(read(DIR.resolve("tls/service-patch.yaml")).at("/metadata/annotations/cloud.google.com~1app-protocols")
        .asText().contains("\"" + portName + "\": \"HTTPS\""));

    // given such files through those variables, the server answers the probes over HTTPS
    TestCa ca = TestCa.create(tmp);
    TlsFiles files = ServerCertificates.issue(ca, tmp);
    ServerConfig config = Flags.parse(new String[0], Map.of(
        "MACHINESERVER_TLS_CERT", files.cert().toString(), "MACHINESERVER_TLS_KEY", files.key().toString())).config();
    try (CentralServer server = CentralServer.start(config.withPort(0).withDataDir(tmp.resolve("data")))) {
      TestHttp https = TestHttp.tls(server.port(), ca.clientContext());
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        assertEquals(200, https.get(baseContainer.at("/" + probe + "/httpGet/path").asText()).status(), probe);
      }
    }
  }

  private static JsonNode read(Path file) throws Exception {
    return YAML.readTree(file.toFile());
  }

  /** Every document of every file, by kind and name. */
  private static Map<String, JsonNode> manifests() throws Exception {
    Map<String, JsonNode> all = new HashMap<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        try (var docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          while (docs.hasNext()) {
            JsonNode doc = (JsonNode) docs.next();
            all.put(doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText(), doc);
          }
        }
      }
    }
    return all;
  }

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    container.get("env").forEach(e -> env.put(e.get("name").asText(), e.path("value").asText(null)));
    return env;
  }

  /** Where the volume of the given source (a ConfigMap or Secret by name) is mounted in the container. */
  private static String mountOf(JsonNode pod, JsonNode container, String source, String name) {
    List<String> volumes = new ArrayList<>();
    pod.get("volumes").forEach(v -> {
      JsonNode s = v.path(source);
      if (name.equals(s.path("name").asText()) || name.equals(s.path("secretName").asText())) {
        volumes.add(v.get("name").asText());
      }
    });
    assertEquals(1, volumes.size(), "volumes of " + name);
    for (JsonNode m : container.get("volumeMounts")) {
      if (m.get("name").asText().equals(volumes.get(0))) {
        return m.get("mountPath").asText();
      }
    }
    throw new AssertionError(name + " is not mounted");
  }
}
