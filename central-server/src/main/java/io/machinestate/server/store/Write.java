package io.machinestate.server.store;

import io.machinestate.protocol.Description;
import java.util.function.UnaryOperator;

/** One machine's part of {@link Store#updateAllExisting}: which machine, who asks, and what to do. */
public record Write(String machineId, Change change, UnaryOperator<Description> fn) {}
