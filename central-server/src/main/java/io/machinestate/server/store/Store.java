package io.machinestate.server.store;

import io.machinestate.protocol.Description;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One Description per machine. Every write applies {@link WriteRules}, records the machine's
 * history (and, for audited changes, the audit trail) in the same transaction, and announces the
 * result to the store's {@link ChangeSink} once committed. Failures of the database surface as
 * {@link StoreUnavailableException}.
 */
public interface Store {
  /**
   * Reads the machine's Description (a new one if the machine is unknown), applies {@code fn} and
   * writes the result, all in one serializable transaction. {@code fn} may run more than once.
   */
  Description update(String machineId, Change change, UnaryOperator<Description> fn);

  /** As {@link #update}, but only for a machine that exists; empty when it does not. */
  Optional<Description> updateExisting(String machineId, Change change, UnaryOperator<Description> fn);

  Optional<Description> get(String machineId);

  /** All Descriptions, ordered by machine id. */
  List<Description> list();

  /** The ids of the machines whose Description asks for a power cycle, ordered. */
  List<String> listPowerCycle();

  /** Returns false when there was no such machine. */
  boolean delete(String machineId, Change change);

  /** True when the database answers. */
  boolean healthy();
}
