package io.machinestate.powercycle.config;

import java.time.Duration;
import java.util.Map;

/**
 * A relay board on the controller's own GPIO lines. A machine is powered while its relay is
 * energised; {@code activeLow} boards energise a relay with a low output level.
 */
public record GpioConfig(String name, String chip, boolean activeLow, Duration offTime, Map<String, Integer> ports)
    implements ControllerConfig {}
