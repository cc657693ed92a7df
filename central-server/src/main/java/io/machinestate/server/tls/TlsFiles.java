package io.machinestate.server.tls;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The server's certificate chain and private key, PEM files as cert-manager writes them (the key
 * as PKCS#8, or PKCS#1 for RSA).
 *
 * @param cert the certificate, then any intermediates
 * @param key its private key, unencrypted
 */
public record TlsFiles(Path cert, Path key) {
  public TlsFiles {
    if (cert == null || key == null) {
      throw new IllegalArgumentException("TLS needs both a certificate and a key file");
    }
  }

  /** Reads both files; IllegalArgumentException naming the file and the problem when they are unusable. */
  public Tls read() {
    PrivateKey privateKey;
    List<X509Certificate> chain;
    try {
      privateKey = Keys.builder().pem(p -> p.key(Resource.create(key))).build().privateKey()
          .orElseThrow(() -> new IllegalArgumentException("no private key"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(key + ": cannot read a PEM private key (PKCS#8, or PKCS#1 for RSA): "
          + e.getMessage());
    }
    try {
      chain = Keys.builder().pem(p -> p.certChain(Resource.create(cert))).build().certChain();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(cert + ": cannot read PEM certificates: " + e.getMessage());
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(cert + ": holds no certificate");
    }
    if (!matches(privateKey, chain.getFirst())) {
      // also what a reload sees when one file was replaced and the other not yet
      throw new IllegalArgumentException(key + " is not the key of the certificate in " + cert);
    }
    // Helidon 4.0.5 cannot reload a Tls made without trust (a NullPointerException once the key is
    // swapped); the server asks for no client certificates, so what it trusts is otherwise unused
    return Tls.builder().privateKey(privateKey).privateKeyCertChain(chain).trust(chain).build();
  }

  /** A hash of both files' bytes, which changes when either is replaced. */
  String fingerprint() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(cert));
      sha.update(Files.readAllBytes(key));
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Whether the certificate's public key verifies what the private key signs. */
  private static boolean matches(PrivateKey privateKey, X509Certificate certificate) {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return true; // a kind we cannot check here; the handshake will tell
    }
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
