package io.machinestate.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * This build's stamp, reported as tmm_version: "2026-11-27T04:40:12Z-2b0e17d4a1b2-clean", written
 * by Maven at build time (see the pom). A class run without that step (an IDE, say) is "development".
 */
public final class BuildStamp {
  static final String RESOURCE = "build-stamp.properties";
  private static final String UNSTAMPED = "development";

  private BuildStamp() {}

  public static String version() {
    try (InputStream in = BuildStamp.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return UNSTAMPED;
      }
      Properties p = new Properties();
      p.load(in);
      String version = p.getProperty("version", "").strip();
      return version.isEmpty() ? UNSTAMPED : version;
    } catch (IOException e) {
      return UNSTAMPED;
    }
  }
}
