package io.machinestate.server.tls;

import io.machinestate.testing.TestCa;
import java.io.IOException;
import java.nio.file.Path;

/** The server's certificate and key files, as a test's CA issues them. */
public final class ServerCertificates {
  private ServerCertificates() {}

  /** Issues a certificate for 127.0.0.1 into {@code dir}. */
  public static TlsFiles issue(TestCa ca, Path dir) throws IOException, InterruptedException {
    TlsFiles files = new TlsFiles(dir.resolve("server.crt"), dir.resolve("server.key"));
    reissue(ca, files);
    return files;
  }

  /** Writes a new certificate and key over {@code files}, as cert-manager rotates them. */
  public static void reissue(TestCa ca, TlsFiles files) throws IOException, InterruptedException {
    ca.issueServer(files.cert(), files.key());
  }
}
