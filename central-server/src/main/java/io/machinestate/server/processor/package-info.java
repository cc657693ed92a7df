/**
 * The processor: how an agent's raw_state {@link io.machinestate.protocol.Event} changes a
 * machine's {@link io.machinestate.protocol.Description} (SPEC §4). {@link
 * io.machinestate.server.processor.Processor} picks the rule for the device the event describes;
 * the parsers of Android command output ({@code getprop}, {@code dumpsys battery}, {@code dumpsys
 * thermalservice}) sit beside it.
 */
package io.machinestate.server.processor;
