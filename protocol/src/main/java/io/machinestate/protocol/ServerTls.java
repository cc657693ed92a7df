package io.machinestate.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * How an agent's connection to the central server is protected: which certificates it trusts
 * ({@code --ca-cert}), and the refusal to send a token where anyone on the path could read it
 * ({@code --allow-insecure-http} lifts it). Both agents check this at start, so that a bad setting
 * stops them with a message instead of failing every request. OkHttp is an optional dependency of
 * this module: only the agents load this.
 */
public final class ServerTls {
  public static final String CA_CERT_FLAG = "--ca-cert";
  public static final String CA_CERT_ENV = "MACHINESERVER_CA_CERT";
  public static final String ALLOW_INSECURE_HTTP_FLAG = "--allow-insecure-http";
  public static final String ALLOW_INSECURE_HTTP_ENV = "MACHINESERVER_ALLOW_INSECURE_HTTP";

  private final Path caCert;
  private final int certificates;
  private final SSLContext context;
  private final X509TrustManager trustManager;

  private ServerTls(Path caCert, int certificates, SSLContext context, X509TrustManager trustManager) {
    this.caCert = caCert;
    this.certificates = certificates;
    this.context = context;
    this.trustManager = trustManager;
  }

  /**
   * Refuses a bearer token over plain http to anything but this machine: whoever can read the
   * traffic could then act as the agent.
   *
   * @throws IllegalArgumentException saying so, and naming the flag that allows it anyway
   */
  public static void checkTokenTransport(HttpUrl server, boolean hasToken, boolean allowInsecureHttp) {
    if (hasToken && !server.isHttps() && !allowInsecureHttp && !Loopback.isLoopback(server.host())) {
      throw new IllegalArgumentException("refusing to send the bearer token in clear text to " + server
          + ": use an https:// server URL, or give " + ALLOW_INSECURE_HTTP_FLAG + " (" + ALLOW_INSECURE_HTTP_ENV
          + "=true) if the network to the server is trusted");
    }
  }

  /**
   * The certificates of {@code --ca-cert}: a PEM file of one or more certificates, the only ones the
   * connection to the server then trusts (as with curl's {@code --cacert}).
   *
   * @param caCert the file, or null for the JVM's trust store
   * @throws IllegalArgumentException for a file that is missing, unreadable or holds no certificate,
   *     or for an http server, where the certificates would never be used
   */
  public static Optional<ServerTls> load(Path caCert, HttpUrl server) {
    if (caCert == null) {
      return Optional.empty();
    }
    if (!server.isHttps()) {
      throw new IllegalArgumentException(CA_CERT_FLAG + " is for an https:// server, not " + server);
    }
    List<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caCert)) {
      certs = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(CA_CERT_FLAG + " " + caCert + " does not exist");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(CA_CERT_FLAG + " " + caCert + ": cannot read PEM certificates: " + e.getMessage());
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(CA_CERT_FLAG + " " + caCert + " holds no certificate (want PEM: -----BEGIN CERTIFICATE-----)");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certs.size(); i++) {
        store.setCertificateEntry("ca-" + i, certs.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      X509TrustManager trustManager = (X509TrustManager) factory.getTrustManagers()[0];
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new X509TrustManager[] {trustManager}, null);
      return Optional.of(new ServerTls(caCert, certs.size(), context, trustManager));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(CA_CERT_FLAG + " " + caCert + ": " + e.getMessage());
    }
  }

  /** Makes the client trust these certificates only; streams built from it with {@code newBuilder} do too. */
  public OkHttpClient.Builder applyTo(OkHttpClient.Builder builder) {
    return builder.sslSocketFactory(context.getSocketFactory(), trustManager);
  }

  /**
   * The client for the central server: {@code base} trusting {@code tls}, if given, and adding the
   * credentials (such as a {@link BearerToken}) to every request, if any. Everything else (power
   * strips, metadata servers) keeps {@code base}: the credentials and the private CA are the
   * central server's alone.
   */
  public static OkHttpClient centralServerClient(OkHttpClient base, Optional<ServerTls> tls,
      Optional<? extends Interceptor> credentials) {
    OkHttpClient.Builder builder = base.newBuilder();
    tls.ifPresent(t -> t.applyTo(builder));
    credentials.ifPresent(builder::addInterceptor);
    return builder.build();
  }

  @Override
  public String toString() {
    return certificates + (certificates == 1 ? " certificate" : " certificates") + " of " + caCert;
  }
}
