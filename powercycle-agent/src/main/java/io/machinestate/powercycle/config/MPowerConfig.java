package io.machinestate.powercycle.config;

import java.time.Duration;
import java.util.Map;

/** A Ubiquiti mPower power strip, switched over SSH with a public key. */
public record MPowerConfig(String name, SshLogin login, Duration offTime, Map<String, Integer> ports)
    implements ControllerConfig {}
