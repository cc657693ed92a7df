package io.machinestate.testing;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority made with the JDK's keytool, and a server certificate it
 * signed for 127.0.0.1 and localhost, to test TLS over real sockets, on both sides: as a JDK
 * HTTPS server the agents talk to, and as PEM files the central server serves. Shared by every module's
 * tests through this module's test jar.
 */
public final class TestCa {
  private static final String PASSWORD = "test-only";

  private final Path dir;
  private final Path keystore;
  private final Path caPem;
  private int issued;

  private TestCa(Path dir, Path keystore, Path caPem) {
    this.dir = dir;
    this.keystore = keystore;
    this.caPem = caPem;
  }

  /** Makes the CA and the server's key in {@code dir}. */
  public static TestCa create(Path dir) throws IOException, InterruptedException {
    Path keystore = dir.resolve("test-ca.p12");
    keytool(keystore, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=Test CA", "-ext", "bc:c", "-validity", "2");
    keytool(keystore, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-signer", "ca",
        "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth", "-validity", "2");
    Path caPem = dir.resolve("ca.pem");
    exportCert(keystore, "ca", caPem);
    return new TestCa(dir, keystore, caPem);
  }

  /** The CA's certificate, PEM. */
  public Path caPem() {
    return caPem;
  }

  /** Makes a self-signed CA certificate that signs nothing, PEM; once. */
  public Path otherPem() throws IOException, InterruptedException {
    Path otherPem = dir.resolve("other.pem");
    keytool(dir.resolve("other.p12"), "-genkeypair", "-alias", "other", "-keyalg", "EC", "-dname", "CN=Other CA",
        "-ext", "bc:c", "-validity", "2");
    exportCert(dir.resolve("other.p12"), "other", otherPem);
    return otherPem;
  }

  /**
   * Writes a new server certificate for 127.0.0.1 and localhost, signed by the CA, and its key as
   * PEM files (the key PKCS#8, as cert-manager writes it when asked to), over any already there.
   */
  public void issueServer(Path cert, Path key) throws IOException, InterruptedException {
    String alias = "server" + (++issued);
    keytool(keystore, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-dname", "CN=localhost", "-signer", "ca",
        "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth", "-validity", "2");
    exportCert(keystore, alias, cert);
    try {
      Files.writeString(key, pem("PRIVATE KEY", load(keystore).getKey(alias, PASSWORD.toCharArray()).getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key of " + alias, e);
    }
  }

  /** A client context that trusts this CA only. */
  public SSLContext clientContext() throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", load(keystore).getCertificate("ca"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** An HTTPS server on 127.0.0.1 with the certificate the CA signed, not yet started. */
  public HttpsServer httpsServer(String path, HttpHandler handler) throws IOException {
    HttpsServer server = (HttpsServer) bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), this);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(path, handler);
    return server;
  }

  /** A server bound to {@code address}: plain HTTP when {@code tls} is null, else HTTPS with its certificate. */
  public static HttpServer bind(InetSocketAddress address, TestCa tls) throws IOException {
    if (tls == null) {
      return HttpServer.create(address, 0);
    }
    HttpsServer server = HttpsServer.create(address, 0);
    try {
      server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use the test keystore", e);
    }
    return server;
  }

  private SSLContext serverContext() throws IOException, GeneralSecurityException {
    KeyStore all = load(keystore);
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

  /** Writes an entry's certificate as PEM; in this JVM, as keytool -exportcert -rfc would in another. */
  private static void exportCert(Path keystore, String alias, Path file) throws IOException {
    try {
      Files.writeString(file, pem("CERTIFICATE", load(keystore).getCertificate(alias).getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the certificate of " + alias, e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static KeyStore load(Path keystore) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
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
