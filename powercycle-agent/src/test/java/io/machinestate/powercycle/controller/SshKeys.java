package io.machinestate.powercycle.controller;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import java.nio.file.Path;
import java.util.Base64;

/** A fresh key pair for a test: the private key file and the OpenSSH form of the public key. */
record SshKeys(Path privateKey, String publicKey) {
  static SshKeys generate(Path dir) throws Exception {
    KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256);
    Path file = dir.resolve("id_ecdsa");
    pair.writePrivateKey(file.toString());
    String publicKey = "ecdsa-sha2-nistp256 " + Base64.getEncoder().encodeToString(pair.getPublicKeyBlob());
    pair.dispose();
    return new SshKeys(file, publicKey);
  }
}
