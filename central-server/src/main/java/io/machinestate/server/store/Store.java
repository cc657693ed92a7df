package io.machinestate.server.store;

import io.machinestate.protocol.Description;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One Description per machine. Every write applies {@link WriteRules}, records the machine's
 * history (and, for audited changes, the audit trail) in the same transaction, and announces the
 * result to the store's {@link ChangeSink} once committed; the writes of one machine are announced
 * in the order they committed. Failures of the database surface as {@link StoreUnavailableException}
 * (nothing was written) or, when a COMMIT went unconfirmed, {@link AmbiguousCommitException}.
 */
public interface Store {
  /**
   * Reads the machine's Description (a new one if the machine is unknown), applies {@code fn} and
   * writes the result, all in one serializable transaction. {@code fn} may run more than once.
   */
  Description update(String machineId, Change change, UnaryOperator<Description> fn);

  /** As {@link #update}, but only for a machine that exists; empty when it does not. */
  Optional<Description> updateExisting(String machineId, Change change, UnaryOperator<Description> fn);

  /**
   * As {@link #updateExisting} for each write, all in one transaction: all are written or none.
   * Returns each write's result in the order given; empty for an unknown machine, which is skipped.
   */
  List<Optional<Description>> updateAllExisting(List<Write> writes);

  Optional<Description> get(String machineId);

  /** The machine's Description with its version, for streams that resume across replicas. */
  Optional<Versioned> getVersioned(String machineId);

  /** All Descriptions, ordered by machine id. */
  List<Description> list();

  /** All Descriptions with their versions, ordered by machine id: a snapshot for the fleet's stream. */
  List<Versioned> listVersioned();

  /** The ids of the machines whose Description asks for a power cycle, ordered. */
  List<String> listPowerCycle();

  /** Returns false when there was no such machine. */
  boolean delete(String machineId, Change change);

  /** True when the database answers. */
  boolean healthy();
}
