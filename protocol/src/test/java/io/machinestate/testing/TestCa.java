package io.machinestate.testing;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throwaway certificate authority made with the JDK's keytool, and a server certificate it
 * signed for 127.0.0.1 and localhost, to test TLS over real sockets. Shared by every module's
 * tests through this module's test jar.
 */
public final class TestCa {
  private static final String PASSWORD = "test-only";

  private final Path keystore;
  private final Path caPem;
  private final Path otherPem;

  private TestCa(Path keystore, Path caPem, Path otherPem) {
    this.keystore = keystore;
    this.caPem = caPem;
    this.otherPem = otherPem;
  }

  /** Makes the CA, an unrelated self-signed certificate and the server's key in {@code dir}. */
  public static TestCa create(Path dir) throws IOException, InterruptedException {
    Path keystore = dir.resolve("test-ca.p12");
    keytool(keystore, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=Test CA", "-ext", "bc:c", "-validity", "2");
    keytool(keystore, "-genkeypair", "-alias", "other", "-keyalg", "EC", "-dname", "CN=Other CA", "-ext", "bc:c", "-validity", "2");
    keytool(keystore, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-signer", "ca",
        "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth", "-validity", "2");
    Path caPem = dir.resolve("ca.pem");
    Path otherPem = dir.resolve("other.pem");
    keytool(keystore, "-exportcert", "-rfc", "-alias", "ca", "-file", caPem.toString());
    keytool(keystore, "-exportcert", "-rfc", "-alias", "other", "-file", otherPem.toString());
    return new TestCa(keystore, caPem, otherPem);
  }

  /** The CA's certificate, PEM. */
  public Path caPem() {
    return caPem;
  }

  /** A self-signed CA certificate that signed nothing, PEM. */
  public Path otherPem() {
    return otherPem;
  }

  /** An HTTPS server on 127.0.0.1 with the certificate the CA signed, not yet started. */
  public HttpsServer httpsServer(String path, HttpHandler handler) throws IOException, GeneralSecurityException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(path, handler);
    return server;
  }

  private SSLContext serverContext() throws IOException, GeneralSecurityException {
    KeyStore all = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      all.load(in, PASSWORD.toCharArray());
    }
    // Only the server's key: with the CA's beside it, the server could present either.
    KeyStore server = KeyStore.getInstance("PKCS12");
    server.load(null, null);
    server.setKeyEntry("server", all.getKey("server", PASSWORD.toCharArray()), PASSWORD.toCharArray(),
        all.getCertificateChain("server"));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(server, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static void keytool(Path keystore, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", PASSWORD, "-noprompt"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }
}
