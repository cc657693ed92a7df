package io.machinestate.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.machinestate.protocol.Json;
import io.machinestate.server.RawHttp;
import io.machinestate.server.tls.ServerCertificates;
import io.machinestate.testing.TestCa;
import io.machinestate.testing.LogRecorder;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard on a real listener over real sockets, with short limits: 1 s to send a header or a
 * body, 2 s of keep-alive, 3 connections from one address.
 */
class ConnectionGuardTest {
  static final ConnectionLimits LIMITS = new ConnectionLimits(Duration.ofSeconds(1), Duration.ofSeconds(2), 6, 3);
  /** The read timeout and the watchdog's sweep, with room for a loaded machine. */
  static final Duration CUT_WITHIN = Duration.ofSeconds(4);

  LogRecorder logs;
  ConnectionGuard guard;
  WebServer server;

  @BeforeEach
  void start() {
    logs = LogRecorder.start();
  }

  @AfterEach
  void stop() {
    server.stop();
    guard.close();
    logs.close();
  }

  /** Serves {@code /ok}, {@code /body} (answers the size of what it read) and {@code /sse} (a comment every 200 ms). */
  void serve(Predicate<InetAddress> unlimited) {
    serve(unlimited, null);
  }

  void serve(Predicate<InetAddress> unlimited, Tls tls) {
    guard = new ConnectionGuard(LIMITS, unlimited);
    RequestReader requests = new RequestReader(Json.newMapper());
    HttpRouting.Builder routing = HttpRouting.builder()
        .addFilter(guard)
        .get("/ok", (req, res) -> res.send("ok"))
        .post("/body", (req, res) -> res.send(Integer.toString(requests.text(req).length())))
        .get("/sse", (req, res) -> {
          res.header(HeaderValues.create("Content-Type", "text/event-stream"));
          try (OutputStream out = res.outputStream()) {
            while (true) {
              out.write(": heartbeat\n\n".getBytes(StandardCharsets.UTF_8));
              out.flush();
              Thread.sleep(200);
            }
          } catch (Exception e) {
            // the client left
          }
        });
    ErrorHandlers.register(routing);
    WebServerConfig.Builder builder = WebServer.builder().host("127.0.0.1").port(0)
        .maxPayloadSize(RequestReader.MAX_BODY_BYTES)
        .connectionOptions(guard.socketOptions(SocketOptions.create()))
        .routing(routing);
    if (tls != null) {
      builder.tls(tls);
    }
    server = builder.build().start();
  }

  @Test
  void aHeaderSentByteByByteIsCutWithinTheReadTimeout() throws Exception {
    serve(a -> true);
    try (RawHttp slow = new RawHttp(server.port())) {
      long start = System.nanoTime();
      boolean cut = false;
      for (char c : "GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".toCharArray()) {
        try {
          slow.send(String.valueOf(c));
        } catch (java.io.IOException e) {
          cut = true;
          break;
        }
        if (slow.closedWithin(Duration.ofMillis(250))) {
          cut = true;
          break;
        }
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(cut, "a client sending a byte every 250 ms kept its connection for " + took);
      assertTrue(took.compareTo(LIMITS.readTimeout()) >= 0, "cut before its time: " + took);
      assertTrue(took.compareTo(CUT_WITHIN) < 0, "cut after " + took);
    }
    assertOneLineFor("closed connection from 127.0.0.1: sent no request header within 1 s");
  }

  @Test
  void aBodyThatStopsIsCut() throws Exception {
    serve(a -> true);
    try (RawHttp slow = new RawHttp(server.port())) {
      slow.send("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
      assertTrue(slow.closedWithin(CUT_WITHIN));
    }
    assertOneLineFor("closed connection from 127.0.0.1: sent no request body within 1 s");
  }

  @Test
  void aPromptClientIsServedAndItsIdleConnectionClosedAfterTheKeepAlive() throws Exception {
    serve(a -> true);
    try (RawHttp client = new RawHttp(server.port())) {
      client.send("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
      assertTrue(client.head().startsWith("HTTP/1.1 200"));
      assertEquals("5", client.read(100, Duration.ofSeconds(5)));
      // more than the read timeout, less than the keep-alive: the connection is reused
      Thread.sleep(1_500);
      client.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, client.status());
      assertTrue(client.closedWithin(Duration.ofSeconds(5)), "an idle connection stays past the keep-alive");
    }
    assertOneLineFor("closed connection from 127.0.0.1: sent no next request within 2 s");
  }

  @Test
  void anSseFollowerThatSendsNothingStays() throws Exception {
    serve(a -> true);
    try (RawHttp follower = new RawHttp(server.port())) {
      follower.send("GET /sse HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, follower.status());
      long end = System.nanoTime() + LIMITS.idleTimeout().multipliedBy(2).toNanos();
      while (System.nanoTime() < end) {
        assertTrue(follower.read(100, Duration.ofSeconds(1)).contains("heartbeat"), "the stream stopped");
      }
    }
    assertEquals(0, logs.count("closed connection"));
  }

  @Test
  void anSseFollowerOverTlsStaysAndASlowHandshakeIsCut(@TempDir Path dir) throws Exception {
    TestCa ca = TestCa.create(dir);
    serve(a -> true, ServerCertificates.issue(ca, dir).read());
    try (RawHttp follower = new RawHttp(ca.clientContext().getSocketFactory().createSocket("127.0.0.1", server.port()));
        RawHttp silent = new RawHttp(server.port())) {
      follower.send("GET /sse HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, follower.status());
      assertTrue(silent.closedWithin(CUT_WITHIN), "a connection that never began its handshake stayed");
      long end = System.nanoTime() + LIMITS.idleTimeout().toNanos();
      while (System.nanoTime() < end) {
        assertTrue(follower.read(100, Duration.ofSeconds(1)).contains("heartbeat"), "the stream stopped");
      }
    }
    assertOneLineFor("closed connection from 127.0.0.1: sent no request header within 1 s");
  }

  @Test
  void oneAddressGetsItsShareAndTheRestAreRefused() throws Exception {
    serve(a -> false); // as if 127.0.0.1 were any other address
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RawHttp follower = new RawHttp(server.port());
        held.add(follower);
        follower.send("GET /sse HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, follower.status());
      }
      for (int i = 0; i < 2; i++) {
        try (RawHttp refused = new RawHttp(server.port())) {
          refused.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
          assertTrue(refused.closedWithin(Duration.ofSeconds(2)), "a fourth connection was served");
        }
      }
      assertEquals(1, logs.count("refusing connections from 127.0.0.1: 3 are open"));
      held.removeFirst().close();
      assertTrue(served(Duration.ofSeconds(5)), "no connection once one of the three closed");
    } finally {
      for (RawHttp h : held) {
        h.close();
      }
    }
  }

  @Test
  void theServerAsAWholeTakesAtMostItsLimit() throws Exception {
    serve(a -> true); // loopback is not limited per address, but counts towards the total
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < LIMITS.maxConnections(); i++) {
        RawHttp follower = new RawHttp(server.port());
        held.add(follower);
        follower.send("GET /sse HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, follower.status());
      }
      try (RawHttp refused = new RawHttp(server.port())) {
        refused.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(refused.closedWithin(Duration.ofSeconds(2)), "a connection past the total was served");
      }
      assertEquals(1, logs.count("refusing connections: 6 are open"));
    } finally {
      for (RawHttp h : held) {
        h.close();
      }
    }
  }

  /** Whether a request is answered within {@code wait}, trying again as the guard catches up. */
  boolean served(Duration wait) throws Exception {
    long end = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < end) {
      try (RawHttp client = new RawHttp(server.port())) {
        client.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        if (client.status() == 200) {
          return true;
        }
      } catch (java.io.IOException e) {
        Thread.sleep(200);
      }
    }
    return false;
  }

  /** One line says why the connection was closed, and nothing else about it was logged: no stack trace. */
  void assertOneLineFor(String reason) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (logs.count(reason) == 0 && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    Thread.sleep(300); // anything Helidon would log about the closed socket
    assertEquals(1, logs.count(reason), String.join("", logs.lines()));
    assertFalse(logs.lines().stream().anyMatch(l -> l.contains("\tat ") || l.contains("Exception")),
        String.join("", logs.lines()));
  }
}
