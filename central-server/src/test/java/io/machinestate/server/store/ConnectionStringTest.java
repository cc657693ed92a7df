package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConnectionStringTest {
  @Test
  void cockroachUrlBecomesJdbc() {
    ConnectionString c = ConnectionString.parse("postgresql://root@db-public:26257/machineserver?sslmode=disable");
    assertEquals("jdbc:postgresql://db-public:26257/machineserver?sslmode=disable", c.jdbcUrl());
    assertEquals("root", c.user());
    assertEquals("", c.password());
    assertEquals("machineserver", c.database());
    assertEquals("jdbc:postgresql://db-public:26257/postgres?sslmode=disable", c.withDatabase("postgres").jdbcUrl());
  }

  @Test
  void jdbcUrlAndEscapedPasswordAreAccepted() {
    ConnectionString c = ConnectionString.parse("jdbc:postgresql://ms:p%40ss@127.0.0.1/fleet");
    assertEquals("jdbc:postgresql://127.0.0.1/fleet", c.jdbcUrl());
    assertEquals("ms", c.user());
    assertEquals("p@ss", c.password());
  }

  @Test
  void badUrlsAreRefusedWithoutShowingThePassword() {
    var e = assertThrows(IllegalArgumentException.class, () -> ConnectionString.parse("mysql://a:secret@h/db"));
    assertEquals("database URL must start with postgresql:// or jdbc:postgresql://", e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> ConnectionString.parse("postgresql://a:secret@/db"));
    assertEquals(false, e2.getMessage().contains("secret"));
  }
}
