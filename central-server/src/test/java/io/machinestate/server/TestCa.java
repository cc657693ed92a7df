package io.machinestate.server;

import io.machinestate.server.tls.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority for one test, made with the {@code openssl} command as an
 * operator would, and the server certificates it signs for 127.0.0.1 (EC P-256, PKCS#8 keys, as
 * cert-manager writes them when asked for PKCS#8).
 */
public final class TestCa {
  private final Path dir;
  private int issued;

  public TestCa(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=machineserver test CA");
  }

  /** A new certificate and key for 127.0.0.1, written over {@code files} (made here when null). */
  public TlsFiles issue(TlsFiles files) throws IOException, InterruptedException {
    int n = ++issued;
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "new.key",
        "-out", "new.csr", "-subj", "/CN=machineserver " + n);
    openssl("x509", "-req", "-in", "new.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", Integer.toString(n),
        "-out", "new.crt", "-days", "1", "-extfile", "san.ext");
    TlsFiles target = files != null ? files : new TlsFiles(dir.resolve("server.crt"), dir.resolve("server.key"));
    Files.copy(dir.resolve("new.crt"), target.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(dir.resolve("new.key"), target.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  /** Trusts this authority only. */
  public SSLContext clientContext() throws Exception {
    X509Certificate ca;
    try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + output);
    }
  }
}
