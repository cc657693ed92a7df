package io.machinestate.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Paths;
import io.machinestate.server.TestEvents;
import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import io.machinestate.server.RawHttp;
import io.machinestate.server.tls.ServerCertificates;
import io.machinestate.testing.TestCa;
import io.machinestate.server.TestHttp;
import io.machinestate.testing.LogRecorder;
import io.machinestate.server.store.Change;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** Every role against every endpoint, over real HTTP and over HTTPS. */
@ParameterizedClass(name = "tls: {0}")
@ValueSource(booleans = {false, true})
class AccessTest {
  static final String A = "skia-agent-a";
  static final String B = "skia-agent-b";
  static final Map<String, String> TOKENS = Map.of(
      "viewer", Tokens.newToken(), "editor", Tokens.newToken(), "agent", Tokens.newToken(),
      "powercycle", Tokens.newToken());

  @TempDir
  static Path dataDir;
  static CentralServer server;
  static LogRecorder logs;
  /** Trusts the server's certificate, when it serves HTTPS; null when it serves HTTP. */
  static SSLContext trust;

  @Parameter
  boolean tls;

  @BeforeParameterizedClassInvocation
  static void start(boolean tls) throws Exception {
    logs = LogRecorder.start();
    Path dir = Files.createDirectories(dataDir.resolve(tls ? "tls" : "plain"));
    ServerConfig config = ServerConfig.defaults().withPort(0).withDataDir(dir.resolve("db"));
    if (tls) {
      TestCa ca = TestCa.create(dir);
      config = config.withTls(ServerCertificates.issue(ca, dir));
      trust = ca.clientContext();
    } else {
      trust = null;
    }
    List<AuthConfig.Token> tokens = List.of(
        token("viewer", Role.VIEWER, null),
        token("editor", Role.EDITOR, null),
        token("agent", Role.AGENT, Pattern.compile(Pattern.quote(A))),
        token("powercycle", Role.POWERCYCLE, Pattern.compile(Pattern.quote(A))));
    // the proxy is trusted only from 10.0.0.0/8, so the header sent from 127.0.0.1 must be ignored
    AuthConfig auth = new AuthConfig(tokens, new AuthConfig.Proxy("X-Email", List.of(Cidr.parse("10.0.0.0/8")),
        List.of("boss@example.com")), false);
    server = CentralServer.start(config.withAuth(auth));
    TestHttp agent = http("agent");
    assertEquals(200, agent.post(Paths.MACHINE_EVENT, TestEvents.android(A)).status());
    server.store().update(B, Change.by("test"), d -> d); // no token here may speak for B
    assertEquals(200, http("editor").get(Paths.withId(Paths.MACHINE_DESCRIPTION, B)).status());
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
    logs.close();
  }

  static AuthConfig.Token token(String name, Role role, Pattern machines) {
    return new AuthConfig.Token(name, Tokens.sha256Hex(TOKENS.get(name)), role, machines);
  }

  static TestHttp http(String role) {
    return client().withToken(TOKENS.get(role));
  }

  /** A client without credentials, speaking HTTPS when the server does. */
  static TestHttp client() {
    return trust == null ? new TestHttp(server.port()) : TestHttp.tls(server.port(), trust);
  }

  /** One request of the matrix, and the roles that may make it. */
  record Call(String method, String path, String body, Set<String> allowed) {
    TestHttp.Reply send(TestHttp http) {
      return method.equals("GET") ? http.get(path) : http.post(path, body);
    }
  }

  static List<Call> calls() throws Exception {
    Set<String> readers = Set.of("viewer", "editor");
    Set<String> editors = Set.of("editor");
    Set<String> agent = Set.of("agent");
    Set<String> powercycle = Set.of("powercycle");
    Set<String> none = Set.of();
    return List.of(
        new Call("GET", Paths.MACHINES, "", readers),
        new Call("GET", Paths.withId(Paths.MACHINE_DESCRIPTION, A), "", Set.of("viewer", "editor", "agent")),
        new Call("GET", Paths.withId(Paths.MACHINE_DESCRIPTION, B), "", readers),
        new Call("POST", Paths.MACHINE_EVENT, TestEvents.android(A), agent),
        new Call("POST", Paths.MACHINE_EVENT, TestEvents.android(B), none),
        new Call("GET", Paths.POWERCYCLE_LIST, "", Set.of("viewer", "editor", "powercycle")),
        new Call("POST", Paths.withId(Paths.POWERCYCLE_COMPLETE, A), "", powercycle),
        new Call("POST", Paths.withId(Paths.POWERCYCLE_COMPLETE, B), "", none),
        new Call("POST", Paths.POWERCYCLE_STATE_UPDATE,
            "{\"Machines\":[{\"MachineID\":\"" + A + "\",\"PowerCycleState\":\"available\"}]}", powercycle),
        new Call("POST", Paths.POWERCYCLE_STATE_UPDATE,
            "{\"Machines\":[{\"MachineID\":\"" + A + "\",\"PowerCycleState\":\"available\"},"
                + "{\"MachineID\":\"" + B + "\",\"PowerCycleState\":\"available\"}]}", none),
        new Call("POST", Paths.TOGGLE_MODE + A, "", editors),
        new Call("POST", Paths.TOGGLE_POWERCYCLE + A, "", editors),
        new Call("POST", Paths.SET_ATTACHED_DEVICE + A, "{\"AttachedDevice\":\"adb\"}", editors),
        new Call("POST", Paths.REMOVE_DEVICE + A, "", editors),
        new Call("POST", Paths.SET_NOTE + A, "{\"Message\":\"hi\"}", editors),
        new Call("POST", Paths.SUPPLY_CHROMEOS + A,
            "{\"SSHUserIP\":\"root@h\",\"SuppliedDimensions\":{\"gpu\":[\"MaliG52\"]}}", editors),
        new Call("POST", Paths.CLEAR_QUARANTINED + A, "", editors),
        new Call("GET", Paths.AUDIT, "", readers),
        new Call("GET", Paths.LOGIN_STATUS, "", TOKENS.keySet()),
        new Call("GET", Paths.withId(Paths.MACHINE_HISTORY, A), "", readers),
        new Call("POST", Paths.DELETE_MACHINE + "skia-absent", "", editors));
  }

  @Test
  void everyRoleAgainstEveryEndpoint() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (Call call : calls()) {
      for (String role : TOKENS.keySet()) {
        int status = call.send(http(role)).status();
        boolean allowed = call.allowed().contains(role);
        boolean ok = allowed ? status != 401 && status != 403 : status == 403;
        if (!ok) {
          wrong.add(role + " " + call.method() + " " + call.path() + " -> " + status);
        }
      }
      int anonymous = call.send(client()).status();
      if (anonymous != 401) {
        wrong.add("no credentials " + call.method() + " " + call.path() + " -> " + anonymous);
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void agentCannotFollowAnotherMachine() {
    assertEquals(403, http("agent").get(Paths.machineSse(B)).status());
    assertEquals(401, client().get(Paths.machineSse(A)).status());
  }

  @Test
  void plainHttpIsAnsweredOnlyWithoutTls() throws Exception {
    try (RawHttp plain = new RawHttp(server.port())) {
      plain.send("GET " + Paths.HEALTHZ + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      if (tls) {
        assertTrue(plain.closedWithin(Duration.ofSeconds(5)), "an HTTPS server answered plain HTTP");
      } else {
        assertEquals(200, plain.status());
      }
    }
  }

  @Test
  void probesNeedNoCredentials() {
    assertEquals(200, client().get(Paths.HEALTHZ).status());
    assertEquals(200, client().get(Paths.METRICS).status());
  }

  @Test
  void proxyHeaderFromAnUntrustedAddressIsIgnored() {
    TestHttp spoofed = client().withHeader("X-Email", "boss@example.com");
    assertEquals(401, spoofed.post(Paths.TOGGLE_MODE + A).status());
    assertEquals(401, spoofed.get(Paths.MACHINES).status());
  }

  @Test
  void badTokensAre401AndNeverLoggedOrEchoed() {
    String wrong = "definitely-not-a-token-" + Tokens.newToken();
    TestHttp.Reply reply = client().withToken(wrong).get(Paths.MACHINES);
    assertEquals(401, reply.status());
    assertFalse(reply.body().contains(wrong));
    assertEquals(401, client().withHeader("Authorization", "Basic " + wrong)
        .get(Paths.MACHINES).status());
    TestHttp.Reply forbidden = http("agent").post(Paths.TOGGLE_MODE + A);
    assertEquals(403, forbidden.status());
    assertFalse(forbidden.body().contains(TOKENS.get("agent")));
    logs.assertNeverLogged(Stream.concat(Stream.of(wrong), TOKENS.values().stream()).toArray(String[]::new));
  }

  @Test
  void loginStatusNamesTheCaller() {
    TestHttp.Reply editor = http("editor").get(Paths.LOGIN_STATUS);
    assertEquals(200, editor.status());
    assertEquals("{\"email\":\"editor\",\"roles\":[\"viewer\",\"editor\"],\"role\":\"editor\"}", editor.body());
    assertEquals("{\"email\":\"agent\",\"roles\":[],\"role\":\"agent\"}", http("agent").get(Paths.LOGIN_STATUS).body());
  }

  @Test
  void auditCarriesTheTokensName() {
    assertEquals(200, http("editor").post(Paths.SET_NOTE + A, "{\"Message\":\"who\"}").status());
    String audit = http("viewer").get(Paths.AUDIT + "?action=set_note").body();
    assertTrue(audit.contains("\"User\":\"editor\""), audit);
  }

  @Test
  void openServerRefusesNonLoopbackAddresses() {
    var e = assertThrows(IllegalStateException.class,
        () -> CentralServer.start(ServerConfig.defaults().withHost("0.0.0.0").withPort(0).withDataDir(dataDir)));
    assertTrue(e.getMessage().contains("without authentication"), e.getMessage());
  }
}
