package io.machinestate.powercycle.config;

import java.time.Duration;
import java.util.Map;

/** A Synaccess network power strip, switched over HTTP with basic authentication. */
public record SynaccessConfig(
    String name, String address, String user, String password, Duration offTime, Map<String, Integer> ports)
    implements ControllerConfig {}
