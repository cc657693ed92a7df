package io.machinestate.server.store;

import io.machinestate.protocol.Description;

/**
 * A machine's Description with its version, which every write to the machine raises, on whichever
 * replica: SSE ids carry it, and a replica passes on only what is newer than what it has passed on.
 */
public record Versioned(long version, Description description) {}
