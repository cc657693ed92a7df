package io.machinestate.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.machinestate.testing.LogRecorder;
import io.machinestate.testing.TestCa;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listener serving the files' certificate, and a new one once the files are replaced, over real TLS. */
class TlsReloadTest {
  static final Duration LOOK_EVERY = Duration.ofMillis(200);

  @TempDir
  Path dir;

  @Test
  void aRotatedCertificateIsServedToNewConnections() throws Exception {
    TestCa ca = TestCa.create(dir);
    TlsFiles files = ServerCertificates.issue(ca, dir);
    SSLContext trust = ca.clientContext();
    WebServer server = WebServer.builder().host("127.0.0.1").port(0).tls(files.read())
        .routing(HttpRouting.builder().get("/", (req, res) -> res.send("ok"))).build().start();
    try (LogRecorder logs = LogRecorder.start();
        TlsReloader reloader = new TlsReloader(files, LOOK_EVERY, server::reloadTls)) {
      assertEquals(serial(files), served(server, trust));

      ServerCertificates.reissue(ca, files);
      BigInteger second = serial(files);
      assertTrue(servesWithin(server, trust, second), "the new certificate was not served");
      Thread.sleep(LOOK_EVERY); // the line follows the reload
      assertTrue(logs.logged("TLS certificate reloaded from " + files.cert()), String.join("", logs.lines()));

      // a key that is not the certificate's, as when one file is replaced before the other
      Path otherKey = dir.resolve("other.key");
      Files.copy(files.key(), otherKey);
      ServerCertificates.reissue(ca, files);
      Files.copy(otherKey, files.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Thread.sleep(LOOK_EVERY.multipliedBy(5));
      assertEquals(second, served(server, trust), "a mismatched pair replaced the certificate");
      assertEquals(1, logs.count("TLS certificate not reloaded, keeping the current one"));
      assertTrue(logs.logged(files.key() + " is not the key of the certificate in " + files.cert()));

      ServerCertificates.reissue(ca, files); // the pair made whole
      assertTrue(servesWithin(server, trust, serial(files)), "the repaired pair was not served");
    } finally {
      server.stop();
    }
  }

  @Test
  void unusableFilesAreNamed() throws Exception {
    TestCa ca = TestCa.create(dir);
    TlsFiles files = ServerCertificates.issue(ca, dir);
    Files.writeString(files.key(), "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
    var e = assertThrows(IllegalArgumentException.class, files::read);
    assertTrue(e.getMessage().startsWith(files.key() + ": cannot read a PEM private key"), e.getMessage());
    ServerCertificates.reissue(ca, files);
    Files.writeString(files.cert(), "nothing here\n");
    e = assertThrows(IllegalArgumentException.class, files::read);
    assertTrue(e.getMessage().startsWith(files.cert().toString()), e.getMessage());
  }

  static boolean servesWithin(WebServer server, SSLContext trust, BigInteger serial) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end) {
      if (served(server, trust).equals(serial)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** The serial number of the certificate in the file. */
  static BigInteger serial(TlsFiles files) throws Exception {
    try (InputStream in = Files.newInputStream(files.cert())) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
    }
  }

  /** The serial number of the certificate a new connection gets. */
  static BigInteger served(WebServer server, SSLContext trust) throws Exception {
    try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
