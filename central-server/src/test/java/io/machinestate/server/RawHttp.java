package io.machinestate.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One client connection that writes exactly the bytes it is given, for what an HTTP client library
 * would not send: headers given twice, control characters in a path, a body that trickles in.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttp(int port) throws IOException {
    this(new Socket("127.0.0.1", port));
  }

  public RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  public RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** The status of the response, read up to the end of its header. */
  public int status() throws IOException {
    String head = head();
    return Integer.parseInt(head.substring(9, 12));
  }

  /** The response's header, up to the blank line. */
  public String head() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Whatever arrives within {@code wait}, as text. */
  public String read(int bytes, Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    byte[] buffer = new byte[bytes];
    try {
      int n = in.read(buffer);
      return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
    } catch (SocketTimeoutException e) {
      return "";
    }
  }

  /** Whether the server closes the connection within {@code wait}, reading and dropping what it sends meanwhile. */
  public boolean closedWithin(Duration wait) throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    byte[] buffer = new byte[8192];
    while (System.nanoTime() < deadline) {
      socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      try {
        if (in.read(buffer) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        return true; // reset
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
