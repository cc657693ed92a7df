package io.machinestate.server.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block such as {@code 10.0.0.0/8} or {@code ::1/128}; a bare address is a block of one. */
public record Cidr(byte[] network, int prefix) {
  public static Cidr parse(String s) {
    String[] parts = s.trim().split("/", 2);
    byte[] address;
    try {
      if (!parts[0].matches("[0-9a-fA-F:.]+")) {
        throw new UnknownHostException(parts[0]); // an address, never a name to look up
      }
      address = InetAddress.getByName(parts[0]).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("invalid address block \"" + s + "\"");
    }
    int prefix = parts.length == 1 ? address.length * 8 : Integer.parseInt(parts[1]);
    if (prefix < 0 || prefix > address.length * 8) {
      throw new IllegalArgumentException("invalid prefix length in \"" + s + "\"");
    }
    return new Cidr(address, prefix);
  }

  public boolean contains(InetAddress a) {
    byte[] bytes = a.getAddress();
    if (bytes.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (bytes[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (bytes[full] & mask) == (network[full] & mask);
  }
}
